package io.agentgate.audit;

import io.agentgate.common.AgentGateConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Prunes audit events older than {@code agentgate.audit.retention}. Before deleting, it records a signed checkpoint
 * of the last pruned position and hash, so the remaining chain still verifies. Refuses a retention that a
 * {@link RetentionFloor} forbids (compliance: 180 days while any HIGH or CRITICAL agent exists).
 */
@ApplicationScoped
public class AuditRetention {

    private static final Logger LOG = Logger.getLogger(AuditRetention.class);
    static final int DELETE_BATCH = 5_000;

    @Inject
    AgentGateConfig config;

    @Inject
    AuditTrail trail;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    Instance<RetentionFloor> floors;

    /** Why the configured retention cannot be used now (a floor another feature sets), or null when it can. */
    public String refusal() {
        Duration retention = config.audit().retention();
        return floors.stream().map(f -> f.refusal(retention)).flatMap(Optional::stream).findFirst().orElse(null);
    }

    void checkAtStart(@Observes StartupEvent event) {
        String refusal = refusal();
        if (refusal != null) {
            throw new IllegalStateException("AgentGate cannot start: " + refusal);
        }
    }

    @Scheduled(every = "${agentgate.audit.prune-interval:6h}", delayed = "1m", identity = "audit-retention",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        prune();
    }

    /** Prunes what is past retention now; returns how many events went. */
    public long prune() {
        String refusal = refusal();
        if (refusal != null) {
            LOG.error("audit retention refused: " + refusal);
            return 0;
        }
        Instant cutoff = clock.instant().minus(config.audit().retention()).truncatedTo(ChronoUnit.MICROS);
        return QuarkusTransaction.requiringNew().call(() -> {
            // lock the head: no event is appended while the checkpoint and the deletion happen
            AuditChainHead.findById(AuditChainHead.ID, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            // only a prefix of the chain can go: up to the first event that is still within retention
            AuditEvent firstKept = AuditEvent.<AuditEvent>find("occurredAt >= ?1 order by seq", cutoff).firstResult();
            AuditEvent last = firstKept == null
                    ? AuditEvent.<AuditEvent>find("order by seq desc").firstResult()
                    : AuditEvent.<AuditEvent>find("seq < ?1 order by seq desc", firstKept.seq).firstResult();
            if (last == null) {
                return 0L;
            }
            long count = AuditEvent.count("seq <= ?1", last.seq);
            AuditCheckpoint checkpoint = new AuditCheckpoint();
            checkpoint.createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
            checkpoint.upToSeq = last.seq;
            checkpoint.lastHash = last.hash;
            checkpoint.eventsPruned = count;
            checkpoint.prunedBefore = cutoff;
            checkpoint.signature = trail.sign(checkpoint.signedText());
            checkpoint.persist();
            long deleted = AuditEvent.delete("seq <= ?1", last.seq);
            audit.record("audit.pruned", null, null, "system", Map.of("upToSeq", last.seq, "events", deleted,
                    "before", cutoff.toString(), "checkpoint", checkpoint.id));
            LOG.infof("audit retention: pruned %d events before %s (up to #%d), checkpoint %d", deleted, cutoff,
                    last.seq, checkpoint.id);
            return deleted;
        });
    }
}
