package io.agentgate.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The audit trail for auditors and log pipelines (admin). */
@Path("/api/v1/audit")
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Audit", description = "Tamper-evident audit trail")
@SecurityRequirement(name = "bearer")
public class AuditResource {

    public static final String NDJSON = "application/x-ndjson";

    @Inject
    AuditTrail trail;

    @Inject
    ObjectMapper json;

    @GET
    @Produces(NDJSON)
    @Operation(operationId = "exportAudit", summary = "Export audit events as NDJSON, in chain order",
            description = "One JSON object per line; streamed in batches, so memory stays flat for any size. "
                    + "Filters: agent, actionId, type, from (inclusive), to (exclusive), ISO-8601 instants.")
    @APIResponse(responseCode = "200", description = "The events, one per line",
            content = @Content(mediaType = NDJSON, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", description = "A bad filter value")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    public StreamingOutput export(@QueryParam("agent") String agent, @QueryParam("actionId") String actionId,
            @QueryParam("type") String type, @QueryParam("from") String from, @QueryParam("to") String to) {
        AuditTrail.Filter filter = new AuditTrail.Filter(blankToNull(agent), uuid(actionId), blankToNull(type),
                instant("from", from), instant("to", to));
        return out -> write(filter, out);
    }

    private void write(AuditTrail.Filter filter, OutputStream target) throws IOException {
        OutputStream out = new BufferedOutputStream(target, 64 * 1024);
        long after = 0;
        while (true) {
            List<AuditEvent> batch = trail.page(filter, after, AuditTrail.BATCH);
            for (AuditEvent e : batch) {
                out.write(json.writeValueAsBytes(AuditRecord.of(e, json)));
                out.write('\n');
                after = e.seq;
            }
            out.flush();
            if (batch.size() < AuditTrail.BATCH) {
                return;
            }
        }
    }

    @GET
    @Path("verify")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "verifyAudit", summary = "Verify the hash chain",
            description = "{\"valid\":true,\"events\":N}, or valid=false with the first broken event and why.")
    @APIResponse(responseCode = "200", description = "The verification result")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    public AuditTrail.Verification verify() {
        return trail.verify();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static UUID uuid(String s) {
        if (blankToNull(s) == null) {
            return null;
        }
        try {
            return UUID.fromString(s.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("actionId", "must be a UUID");
        }
    }

    private static Instant instant(String field, String s) {
        if (blankToNull(s) == null) {
            return null;
        }
        try {
            return Instant.parse(s.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidRequest(field, "must be an ISO-8601 instant such as 2026-11-26T00:00:00Z");
        }
    }
}
