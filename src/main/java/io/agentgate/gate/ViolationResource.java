package io.agentgate.gate;

import io.agentgate.common.Roles;
import io.agentgate.common.InvalidRequest;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import io.quarkus.panache.common.Parameters;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Recorded policy violations, newest first (admin). */
@Path("/api/v1/violations")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Policies", description = "Policies and the violations they recorded")
@SecurityRequirement(name = "bearer")
public class ViolationResource {

    /** One recorded violation with the action it objected to. */
    public record ViolationView(long id, UUID actionId, String agent, String policy, Severity severity,
            Enforcement enforcement, String reason, Instant createdAt) {
    }

    /** One page of violations. */
    public record ViolationPage(List<ViolationView> items, int page, int size, boolean hasMore) {
    }

    @GET
    @Operation(operationId = "listViolations", summary = "List recorded violations, newest first",
            description = "Filters by agent name, policy name and time (ISO-8601 instant).")
    @APIResponse(responseCode = "200", description = "One page of violations")
    @APIResponse(responseCode = "400", description = "Bad since or paging")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    public ViolationPage list(@QueryParam("agent") String agent, @QueryParam("policy") String policy,
            @Parameter(description = "only violations at or after this instant, e.g. 2026-11-26T00:00:00Z")
            @QueryParam("since") String since,
            @QueryParam("page") String page, @QueryParam("size") String size) {
        int pageNo = ActionResource.intParam("page", page, 0, 0, 1_000_000);
        int pageSize = ActionResource.intParam("size", size, 50, 1, ActionResource.MAX_PAGE_SIZE);
        StringBuilder where = new StringBuilder("1 = 1");
        Parameters params = new Parameters();
        if (agent != null && !agent.isBlank()) {
            where.append(" and agentName = :agent");
            params = params.and("agent", agent.trim());
        }
        if (policy != null && !policy.isBlank()) {
            where.append(" and policy = :policy");
            params = params.and("policy", policy.trim());
        }
        if (since != null && !since.isBlank()) {
            try {
                params = params.and("since", Instant.parse(since.trim()));
            } catch (DateTimeParseException e) {
                throw new InvalidRequest("since", "must be an ISO-8601 instant such as 2026-11-26T00:00:00Z");
            }
            where.append(" and createdAt >= :since");
        }
        int first = pageNo * pageSize;
        List<ViolationView> rows = ActionViolation.<ActionViolation>find(where + " order by createdAt desc, id desc", params)
                .range(first, first + pageSize).list().stream()
                .map(v -> new ViolationView(v.id, v.actionId, v.agentName, v.policy, v.severity, v.enforcement,
                        v.reason, v.createdAt))
                .toList();
        boolean more = rows.size() > pageSize;
        return new ViolationPage(more ? rows.subList(0, pageSize) : rows, pageNo, pageSize, more);
    }
}
