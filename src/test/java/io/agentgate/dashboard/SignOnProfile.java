package io.agentgate.dashboard;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** OIDC sign-on against the real test provider ({@link OidcProviderProcess}), with local passwords switched off. */
public class SignOnProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OidcProviderProcess.class));
    }
}
