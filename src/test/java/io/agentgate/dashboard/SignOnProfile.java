package io.agentgate.dashboard;

import io.agentgate.TestDatabase;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * OIDC sign-on against the real test provider ({@link OidcProviderProcess}), with local passwords switched off, on a
 * database of its own.
 */
public class SignOnProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return TestDatabase.own("signon");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OidcProviderProcess.class));
    }
}
