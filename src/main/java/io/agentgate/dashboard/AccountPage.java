package io.agentgate.dashboard;

import io.agentgate.common.SecurePage;
import io.agentgate.common.DomainException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;

/** The logged-in user's own account: password change and personal API tokens. Every form carries the CSRF token. */
@Path("/dashboard/account")
@Produces(MediaType.TEXT_HTML)
@SecurePage
@Tag(name = "Dashboard")
public class AccountPage {

    static final String PATH = "/dashboard/account";

    @Inject
    DashboardFrames frames;

    @Inject
    AccountService accounts;

    @Inject
    PersonalTokens tokens;

    @CheckedTemplate(basePath = "dashboard")
    static class Pages {
        static native TemplateInstance account(Frame frame, List<PersonalTokens.Row> tokens,
                PersonalTokens.Created created, String message, boolean failed);
    }

    @GET
    @Operation(summary = "Your account: personal API tokens and password")
    public TemplateInstance show() {
        return page(null, null, false);
    }

    @POST
    @Path("tokens")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Create a personal API token (shown once); CSRF token required")
    public Response createToken(@RestForm String name, @RestForm(CsrfTokens.FIELD) String csrf) {
        if (!frames.csrfValid(csrf)) {
            return html(403, page(null, "The form expired; nothing was changed. Reload the page and try again.", true));
        }
        try {
            PersonalTokens.Created created = tokens.create(frames.viewer().email(), name);
            return html(201, page(created, "Created the token " + created.name() + ".", false));
        } catch (DomainException e) {
            return html(e.status(), page(null, e.getMessage(), true));
        }
    }

    @POST
    @Path("tokens/{id}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Revoke one of your personal API tokens; CSRF token required")
    public Response revokeToken(@PathParam("id") UUID id, @RestForm(CsrfTokens.FIELD) String csrf) {
        if (!frames.csrfValid(csrf)) {
            return html(403, page(null, "The form expired; nothing was changed. Reload the page and try again.", true));
        }
        try {
            tokens.revoke(frames.viewer().email(), id);
            return Response.seeOther(URI.create(PATH)).build();
        } catch (DomainException e) {
            return html(e.status(), page(null, e.getMessage(), true));
        }
    }

    @POST
    @Path("password")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Change your password; ends every session of the account; CSRF token required")
    public Response changePassword(@RestForm String current, @RestForm String password,
            @RestForm(CsrfTokens.FIELD) String csrf) {
        if (!frames.csrfValid(csrf)) {
            return html(403, page(null, "The form expired; nothing was changed. Reload the page and try again.", true));
        }
        try {
            accounts.changeOwnPassword(frames.viewer().email(), current, password);
            // this session ended with the others: log in again with the new password
            return Response.seeOther(URI.create("/?loggedOut=1")).build();
        } catch (DomainException e) {
            return html(e.status(), page(null, "The password was not changed: " + e.getMessage(), true));
        }
    }

    private TemplateInstance page(PersonalTokens.Created created, String message, boolean failed) {
        return Pages.account(frames.frame(PATH), tokens.list(frames.viewer().email()), created, message, failed);
    }

    private static Response html(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(page.render()).build();
    }
}
