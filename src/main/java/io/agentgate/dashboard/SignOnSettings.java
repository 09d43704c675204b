package io.agentgate.dashboard;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;

/**
 * How people sign on to the dashboard: {@code agentgate.local-login} (email and password) and
 * {@code agentgate.oidc.*} (the company's identity provider; the provider itself is {@code quarkus.oidc.*}).
 */
@ConfigMapping(prefix = "agentgate")
public interface SignOnSettings {

    /** Whether the login page offers email and password (off: the identity provider only). */
    @WithDefault("true")
    boolean localLogin();

    Oidc oidc();

    interface Oidc {
        /** Sign-on through the OIDC provider of {@code quarkus.oidc.*}; off: quarkus-oidc stays inert. */
        @WithDefault("false")
        boolean enabled();

        /** The name on the login page's button: "Sign in with ...". */
        @WithDefault("your identity provider")
        String providerName();

        /** The ID token claim with the person's groups (a JSON array of names, or one name). */
        @WithDefault("groups")
        String groupsClaim();

        /** IdP group to AgentGate role ({@code approver}, {@code admin} or {@code viewer}). */
        Map<String, String> roleMap();
    }
}
