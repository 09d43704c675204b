package io.agentgate.audit;

import io.agentgate.common.AgentGateConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.TypedQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Prunes audit events older than {@code agentgate.audit.retention}. Before deleting, it records a checkpoint signed with the audit key
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
    AuditKeys keys;

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

    /**
     * Prunes what is past retention now; returns how many events went. Only a prefix of the chain can go: up to the
     * first event that is still within retention. The appends of the write path are never held up: the boundary is
     * found from the indexes, a signed checkpoint of the last pruned position and hash is committed first (events at
     * or before it are outside the chain from then on, see {@link AuditTrail#verify()}), and the events are deleted
     * behind it in short transactions of {@value #DELETE_BATCH}. A crash in between leaves events behind the
     * checkpoint, which verification skips and the next run deletes.
     */
    public long prune() {
        return prune(DELETE_BATCH);
    }

    long prune(int deleteBatch) {
        String refusal = refusal();
        if (refusal != null) {
            LOG.error("audit retention refused: " + refusal);
            return 0;
        }
        Instant cutoff = clock.instant().minus(config.audit().retention()).truncatedTo(ChronoUnit.MICROS);
        AuditCheckpoint checkpoint = QuarkusTransaction.requiringNew().call(() -> checkpoint(cutoff));
        if (checkpoint == null) {
            return 0;
        }
        long deleted = 0;
        long batch;
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> deleteOldest(checkpoint.upToSeq, deleteBatch));
            deleted += batch;
        } while (batch > 0);
        if (deleted == 0) {
            return 0;
        }
        long upToSeq = checkpoint.upToSeq;
        long gone = deleted;
        QuarkusTransaction.requiringNew().run(() -> audit.record("audit.pruned", null, null, "system", Map.of(
                "upToSeq", upToSeq, "events", gone, "before", cutoff.toString(), "checkpoint", checkpoint.id)));
        LOG.infof("audit retention: pruned %d events before %s (up to #%d), checkpoint %d", deleted, cutoff, upToSeq,
                checkpoint.id);
        return deleted;
    }

    /**
     * The checkpoint behind which everything before {@code cutoff} can go, or null when nothing can. Reads only the
     * old end of the indexes (the events past retention), so its cost grows with what is pruned, not with the trail.
     */
    private AuditCheckpoint checkpoint(Instant cutoff) {
        // the newest event past retention, then the oldest event within retention that comes before it (clocks
        // can disagree a little with the commit order): the prune stops just before that one
        Long newestOld = seq("select max(e.seq) from AuditEvent e where e.occurredAt < ?1", cutoff);
        if (newestOld == null) {
            return null;
        }
        Long firstKept = seq("select min(e.seq) from AuditEvent e where e.seq <= ?1 and e.occurredAt >= ?2", newestOld,
                cutoff);
        long upTo = firstKept == null ? newestOld : firstKept - 1;
        AuditEvent last = AuditEvent.<AuditEvent>find("seq <= ?1 order by seq desc", upTo).firstResult();
        if (last == null) {
            return null;
        }
        AuditCheckpoint previous = trail.latestCheckpoint().orElse(null);
        if (previous != null && previous.upToSeq >= last.seq) {
            return previous; // an earlier run checkpointed this far; what it left behind still goes
        }
        AuditCheckpoint checkpoint = new AuditCheckpoint();
        checkpoint.createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        checkpoint.upToSeq = last.seq;
        checkpoint.lastHash = last.hash;
        checkpoint.eventsPruned = AuditEvent.count("seq <= ?1", last.seq);
        checkpoint.prunedBefore = cutoff;
        AuditKeys.Key key = keys.current();
        checkpoint.keyId = key.id();
        checkpoint.signature = key.sign(checkpoint.signedText());
        checkpoint.persist();
        return checkpoint;
    }

    /** Deletes up to {@code batch} of the oldest events at or before {@code upToSeq}; returns how many. */
    private long deleteOldest(long upToSeq, int batch) {
        Long oldest = seq("select min(e.seq) from AuditEvent e");
        if (oldest == null || oldest > upToSeq) {
            return 0;
        }
        return AuditEvent.delete("seq >= ?1 and seq <= ?2", oldest, Math.min(upToSeq, oldest + batch - 1));
    }

    private static Long seq(String jpql, Object... params) {
        TypedQuery<Long> query = AuditEvent.getEntityManager().createQuery(jpql, Long.class);
        for (int i = 0; i < params.length; i++) {
            query.setParameter(i + 1, params[i]);
        }
        return query.getSingleResult();
    }
}
