package io.agentgate.compliance;

import io.agentgate.common.Roles;
import io.agentgate.audit.AuditTrail;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The overall governance checklist and the audit verification behind the reports (admin). */
@Path("/api/v1/compliance")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Compliance", description = "EU AI Act records and reports, governance checklist (admin token)")
@SecurityRequirement(name = "bearer")
public class ChecklistResource {

    @Inject
    ComplianceService compliance;

    @Inject
    AuditChainStatus chain;

    /** The audit verification the reports use. */
    public record VerificationView(Instant startedAt, Instant finishedAt, AuditTrail.Verification result) {
    }

    @GET
    @Path("checklist")
    @Operation(operationId = "getChecklist", summary = "The governance checklist of the installation, with every agent's score")
    @APIResponse(responseCode = "200", description = "The checklist")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    public Checklist checklist() {
        return compliance.checklist();
    }

    @GET
    @Path("checklist.md")
    @Produces(MarkdownExport.MEDIA_TYPE)
    @Operation(operationId = "exportChecklist", summary = "The governance checklist as a Markdown file for auditors")
    @APIResponse(responseCode = "200", description = "text/markdown, as an attachment",
            content = @Content(mediaType = MarkdownExport.MEDIA_TYPE, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    public Response markdown() {
        Checklist checklist = compliance.checklist();
        return ComplianceResource.attachment(MarkdownExport.overall(checklist),
                MarkdownExport.filename("checklist", checklist.generatedAt()));
    }

    @POST
    @Path("audit-verification")
    @Operation(operationId = "verifyAuditChainNow", summary = "Verify the audit chain now",
            description = "Reports use the last background verification; this runs one now (it walks every event, "
                    + "so it takes a while on a large trail) and returns it.")
    @APIResponse(responseCode = "200", description = "The new verification")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    public VerificationView verifyNow() {
        AuditChainStatus.Snapshot s = chain.refresh();
        return new VerificationView(s.startedAt(), s.finishedAt(), s.result());
    }
}
