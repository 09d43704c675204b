package io.agentgate.dashboard;

import io.quarkus.oidc.OidcConfigurationMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.URI;
import org.jboss.logging.Logger;

/**
 * Where a logout goes once the dashboard session has ended: for an account that signs in at the identity provider,
 * on to quarkus-oidc's logout path ({@code quarkus.oidc.logout.path}), which ends the provider's session too
 * (RP-initiated logout) when the provider announces an {@code end_session_endpoint}; otherwise the login page.
 */
@ApplicationScoped
public class ProviderLogout {

    static final String PATH = "/login/oidc/logout";
    /** A page on the way to {@link #PATH}: the logout form's CSP (form-action 'self') stops redirects there. */
    static final URI LOGGING_OUT = URI.create("/login/oidc/logging-out");
    static final URI LOGGED_OUT = URI.create("/?loggedOut=1");
    private static final Logger LOG = Logger.getLogger(ProviderLogout.class);

    @Inject
    SignOnSettings settings;

    @Inject
    AccountService accounts;

    @Inject
    Instance<OidcConfigurationMetadata> metadata;

    URI after(String email) {
        if (!settings.oidc().enabled()
                || accounts.find(email).map(a -> a.idpSubject == null).orElse(true)) {
            return LOGGED_OUT;
        }
        try {
            String endSession = metadata.get().getEndSessionUri();
            return endSession == null || endSession.isBlank() ? LOGGED_OUT : LOGGING_OUT;
        } catch (RuntimeException e) {
            // the provider's metadata is not known (it was unreachable): the local logout stands alone
            LOG.warnf("no RP-initiated logout: the identity provider's metadata is unavailable (%s)", e.toString());
            return LOGGED_OUT;
        }
    }
}
