package io.agentgate.dashboard;

import io.agentgate.common.SecurePage;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The login form at {@code /}. It posts to Quarkus' form authentication ({@code /j_security_check}), which checks the
 * bcrypt hash through quarkus-security-jpa and sets the session cookie; failures come back here with {@code ?error}.
 */
@Path("/")
@PermitAll
@Produces(MediaType.TEXT_HTML)
@SecurePage
@Tag(name = "Dashboard")
public class LoginResource {

    @Inject
    SecurityIdentity identity;

    @Inject
    SignOnSettings signOn;

    @CheckedTemplate(basePath = "dashboard")
    static class Pages {
        static native TemplateInstance login(String error, boolean loggedOut, boolean localLogin, String provider);
    }

    /** The login page: the password form unless agentgate.local-login=false, and the provider button with OIDC. */
    static String page(String error, boolean loggedOut, SignOnSettings signOn) {
        return Pages.login(error, loggedOut, signOn.localLogin(),
                signOn.oidc().enabled() ? signOn.oidc().providerName() : null).render();
    }

    @GET
    @Operation(summary = "Login form (or the overview when already logged in)")
    public Response login(@RestQuery String error, @RestQuery String loggedOut) {
        if (!identity.isAnonymous() && error == null) {
            return Response.seeOther(URI.create("/dashboard")).build();
        }
        String message = error == null ? null : switch (error) {
            case "throttled" -> "Too many failed logins for this account or address. Logins are refused for a while; "
                    + "try again later or ask an admin.";
            default -> "Wrong email or password.";
        };
        return Response.status(error == null ? 200 : 401).type(MediaType.TEXT_HTML_TYPE)
                .entity(page(message, loggedOut != null, signOn)).build();
    }
}
