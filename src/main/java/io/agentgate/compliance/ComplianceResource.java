package io.agentgate.compliance;

import io.agentgate.common.NotFound;
import io.agentgate.common.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** An agent's EU AI Act record, report, checklist and Markdown export (admin). */
@Path("/api/v1/agents/{name}")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Compliance", description = "EU AI Act records and reports, governance checklist (admin token)")
@SecurityRequirement(name = "bearer")
public class ComplianceResource {

    @Inject
    ComplianceService compliance;

    @Inject
    SecurityIdentity identity;

    @GET
    @Path("compliance")
    @Operation(operationId = "getComplianceReport", summary = "The agent's EU AI Act report",
            description = "One check per article (Art. 9-15), each passed only when its declared and derived evidence "
                    + "all hold; a gap per missing piece with what to do.")
    @APIResponse(responseCode = "200", description = "The report")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    @APIResponse(responseCode = "404", description = "No such agent")
    public ComplianceReport report(@PathParam("name") String name) {
        return compliance.report(name);
    }

    @PUT
    @Path("compliance")
    @Operation(operationId = "storeComplianceRecord", summary = "Store the agent's compliance record",
            description = "Replaces the declared record (an absent article is not met); evidence is required for a "
                    + "met article. Writes a compliance.updated audit event. Returns the report.")
    @APIResponse(responseCode = "200", description = "Stored; the report as it is now")
    @APIResponse(responseCode = "400", description = "Invalid record, with field errors")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    @APIResponse(responseCode = "404", description = "No such agent")
    public ComplianceReport store(@PathParam("name") String name, ComplianceRequest body) {
        compliance.store(name, body, identity.getPrincipal().getName());
        return compliance.report(name);
    }

    @GET
    @Path("compliance/record")
    @Operation(operationId = "getComplianceRecord", summary = "The agent's declared compliance record as stored")
    @APIResponse(responseCode = "200", description = "The record with who changed it last")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    @APIResponse(responseCode = "404", description = "No such agent, or no record stored yet")
    public ComplianceService.StoredRecord record(@PathParam("name") String name) {
        return compliance.record(name).orElseThrow(() -> new NotFound(
                "No compliance record stored for agent '" + name + "'"));
    }

    @GET
    @Path("checklist")
    @Operation(operationId = "getAgentChecklist", summary = "The agent's governance checklist",
            description = "Risk assessment, policy definition, technical controls, monitoring, compliance.")
    @APIResponse(responseCode = "200", description = "The checklist")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    @APIResponse(responseCode = "404", description = "No such agent")
    public Checklist checklist(@PathParam("name") String name) {
        return compliance.checklist(name);
    }

    @GET
    @Path("compliance.md")
    @Produces(MarkdownExport.MEDIA_TYPE)
    @Operation(operationId = "exportComplianceReport", summary = "The report and checklist as a Markdown file for auditors")
    @APIResponse(responseCode = "200", description = "text/markdown, as an attachment",
            content = @Content(mediaType = MarkdownExport.MEDIA_TYPE, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    @APIResponse(responseCode = "404", description = "No such agent")
    public Response markdown(@PathParam("name") String name) {
        ComplianceReport report = compliance.report(name);
        return attachment(MarkdownExport.agent(report, compliance.checklist(name)),
                MarkdownExport.filename(name, report.generatedAt()));
    }

    static Response attachment(String markdown, String filename) {
        return Response.ok(markdown, MarkdownExport.MEDIA_TYPE)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"").build();
    }
}
