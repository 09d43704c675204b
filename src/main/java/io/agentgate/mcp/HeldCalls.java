package io.agentgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentgate.common.HoldLimits;
import io.agentgate.common.Holds;
import io.agentgate.common.TooBusy;
import io.agentgate.gate.ActionQueries;
import io.agentgate.gate.ActionView;
import io.agentgate.gate.ActionWaiters;
import io.quarkiverse.mcp.server.Progress;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A held gateway call waiting for its decision: on the gate's waiter registry (a future, no thread), up to
 * {@code agentgate.mcp.call-wait}, with an MCP progress notification every {@code agentgate.mcp.progress-interval}
 * when the client asked for progress, so it knows the call is alive. Each held call takes a place of
 * {@code agentgate.limits.mcp-calls} (per agent and in total) until it settles.
 */
@ApplicationScoped
public class HeldCalls {

    @Inject
    ActionWaiters waiters;

    @Inject
    ActionQueries queries;

    @Inject
    McpSettings settings;

    @Inject
    Vertx vertx;

    @Inject
    HoldLimits limits;

    /**
     * The action once decided, or its state (still pending) when the call's budget is spent; empty when the agent (or
     * everyone together) already holds as many calls as {@code agentgate.limits.mcp-calls} allows.
     */
    Optional<CompletionStage<ActionView>> await(GatewayCall call, UUID actionId) {
        Holds.Slot slot;
        try {
            slot = limits.mcpCalls().take(call.agent().id());
        } catch (TooBusy refused) {
            return Optional.empty();
        }
        try {
            return Optional.of(held(call, actionId).whenComplete((view, error) -> slot.release()));
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
    }

    /** The tool error of a call refused by the limit: nothing is lost, the identical call later resumes the wait. */
    JsonNode tooMany(UUID actionId) {
        Holds calls = limits.mcpCalls();
        return ToolResults.error("Too many calls held waiting for approval (limit " + calls.perOwner()
                + " per agent, " + calls.total() + " in all). Action " + actionId + " is PENDING and the tool has NOT "
                + "run. Repeat this exact call in " + calls.retryAfterSeconds() + " s, or wait with agentgate_status "
                + "{\"id\":\"" + actionId + "\"}.", Map.of(Refusals.META + "actionId", actionId.toString(),
                        Refusals.META + "retryAfter", calls.retryAfterSeconds()));
    }

    private CompletionStage<ActionView> held(GatewayCall call, UUID actionId) {
        // registered before the read, so a decision between the two still wakes us
        ActionWaiters.Waiter waiter = waiters.register(actionId);
        return Gateway.blocking(() -> queries.viewForAgent(actionId, call.agent().id())).thenCompose(now -> {
            if (now.status().isTerminal()) {
                waiters.remove(waiter);
                return CompletableFuture.completedFuture(now);
            }
            long ticker = progress(call.progress(), now);
            // the decision completes the waiter on the writer's thread, after its commit: carry on elsewhere
            return waiter.orTimeout(settings.callWait().toMillis(), TimeUnit.MILLISECONDS)
                    .handleAsync((decided, timedOut) -> {
                        waiters.remove(waiter);
                        if (ticker >= 0) {
                            vertx.cancelTimer(ticker);
                        }
                        return decided;
                    }, Infrastructure.getDefaultWorkerPool())
                    .thenCompose(decided -> decided != null ? CompletableFuture.completedFuture(decided)
                            : Gateway.blocking(() -> queries.viewForAgent(actionId, call.agent().id())));
        }).whenComplete((view, error) -> {
            if (error != null) {
                waiters.remove(waiter);
            }
        });
    }

    /** A periodic progress notification while held; -1 when the client gave no progress token. */
    private long progress(Progress progress, ActionView pending) {
        if (progress == null || progress.token().isEmpty()) {
            return -1;
        }
        long every = Math.max(100, settings.progressInterval().toMillis());
        long budget = settings.callWait().toMillis();
        AtomicLong waited = new AtomicLong();
        String message = "Waiting for approval of action " + pending.id() + " (deadline " + pending.deadline() + ")";
        return vertx.setPeriodic(every, id -> {
            long sofar = waited.addAndGet(every);
            progress.notificationBuilder().setProgress(Math.min(sofar, budget)).setTotal(budget)
                    .setMessage(message).build().sendAndForget();
        });
    }
}
