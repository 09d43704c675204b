package io.agentgate.gate;

import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.Roles;
import io.agentgate.common.AgentGateConfig;
import io.agentgate.common.InvalidRequest;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
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
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The agent API (submit, long-poll, cancel, result) and the admin's view and decision on actions. */
@Path("/api/v1/actions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Actions", description = "Submitting actions and waiting for their decision")
@SecurityRequirement(name = "bearer")
public class ActionResource {

    static final int MAX_PAGE_SIZE = 200;

    @Inject
    GateService gate;

    @Inject
    ActionWaiters waiters;

    @Inject
    SecurityIdentity identity;

    @Inject
    io.agentgate.approval.PersonalTokenVotes personalVotes;

    @Inject
    AgentGateConfig config;

    @POST
    @RolesAllowed(Roles.AGENT)
    @Operation(summary = "Ask to take an action",
            description = "Evaluates the action against every policy. ALLOWED and DENIED answer at once (200); "
                    + "PENDING (202) means a person decides before the deadline: long-poll pollUrl. "
                    + "A repeated idempotencyKey returns the first answer with header Idempotent-Replayed: true.")
    @APIResponse(responseCode = "200", description = "ALLOWED or DENIED, with violations")
    @APIResponse(responseCode = "202", description = "PENDING, with deadline and pollUrl")
    @APIResponse(responseCode = "400", description = "Malformed JSON or invalid fields")
    @APIResponse(responseCode = "401", description = "No or unknown API key")
    @APIResponse(responseCode = "403", description = "Not an agent key")
    @APIResponse(responseCode = "409", description = "Idempotency key reused for a different request")
    @APIResponse(responseCode = "413", description = "Body over 1 MiB")
    public Response submit(@Valid @NotNull SubmitRequest body) {
        GateService.Submission submission = gate.submit(agent(), body);
        SubmitResponse answer = submission.response();
        int status = answer.status() == ActionStatus.PENDING ? 202 : 200;
        Response.ResponseBuilder response = Response.status(status).entity(answer);
        if (submission.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.build();
    }

    @GET
    @Path("{id}")
    @RolesAllowed(Roles.AGENT)
    @Blocking
    @Operation(summary = "Get an action, waiting for its decision",
            description = "Answers as soon as the action is terminal, or after `wait` seconds with its current state. "
                    + "Waiting holds no server thread.")
    @APIResponse(responseCode = "200", description = "The action's state")
    @APIResponse(responseCode = "400", description = "wait is not a whole number of seconds >= 0")
    @APIResponse(responseCode = "401", description = "No or unknown API key")
    @APIResponse(responseCode = "403", description = "Not an agent key")
    @APIResponse(responseCode = "404", description = "No such action for this agent")
    public Uni<ActionView> get(@PathParam("id") UUID id,
            @Parameter(description = "seconds to wait for a decision, 0 to max-wait (longer is cut to max-wait)")
            @QueryParam("wait") String wait) {
        Duration hold = waitDuration(wait);
        UUID agentId = agent().id();
        if (hold.isZero()) {
            return Uni.createFrom().item(gate.viewForAgent(id, agentId));
        }
        CompletableFuture<ActionView> decision = waiters.register(id);
        ActionView now;
        try {
            now = gate.viewForAgent(id, agentId);
        } catch (RuntimeException e) {
            waiters.remove(id, decision);
            throw e;
        }
        if (now.status().isTerminal()) {
            waiters.remove(id, decision);
            return Uni.createFrom().item(now);
        }
        return Uni.createFrom().completionStage(decision)
                .ifNoItem().after(hold)
                .recoverWithUni(() -> Uni.createFrom().item(() -> gate.viewForAgent(id, agentId))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .onTermination().invoke(() -> waiters.remove(id, decision));
    }

    @POST
    @Path("{id}/cancel")
    @RolesAllowed(Roles.AGENT)
    @Operation(summary = "Withdraw a pending action")
    @APIResponse(responseCode = "200", description = "CANCELLED")
    @APIResponse(responseCode = "401", description = "No or unknown API key")
    @APIResponse(responseCode = "403", description = "Not an agent key")
    @APIResponse(responseCode = "404", description = "No such action for this agent")
    @APIResponse(responseCode = "409", description = "No longer pending; the body says its status")
    public ActionView cancel(@PathParam("id") UUID id) {
        return gate.cancel(id, agent());
    }

    @POST
    @Path("{id}/result")
    @RolesAllowed(Roles.AGENT)
    @Operation(summary = "Report the outcome of an allowed or approved action", description = "Recorded in the audit log, once.")
    @APIResponse(responseCode = "204", description = "Recorded")
    @APIResponse(responseCode = "400", description = "Invalid body")
    @APIResponse(responseCode = "401", description = "No or unknown API key")
    @APIResponse(responseCode = "403", description = "Not an agent key")
    @APIResponse(responseCode = "404", description = "No such action for this agent")
    @APIResponse(responseCode = "409", description = "Not allowed or approved, or a result was already recorded")
    public Response result(@PathParam("id") UUID id, @Valid @NotNull ResultRequest body) {
        gate.recordResult(id, agent(), body);
        return Response.noContent().build();
    }

    @POST
    @Path("{id}/decision")
    @RolesAllowed({ Roles.ADMIN, Roles.USER })
    @Operation(summary = "Decide a pending action (integrations)", description = "Admin token (final, decidedBy "
            + "required), or a user's personal token (that user's vote: approvers and four eyes apply). The first "
            + "decision wins. The audit records the credential apart from the name claimed.")
    @APIResponse(responseCode = "200", description = "The decided action")
    @APIResponse(responseCode = "400", description = "Invalid body")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "An agent key; or a personal token of someone who may not vote on it (role, approvers, own request)")
    @APIResponse(responseCode = "404", description = "No such action")
    @APIResponse(responseCode = "409", description = "No longer pending; the body says who decided and when")
    public ActionView decide(@PathParam("id") UUID id, @Valid @NotNull DecisionRequest body) {
        if (identity.hasRole(Roles.USER)) {
            return personalVotes.decide(id, identity, body.decision(), body.comment());
        }
        if (body.decidedBy() == null || body.decidedBy().isBlank()) {
            throw new InvalidRequest("decidedBy", "must not be blank");
        }
        return gate.decide(id, body.decision(), body.decidedBy().trim(), body.comment());
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "List actions, newest first", description = "Admin token. Filters by status and agent name.")
    @APIResponse(responseCode = "200", description = "One page of actions")
    @APIResponse(responseCode = "400", description = "Unknown status or bad paging")
    @APIResponse(responseCode = "401", description = "No or bad admin token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    public ActionPage list(@QueryParam("status") String status, @QueryParam("agent") String agent,
            @QueryParam("page") String page, @QueryParam("size") String size) {
        ActionStatus statusFilter = parseStatus(status);
        int pageNo = intParam("page", page, 0, 0, 1_000_000);
        int pageSize = intParam("size", size, 50, 1, MAX_PAGE_SIZE);
        List<ActionView> items = gate.list(statusFilter, agent == null || agent.isBlank() ? null : agent,
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

    private Duration waitDuration(String wait) {
        long max = config.approval().maxWait().toSeconds();
        long seconds = intParam("wait", wait, 0, 0, Integer.MAX_VALUE);
        return Duration.ofSeconds(Math.min(seconds, max));
    }

    private static ActionStatus parseStatus(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return ActionStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("status", "must be one of " + java.util.Arrays.toString(ActionStatus.values()));
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
