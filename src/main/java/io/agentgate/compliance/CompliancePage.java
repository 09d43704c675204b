package io.agentgate.compliance;

import io.agentgate.common.InvalidRequest;
import io.agentgate.common.Problem;
import io.agentgate.common.SecurePage;
import io.agentgate.dashboard.CsrfTokens;
import io.agentgate.dashboard.DashboardFrames;
import io.agentgate.dashboard.DashboardSection;
import io.agentgate.dashboard.Frame;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The printable compliance pages of the dashboard: the overall checklist, and per agent the EU AI Act report, its
 * checklist and (for admins) the CSRF-protected record form. Server-rendered and escaped; under {@code /dashboard}, so
 * they take the dashboard's login and session.
 */
@Path("/dashboard/compliance")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ "viewer", "approver", "admin" })
@SecurePage
@Tag(name = "Compliance pages", description = "Printable EU AI Act reports and governance checklist (dashboard)")
public class CompliancePage {

    static final String ADMIN = "admin";
    static final String PATH = "/dashboard/compliance";

    @Inject
    ComplianceService compliance;

    @Inject
    SecurityIdentity identity;

    @Inject
    DashboardFrames frames;

    /** The Compliance entry of the dashboard's navigation. */
    @ApplicationScoped
    static class Section implements DashboardSection {
        @Override
        public String path() {
            return PATH;
        }

        @Override
        public String label() {
            return "Compliance";
        }

        @Override
        public int order() {
            return 70;
        }
    }

    @CheckedTemplate(basePath = "compliance")
    static class Pages {
        static native TemplateInstance overview(Frame frame, Checklist checklist);

        static native TemplateInstance agent(Frame frame, ComplianceReport report, Checklist checklist,
                RecordForm form, boolean canEdit, boolean saved);
    }

    @GET
    @Operation(summary = "The governance checklist and every agent's EU AI Act score")
    @APIResponse(responseCode = "200", description = "The page")
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "403", description = "No dashboard role")
    public TemplateInstance overview() {
        return Pages.overview(frames.frame(PATH), compliance.checklist());
    }

    @GET
    @Path("{agent}")
    @Operation(summary = "An agent's EU AI Act report and checklist; admins also get the record form")
    @APIResponse(responseCode = "200", description = "The page")
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "403", description = "No dashboard role")
    @APIResponse(responseCode = "404", description = "No such agent")
    public TemplateInstance agent(@PathParam("agent") String agent, @RestQuery boolean saved) {
        return agentPage(agent, null, List.of(), saved);
    }

    @POST
    @Path("{agent}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(ADMIN)
    @Operation(summary = "Store the agent's compliance record from the form",
            description = "Redirects (303) to the agent's page; an invalid record shows the form again with errors.")
    @APIResponse(responseCode = "303", description = "Stored")
    @APIResponse(responseCode = "400", description = "Invalid record; the form with its errors")
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "403", description = "Not an admin")
    @APIResponse(responseCode = "404", description = "No such agent")
    public Response store(@PathParam("agent") String agent, MultivaluedMap<String, String> form) {
        if (!frames.csrfValid(form.getFirst(CsrfTokens.FIELD))) {
            return Response.status(403).type(MediaType.TEXT_PLAIN_TYPE)
                    .entity("The form has expired or did not come from this dashboard; reload the page and try again.")
                    .build();
        }
        ComplianceRequest record = RecordForm.parse(form);
        try {
            compliance.store(agent, record, identity.getPrincipal().getName());
        } catch (InvalidRequest e) {
            return Response.status(400).type(MediaType.TEXT_HTML_TYPE)
                    .entity(agentPage(agent, record, e.errors(), false).render()).build();
        }
        return Response.seeOther(URI.create(PATH + "/" + agent + "?saved=true")).build();
    }

    @GET
    @Path("{agent}/report.md")
    @Produces(MarkdownExport.MEDIA_TYPE)
    @Operation(summary = "The agent's report and checklist as a Markdown file")
    @APIResponse(responseCode = "200", description = "text/markdown, as an attachment")
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "403", description = "No dashboard role")
    @APIResponse(responseCode = "404", description = "No such agent")
    public Response agentMarkdown(@PathParam("agent") String agent) {
        ComplianceReport report = compliance.report(agent);
        return ComplianceResource.attachment(MarkdownExport.agent(report, compliance.checklist(agent)),
                MarkdownExport.filename(agent, report.generatedAt()));
    }

    @GET
    @Path("checklist/export.md")
    @Produces(MarkdownExport.MEDIA_TYPE)
    @Operation(summary = "The governance checklist as a Markdown file")
    @APIResponse(responseCode = "200", description = "text/markdown, as an attachment")
    @APIResponse(responseCode = "401", description = "Not signed in")
    @APIResponse(responseCode = "403", description = "No dashboard role")
    public Response checklistMarkdown() {
        Checklist checklist = compliance.checklist();
        return ComplianceResource.attachment(MarkdownExport.overall(checklist),
                MarkdownExport.filename("checklist", checklist.generatedAt()));
    }

    /** The agent page; {@code submitted} is a rejected submission to show again, else the stored record. */
    TemplateInstance agentPage(String agent, ComplianceRequest submitted,
            List<Problem.FieldError> errors, boolean saved) {
        ComplianceReport report = compliance.report(agent);
        boolean canEdit = identity.hasRole(ADMIN);
        ComplianceRequest shown = submitted != null ? submitted
                : compliance.record(agent).map(ComplianceService.StoredRecord::record).orElse(null);
        return Pages.agent(frames.frame(PATH), report, compliance.checklist(agent), RecordForm.of(shown, errors),
                canEdit, saved);
    }
}
