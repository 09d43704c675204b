package io.agentgate.mcp;

import io.agentgate.gate.ActionQueries;
import io.agentgate.gate.ActionView;
import io.agentgate.gate.ActionWaiters;
import io.quarkiverse.mcp.server.Progress;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A held gateway call waiting for its decision: on the gate's waiter registry (a future, no thread), up to
 * {@code agentgate.mcp.call-wait}, with an MCP progress notification every {@code agentgate.mcp.progress-interval}
 * when the client asked for progress, so it knows the call is alive.
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

    /** The action once decided, or its state (still pending) when the call's budget is spent. */
    CompletionStage<ActionView> await(GatewayCall call, java.util.UUID actionId) {
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
