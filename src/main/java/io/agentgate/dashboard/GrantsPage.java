package io.agentgate.dashboard;

import io.agentgate.approval.GrantView;
import io.agentgate.approval.Grants;
import io.agentgate.approval.Quorum;
import io.agentgate.common.DomainException;
import io.agentgate.common.SecurePage;
import io.agentgate.gate.ActionStatus;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.ApplicationScoped;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;

/**
 * The Grants page (active grants with uses, expiry, who gave them, revoke) and the pending list's batch decision
 * ("Approve selected" / "Reject selected"): each selected action is one DASHBOARD vote, decided or refused alone.
 */
@Path("/dashboard")
@Produces(MediaType.TEXT_HTML)
@SecurePage
@Tag(name = "Dashboard")
public class GrantsPage {

    static final String PATH = "/dashboard/grants";
    private static final String EXPIRED_FORM = "The form expired; nothing was changed. Reload the page and try again.";

    @Inject
    DashboardFrames frames;

    @Inject
    Grants grants;

    @Inject
    DashboardDecisions decisions;

    /** One selected action's outcome on the batch page. */
    public record Outcome(UUID id, boolean ok, String message) {
    }

    @CheckedTemplate(basePath = "dashboard")
    static class Pages {
        static native TemplateInstance grants(Frame frame, List<GrantView> grants, String message, boolean failed);

        static native TemplateInstance batch(Frame frame, ActionStatus decision, List<Outcome> outcomes);
    }

    /** The Grants entry of the navigation. */
    @ApplicationScoped
    static class Section implements DashboardSection {
        @Override
        public String path() {
            return PATH;
        }

        @Override
        public String label() {
            return "Grants";
        }

        @Override
        public int order() {
            return 25;
        }
    }

    @GET
    @Path("grants")
    @Operation(summary = "Grants in force: what each covers, uses, expiry, who gave it; revoke (approvers)")
    public TemplateInstance list() {
        return page(null, false);
    }

    @POST
    @Path("grants/{id}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Revoke a grant; CSRF token required, approver or admin")
    public Response revoke(@PathParam("id") UUID id, @RestForm(CsrfTokens.FIELD) String csrf) {
        if (!frames.csrfValid(csrf)) {
            return html(403, page(EXPIRED_FORM, true));
        }
        if (!frames.viewer().approverRole()) {
            return html(403, page("Your role (" + frames.viewer().roleName() + ") may look at grants but not revoke "
                    + "them.", true));
        }
        try {
            grants.revoke(id, frames.viewer().email());
            return Response.seeOther(URI.create(PATH)).build();
        } catch (DomainException e) {
            return html(e.status(), page(e.getMessage(), true));
        }
    }

    @POST
    @Path("decisions")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Approve or reject the selected pending actions, each alone; CSRF token required")
    public Response batch(@RestForm List<UUID> ids, @RestForm String decision, @RestForm String comment,
            @RestForm(CsrfTokens.FIELD) String csrf) {
        if (!frames.csrfValid(csrf)) {
            return html(403, page(EXPIRED_FORM, true));
        }
        ActionStatus vote = "APPROVED".equals(decision) ? ActionStatus.APPROVED
                : "REJECTED".equals(decision) ? ActionStatus.REJECTED : null;
        List<Outcome> outcomes = new ArrayList<>();
        for (UUID id : ids == null ? List.<UUID>of() : ids) {
            try {
                Quorum.Tally tally = decisions.decide(id, frames.viewer(), vote, comment);
                outcomes.add(new Outcome(id, true, tally.decided() ? "now " + tally.action().status()
                        : "your approval is recorded: " + tally.approvals() + " of " + tally.requiredApprovals()));
            } catch (DomainException e) {
                outcomes.add(new Outcome(id, false, ProblemPages.words(e)));
            }
        }
        // each item's outcome is on the page; nothing selected is the one request that is wrong as a whole
        return html(outcomes.isEmpty() ? 400 : 200, Pages.batch(frames.frame("/dashboard/pending"), vote, outcomes));
    }

    private TemplateInstance page(String message, boolean failed) {
        return Pages.grants(frames.frame(PATH), grants.list(null, true, 500), message, failed);
    }

    private static Response html(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(page.render()).build();
    }
}
