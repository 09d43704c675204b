package io.agentgate.gate;

import io.agentgate.agent.AgentProfile;
import io.agentgate.common.Roles;
import io.agentgate.common.AgentGateConfig;
import io.agentgate.common.HoldLimits;
import io.agentgate.common.Holds;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The agent's long-poll on its action: the documented endpoint. Polls that will be held are taken before they reach
 * it by {@link HeldPolls}, which keeps less per held poll; this answers the rest (and holds, the same way, any that
 * {@link HeldPolls} passed on): no thread, no Mutiny pipeline (each operator would capture the request's contexts),
 * no database session left open (reads run in a request context of their own), one waiter and one timer entry.
 */
@Path("/api/v1/actions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Actions", description = "Submitting actions and waiting for their decision")
@SecurityRequirement(name = "bearer")
public class ActionPollResource {

    @Inject
    ActionQueries queries;

    @Inject
    ActionWaiters waiters;

    @Inject
    SecurityIdentity identity;

    @Inject
    AgentGateConfig config;

    @Inject
    HoldLimits limits;

    @Inject
    HttpServerRequest request;

    @GET
    @Path("{id}")
    @RolesAllowed(Roles.AGENT)
    @Blocking
    @Operation(operationId = "getAction", summary = "Get an action, waiting for its decision",
            description = "Answers as soon as the action is terminal, or after `wait` seconds with its current state. "
                    + "Waiting holds no server thread.")
    @APIResponse(responseCode = "200", description = "The action's state")
    @APIResponse(responseCode = "400", description = "wait is not a whole number of seconds >= 0")
    @APIResponse(responseCode = "401", description = "No or unknown API key")
    @APIResponse(responseCode = "403", description = "Not an agent key")
    @APIResponse(responseCode = "404", description = "No such action for this agent")
    @APIResponse(responseCode = "429", description = "This agent (or everyone together) holds as many waiting polls as "
            + "agentgate.limits.held-polls allows; Retry-After says when to try again")
    public CompletionStage<ActionView> get(@PathParam("id") UUID id,
            @Parameter(description = "seconds to wait for a decision, 0 to max-wait (longer is cut to max-wait)",
                    schema = @Schema(type = SchemaType.INTEGER, minimum = "0")) @QueryParam("wait") String wait) {
        long holdSeconds = Math.min(ActionResource.intParam("wait", wait, 0, 0, Integer.MAX_VALUE),
                config.approval().maxWait().toSeconds());
        UUID agentId = ((AgentProfile) identity.getAttribute(Roles.AGENT_ATTRIBUTE)).id();
        if (holdSeconds == 0) {
            return CompletableFuture.completedFuture(queries.viewForAgent(id, agentId));
        }
        Holds.Slot slot = limits.polls().take(agentId);
        ActionWaiters.Waiter waiter = waiters.register(id);
        ActionView now;
        try {
            now = HeldPolls.alone(() -> queries.viewForAgent(id, agentId));
        } catch (RuntimeException e) {
            waiters.remove(waiter);
            slot.release();
            throw e;
        }
        if (now.status().isTerminal()) {
            waiters.remove(waiter);
            slot.release();
            return CompletableFuture.completedFuture(now);
        }
        // the client hanging up ends the wait at once (waiter removed, place released)
        HttpServerResponse response = request.response();
        response.closeHandler(closed -> waiter.cancel(false));
        if (response.closed()) {
            waiter.cancel(false);
        }
        // orTimeout's timer is one entry in the JDK's shared delay queue, removed when the decision comes first
        return waiter.orTimeout(holdSeconds, TimeUnit.SECONDS)
                .handle((decided, timedOut) -> {
                    waiters.remove(waiter);
                    slot.release();
                    return decided;
                })
                .thenCompose(decided -> decided != null ? CompletableFuture.completedFuture(decided)
                        : CompletableFuture.supplyAsync(() -> HeldPolls.alone(() -> queries.viewForAgent(id, agentId)),
                                Infrastructure.getDefaultWorkerPool()));
    }
}
