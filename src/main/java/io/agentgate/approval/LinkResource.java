package io.agentgate.approval;

import io.agentgate.common.SecurePage;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The pages behind the approver mail's links. The signed token is the credential: no login. GET shows the action
 * and a confirm form and changes nothing (mail scanners open every link); only the form's POST votes.
 */
@Path("/approval/{id}")
@PermitAll
@Produces(MediaType.TEXT_HTML)
@SecurePage
@Tag(name = "Approval links", description = "Pages behind the signed approve and reject links of the approver mail")
public class LinkResource {

    @Inject
    LinkService links;

    @CheckedTemplate(basePath = "approval")
    static class Pages {
        static native TemplateInstance confirm(ApprovalSummary action, ApprovalLink link, String token, String error,
                String editor);

        static native TemplateInstance voted(ApprovalSummary action, ApprovalLink link, boolean decided);

        static native TemplateInstance refused(Refusal refusal, String detail, ApprovalSummary action);
    }

    @GET
    @Operation(summary = "Show an action and a confirm form for a signed link",
            description = "Changes nothing but the audit log (approval.link_opened).")
    @APIResponse(responseCode = "200", description = "The action and a confirm form")
    @APIResponse(responseCode = "400", description = "Malformed or tampered link")
    @APIResponse(responseCode = "403", description = "Link of another action or approver, or not an approver")
    @APIResponse(responseCode = "404", description = "No such action")
    @APIResponse(responseCode = "409", description = "Link already used, approver already voted, or action already decided")
    @APIResponse(responseCode = "410", description = "Link expired or action timed out")
    public TemplateInstance open(@PathParam("id") UUID id, @RestQuery String approver, @RestQuery String token) {
        LinkService.Confirmation c = links.open(id, approver, token);
        return Pages.confirm(c.action(), c.link(), token, null, c.action().toolArgs());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Confirm a signed link: cast the approver's vote", description = "Decides once the quorum is met "
            + "or on a reject.")
    @APIResponse(responseCode = "200", description = "Vote recorded; the page says the action's state")
    @APIResponse(responseCode = "400", description = "Malformed or tampered link, comment over 2000 characters, or "
            + "edited tool arguments that are not a JSON object (the form again, saying why)")
    @APIResponse(responseCode = "403", description = "Link of another action or approver, or not an approver")
    @APIResponse(responseCode = "404", description = "No such action")
    @APIResponse(responseCode = "409", description = "Link already used, approver already voted, or action already decided")
    @APIResponse(responseCode = "410", description = "Link expired or action timed out")
    @APIResponse(responseCode = "422", description = "A deny policy refuses the edited tool arguments (the form again)")
    public Response confirm(@PathParam("id") UUID id, @RestForm String approver, @RestForm String token,
            @RestForm String comment, @RestForm String toolArgs, @RestForm String grantScope,
            @RestForm String grantFor, @RestForm String grantUses) {
        try {
            LinkService.Voted v = links.confirm(id, approver, token, comment, toolArgs, grantScope, grantFor,
                    grantUses);
            return html(200, Pages.voted(v.action(), v.link(), v.decided()));
        } catch (LinkService.EditNotAccepted e) {
            // the form again, with the approver's text and why it was refused: nothing was decided
            return html(e.status(), Pages.confirm(e.confirmation().action(), e.confirmation().link(), token,
                    e.getMessage(), e.toolArgs()));
        }
    }

    private static Response html(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(page.render()).build();
    }

    @ServerExceptionMapper
    public Response refused(LinkRefused e) {
        return Response.status(e.refusal().status()).type(MediaType.TEXT_HTML_TYPE)
                .entity(Pages.refused(e.refusal(), e.getMessage(), e.action()).render()).build();
    }
}
