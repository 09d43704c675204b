package io.agentgate.gate;

import io.agentgate.agent.AgentProfile;
import io.agentgate.common.AgentGateConfig;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.Problem;
import io.agentgate.common.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The agent API (submit, long-poll, cancel, result) and the admin's list of actions (decisions: approval). */
@Path("/api/v1/actions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Actions", description = "Submitting actions and waiting for their decision")
@SecurityRequirement(name = "bearer")
public class ActionResource {

    static final int MAX_PAGE_SIZE = 200;

    @Inject
    GateService gate;

    @Inject
    ActionQueries queries;

    @Inject
    ActionSubmissions submissions;

    @Inject
    SecurityIdentity identity;

    @Inject
    AgentGateConfig config;

    @POST
    @RolesAllowed(Roles.AGENT)
    @Operation(operationId = "submitAction", summary = "Ask to take an action",
            description = "Evaluates the action against every policy. ALLOWED and DENIED answer at once (200); "
                    + "PENDING (202) means a person decides before the deadline: long-poll pollUrl. "
                    + "A repeated idempotencyKey returns the first answer with header Idempotent-Replayed: true.")
    @APIResponse(responseCode = "200", description = "ALLOWED or DENIED, with violations",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SubmitResponse.class)))
    @APIResponse(responseCode = "202", description = "PENDING, with deadline and pollUrl",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SubmitResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON or invalid fields")
    @APIResponse(responseCode = "401", description = "No or unknown API key")
    @APIResponse(responseCode = "403", description = "Not an agent key")
    @APIResponse(responseCode = "409", description = "Idempotency key reused for a different request")
    @APIResponse(responseCode = "413", description = "Body over 1 MiB")
    public Uni<Response> submit(@Valid @NotNull SubmitRequest body) {
        AgentProfile agent = agent();
        Uni<ActionSubmissions.Submission> submission;
        if (submissions.needsPreparation(body)) {
            // an earlier answer to look up, or a callback host to resolve: off the event loop first
            submission = Uni.createFrom().item(() -> submissions.prepare(agent, body))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .chain(earlier -> earlier.isPresent() ? Uni.createFrom().item(earlier.get())
                            : Uni.createFrom().completionStage(submissions.submit(agent, body)));
        } else {
            submission = Uni.createFrom().completionStage(() -> submissions.submit(agent, body));
        }
        return submission.map(ActionResource::response);
    }

    private static Response response(ActionSubmissions.Submission submission) {
        SubmitResponse answer = submission.response();
        int status = answer.status() == ActionStatus.PENDING ? 202 : 200;
        Response.ResponseBuilder response = Response.status(status).entity(answer);
        if (submission.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.build();
    }

    @POST
    @Path("{id}/cancel")
    @RolesAllowed(Roles.AGENT)
    @Operation(operationId = "cancelAction", summary = "Withdraw a pending action")
    @APIResponse(responseCode = "200", description = "CANCELLED")
    @APIResponse(responseCode = "401", description = "No or unknown API key")
    @APIResponse(responseCode = "403", description = "Not an agent key")
    @APIResponse(responseCode = "404", description = "No such action for this agent")
    @APIResponse(responseCode = "409", description = "No longer pending; the body says its status")
    public Uni<ActionView> cancel(@PathParam("id") UUID id) {
        AgentProfile agent = agent();
        return Uni.createFrom().completionStage(() -> gate.cancel(id, agent));
    }

    @POST
    @Path("{id}/result")
    @RolesAllowed(Roles.AGENT)
    // 204 has no body, so a generated client accepts only the error type: do not answer that with 406
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(operationId = "reportResult", summary = "Report the outcome of an allowed or approved action", description = "Recorded in the audit log, once.")
    @APIResponse(responseCode = "204", description = "Recorded")
    @APIResponse(responseCode = "400", description = "Invalid body")
    @APIResponse(responseCode = "401", description = "No or unknown API key")
    @APIResponse(responseCode = "403", description = "Not an agent key")
    @APIResponse(responseCode = "404", description = "No such action for this agent")
    @APIResponse(responseCode = "409", description = "Not allowed or approved, or a result was already recorded")
    public Uni<Response> result(@PathParam("id") UUID id, @Valid @NotNull ResultRequest body) {
        AgentProfile agent = agent();
        return Uni.createFrom().completionStage(() -> gate.recordResult(id, agent, body))
                .map(nothing -> Response.noContent().build());
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "listActions", summary = "List actions, newest first", description = "Admin token. Filters by status and agent name.")
    @APIResponse(responseCode = "200", description = "One page of actions")
    @APIResponse(responseCode = "400", description = "Unknown status or bad paging")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    public ActionPage list(@QueryParam("status") @Parameter(schema = @Schema(implementation = ActionStatus.class))
            String status, @QueryParam("agent") String agent,
            @QueryParam("page") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "0")) String page,
            @QueryParam("size") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "200")) String size) {
        ActionStatus statusFilter = parseStatus(status);
        int pageNo = intParam("page", page, 0, 0, 1_000_000);
        int pageSize = intParam("size", size, 50, 1, MAX_PAGE_SIZE);
        List<ActionView> items = queries.list(statusFilter, agent == null || agent.isBlank() ? null : agent,
                (int) Math.min(Integer.MAX_VALUE - pageSize - 1L, (long) pageNo * pageSize), pageSize + 1);
        boolean more = items.size() > pageSize;
        return new ActionPage(more ? items.subList(0, pageSize) : items, pageNo, pageSize, more);
    }

    /** One page of the admin list. */
    public record ActionPage(List<ActionView> items, int page, int size, boolean hasMore) {
    }

    private AgentProfile agent() {
        return identity.getAttribute(Roles.AGENT_ATTRIBUTE);
    }

    private static ActionStatus parseStatus(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return ActionStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("status", "must be one of " + Arrays.toString(ActionStatus.values()));
        }
    }

    static int intParam(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min || parsed > max) {
                throw new InvalidRequest(name, "must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new InvalidRequest(name, "must be a whole number");
        }
    }
}
