package io.agentgate.gate;

import io.agentgate.common.AgentGateConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

/**
 * Times pending actions out at their deadline: one in-memory timer per pending action for precision, and a
 * periodic sweep of overdue rows as the safety net (after a restart, or for rows another instance wrote).
 */
@ApplicationScoped
public class TimeoutScheduler {

    private static final Logger LOG = Logger.getLogger(TimeoutScheduler.class);
    private static final int SWEEP_BATCH = 500;

    @Inject
    GateService gate;

    @Inject
    ActionQueries queries;

    @Inject
    Clock clock;

    @Inject
    AgentGateConfig config;

    @Inject
    ManagedExecutor workers;

    private final Map<UUID, ScheduledFuture<?>> timers = new ConcurrentHashMap<>();
    private ScheduledThreadPoolExecutor timer;

    void start(@Observes StartupEvent event) {
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "agentgate-timeouts");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        List<ActionQueries.PendingDeadline> pending = queries.pendingDeadlines();
        pending.forEach(p -> arm(p.id(), p.deadline()));
        LOG.infof("timeout timers armed for %d pending actions", pending.size());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    void onSubmitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) ActionSubmitted event) {
        if (event.action().status() == ActionStatus.PENDING) {
            arm(event.action().id(), event.action().deadline());
        }
    }

    void onDecided(@Observes(during = TransactionPhase.AFTER_SUCCESS) ActionDecided event) {
        ScheduledFuture<?> f = timers.remove(event.action().id());
        if (f != null) {
            f.cancel(false);
        }
    }

    /** Number of armed timers (pending actions this instance is timing). */
    public int armed() {
        return timers.size();
    }

    void arm(UUID id, Instant deadline) {
        if (timer == null || timer.isShutdown()) {
            return;
        }
        long delayMs = Math.max(0, Duration.between(clock.instant(), deadline).toMillis() + 1);
        timers.put(id, timer.schedule(() -> workers.execute(() -> fire(id, deadline)), delayMs,
                TimeUnit.MILLISECONDS));
    }

    private void fire(UUID id, Instant deadline) {
        try {
            if (gate.expire(id)) {
                timers.remove(id);
            } else if (clock.instant().isBefore(deadline)) {
                arm(id, deadline); // woke early (clock adjustment): wait again
            } else {
                timers.remove(id);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "timeout of action %s failed; the sweep will retry", id);
        }
    }

    @Scheduled(every = "${agentgate.approval.sweep-interval:1S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "timeout-sweep")
    void sweep() {
        List<UUID> overdue;
        do {
            overdue = queries.overdue(SWEEP_BATCH);
            for (UUID id : overdue) {
                try {
                    gate.expire(id);
                } catch (RuntimeException e) {
                    LOG.warnf(e, "sweep could not time out action %s", id);
                }
            }
        } while (overdue.size() == SWEEP_BATCH);
    }
}
