package io.agentgate.compliance;

import io.agentgate.audit.AuditTrail;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The last verification of the audit hash chain, for compliance reports. Verifying walks every event, which takes a
 * while at millions of events, so reports never verify inline: they read the cached result with its time, and a
 * schedule (plus a kick when the result is older than the interval) refreshes it in the background. Runs are one at
 * a time, and the result of the run that started last is kept.
 */
@ApplicationScoped
public class AuditChainStatus {

    private static final Logger LOG = Logger.getLogger(AuditChainStatus.class);

    /** One finished verification: when it started and ended, and what it found. */
    public record Snapshot(Instant startedAt, Instant finishedAt, AuditTrail.Verification result) {

        public Duration age(Instant now) {
            return Duration.between(finishedAt, now);
        }
    }

    @Inject
    AuditTrail trail;

    @Inject
    Clock clock;

    @Inject
    ComplianceConfig config;

    private final AtomicReference<Snapshot> last = new AtomicReference<>();
    private final ReentrantLock running = new ReentrantLock();
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "agentgate-audit-verify");
        t.setDaemon(true);
        return t;
    });

    /** The latest verification, if any finished yet; starts a background run when there is none or it is stale. */
    public Optional<Snapshot> latest() {
        Snapshot s = last.get();
        Optional<Duration> interval = interval();
        if (s == null || interval.isPresent() && s.age(clock.instant()).compareTo(interval.get()) > 0) {
            refreshInBackground();
        }
        return Optional.ofNullable(s);
    }

    /** The latest verification as it is, starting nothing. */
    public Optional<Snapshot> peek() {
        return Optional.ofNullable(last.get());
    }

    /** Verifies now, on the caller's thread, after any run in progress; returns the new result. */
    public Snapshot refresh() {
        running.lock();
        try {
            Instant started = clock.instant();
            AuditTrail.Verification v = trail.verify();
            Snapshot s = new Snapshot(started, clock.instant(), v);
            last.accumulateAndGet(s, (old, neu) -> old == null || !neu.startedAt().isBefore(old.startedAt()) ? neu : old);
            if (!v.valid()) {
                LOG.warnf("audit chain verification failed at event %s: %s", v.brokenAtSeq(), v.reason());
            }
            return s;
        } finally {
            running.unlock();
        }
    }

    /** Starts one background run unless one is already waiting. */
    public void refreshInBackground() {
        if (queued.compareAndSet(false, true)) {
            background.execute(() -> {
                queued.set(false);
                try {
                    refresh();
                } catch (RuntimeException e) {
                    LOG.errorf(e, "background audit chain verification failed");
                }
            });
        }
    }

    @Scheduled(every = "${agentgate.compliance.verify-interval:15m}", delayed = "30s",
            identity = "compliance-audit-verify", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        refresh();
    }

    void stop(@Observes ShutdownEvent event) {
        background.shutdownNow();
    }

    /** The configured interval, empty when the schedule is off. */
    Optional<Duration> interval() {
        String value = config.verifyInterval().trim();
        if (value.equalsIgnoreCase("off") || value.equalsIgnoreCase("disabled")) {
            return Optional.empty();
        }
        return Optional.of(DurationConverter.parseDuration(value));
    }
}
