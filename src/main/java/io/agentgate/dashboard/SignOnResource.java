package io.agentgate.dashboard;

import io.agentgate.common.SecurePage;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * Sign-on through the identity provider. {@code /login/oidc} is guarded by quarkus-oidc's authorization code flow
 * (with PKCE; see application.properties): a visitor without a provider session is sent to the provider and comes
 * back here signed in. This page then turns the ID token into AgentGate's own dashboard session ({@link IdpSignIns},
 * {@link DashboardSecurity#open}), the same one a password login opens. Off ({@code agentgate.oidc.enabled=false}):
 * these paths are 404 and quarkus-oidc never contacts a provider.
 */
@Path("/login/oidc")
@PermitAll
@Produces(MediaType.TEXT_HTML)
@SecurePage
@Tag(name = "Dashboard")
public class SignOnResource {

    private static final Logger LOG = Logger.getLogger(SignOnResource.class);

    @Inject
    SignOnSettings settings;

    @Inject
    IdpSignIns signIns;

    @Inject
    DashboardSecurity security;

    @Inject
    SecurityIdentity identity;

    @Inject
    RoutingContext rc;

    @GET
    @Operation(summary = "Sign in through the identity provider (OIDC authorization code flow with PKCE)")
    public Response signIn() {
        if (!settings.oidc().enabled()) {
            return Response.status(404).type(MediaType.TEXT_PLAIN_TYPE).entity("Sign-on is not configured.").build();
        }
        if (!(identity.getPrincipal() instanceof JsonWebToken token) || token.getSubject() == null) {
            return refused(401, "The identity provider did not sign you in.");
        }
        IdpSignIns.Claims claims = new IdpSignIns.Claims(token.getIssuer(), token.getSubject(),
                text(token.getClaim("email")), Boolean.parseBoolean(text(token.getClaim("email_verified"))),
                names(token.getClaim(settings.oidc().groupsClaim())));
        String email;
        try {
            email = signIn(claims);
        } catch (IdpSignIns.Refused e) {
            LOG.infof("sign-in through the identity provider refused: %s", e.getMessage());
            return refused(403, e.getMessage());
        }
        security.open(rc, email);
        // a page, not a redirect: the session cookie is SameSite=Strict, and a redirect chain that began at the
        // provider's site would not carry it; a navigation from this page does
        return onwards("/dashboard", "Signed in.", "Continue to the dashboard");
    }

    @GET
    @Path("logging-out")
    @Operation(summary = "On the way from the dashboard's logout to the identity provider's (RP-initiated logout)")
    public Response loggingOut() {
        if (!settings.oidc().enabled()) {
            return Response.seeOther(ProviderLogout.LOGGED_OUT).build();
        }
        // a page, not a redirect: the logout form's CSP (form-action 'self') would stop its redirects at the provider
        return onwards(ProviderLogout.PATH, "You are logged out of AgentGate.", "Log out at the identity provider too");
    }

    private static Response onwards(String path, String message, String link) {
        return Response.ok("""
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
                <meta http-equiv="refresh" content="0;url=%1$s"><title>AgentGate</title></head>
                <body><p>%2$s <a id="continue" href="%1$s">%3$s</a></p></body></html>
                """.formatted(path, message, link)).type(MediaType.TEXT_HTML_TYPE).build();
    }

    @GET
    @Path("logged-out")
    @Operation(summary = "Where the identity provider returns after its logout (RP-initiated logout)")
    public Response loggedOut() {
        return Response.seeOther(ProviderLogout.LOGGED_OUT).build();
    }

    /** Two first sign-ins of one person at once (two tabs, two instances): the loser reads the winner's account. */
    private String signIn(IdpSignIns.Claims claims) {
        try {
            return signIns.signIn(claims);
        } catch (PersistenceException raced) {
            return signIns.signIn(claims);
        }
    }

    private Response refused(int status, String message) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE)
                .entity(LoginResource.page(message, false, settings)).build();
    }

    private static String text(Object claim) {
        if (claim == null) {
            return null;
        }
        return claim instanceof JsonString s ? s.getString() : claim.toString();
    }

    /** A claim of names: a JSON array (or any collection) of strings, or a single string. */
    static List<String> names(Object claim) {
        List<String> names = new ArrayList<>();
        if (claim instanceof Iterable<?> values) {
            for (Object value : values) {
                String name = text(value);
                if (name != null && !name.isBlank()) {
                    names.add(name);
                }
            }
        } else if (claim != null && !text(claim).isBlank()) {
            names.add(text(claim));
        }
        return names;
    }
}
