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
 * Times pending actions out at their deadline: an in-memory timer for each pending action due within the timer
 * horizon ({@code agentgate.approval.timer-horizon}, for precision), and a periodic sweep that times out overdue
 * rows (the safety net: after a restart, or for rows another instance wrote) and arms the timers of actions whose
 * deadline has come within the horizon. Actions due later cost no memory here, however many are pending.
 */
@ApplicationScoped
public class TimeoutScheduler {

    private static final Logger LOG = Logger.getLogger(TimeoutScheduler.class);
    private static final int SWEEP_BATCH = 500;
    /** Bounds the timers one sweep arms; actions past it are armed by a later sweep or timed out by the sweep. */
    private static final int ARM_BATCH = 5_000;

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
        // on a worker, beside the rest of the start (its first query loads the query engine); until it has run,
        // the sweep times out whatever comes due
        workers.execute(() -> LOG.infof("timeout timers armed for %d pending actions due within %s", armDue(),
                config.approval().timerHorizon()));
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

    /** Whether this action's timer is armed. */
    boolean isArmed(UUID id) {
        return timers.containsKey(id);
    }

    /** Arms a timer for an action due within the horizon (and not armed yet); later ones wait for the sweep. */
    void arm(UUID id, Instant deadline) {
        if (timer == null || timer.isShutdown()) {
            return;
        }
        long delayMs = Math.max(0, Duration.between(clock.instant(), deadline).toMillis() + 1);
        if (delayMs > config.approval().timerHorizon().toMillis()) {
            return;
        }
        timers.computeIfAbsent(id, key -> timer.schedule(() -> workers.execute(() -> fire(id, deadline)), delayMs,
                TimeUnit.MILLISECONDS));
    }

    /** Arms the timers of the pending actions due within the horizon; returns how many were due. */
    private int armDue() {
        List<ActionReads.Deadline> due = queries.pendingDeadlines(
                clock.instant().plus(config.approval().timerHorizon()), ARM_BATCH);
        due.forEach(p -> arm(p.id(), p.deadline()));
        return due.size();
    }

    private void fire(UUID id, Instant deadline) {
        try {
            boolean expired = gate.expire(id);
            timers.remove(id);
            if (!expired && clock.instant().isBefore(deadline)) {
                arm(id, deadline); // woke early (clock adjustment): wait again
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
        armDue();
    }
}
