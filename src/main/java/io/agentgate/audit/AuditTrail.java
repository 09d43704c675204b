package io.agentgate.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.agentgate.common.AgentGateConfig;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Reading the audit trail: filtered pages for export, and verification of the hash chain. */
@ApplicationScoped
public class AuditTrail {

    static final int BATCH = 1000;

    @Inject
    AgentGateConfig config;

    @Inject
    AuditKeys keys;

    /** Export filters; any may be null. */
    public record Filter(String agent, UUID actionId, String type, Instant from, Instant to) {
    }

    /**
     * The outcome of verifying the chain: how many events were checked, where it breaks and why, the retention
     * checkpoint it started from, the last event chained before the audit key existed (unkeyed), and how many
     * events are under a key that is not configured (unverifiable).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Verification(boolean valid, long events, Long brokenAtSeq, UUID brokenEventId, String reason,
            Long checkpointSeq, Long unkeyedUpToSeq, Long unverifiable) {
    }

    /**
     * What the trail holds about one agent: how many events, the latest one, the latest about its actions and the
     * latest change of its configuration. Index-backed (agent, id) so it stays cheap for large trails.
     */
    public record AgentTrail(long events, Instant latestAt, Instant latestActionAt, Instant latestConfigAt) {
    }

    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    public AgentTrail agentTrail(String agent) {
        long events = AuditEvent.count("agentName", agent);
        if (events == 0) {
            return new AgentTrail(0, null, null, null);
        }
        Instant latest = latestAt("agentName = ?1", agent);
        Instant latestAction = latestAt("agentName = ?1 and type like 'action.%'", agent);
        Instant latestConfig = latestAt("agentName = ?1 and type in ('agent.created', 'agent.updated')", agent);
        return new AgentTrail(events, latest, latestAction, latestConfig);
    }

    private static Instant latestAt(String where, String agent) {
        return AuditEvent.<AuditEvent>find(where + " order by id desc", agent).firstResultOptional()
                .map(e -> e.occurredAt).orElse(null);
    }

    /** The next batch of matching events after chain position {@code afterSeq}, in chain order. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<AuditEvent> page(Filter filter, long afterSeq, int limit) {
        StringBuilder q = new StringBuilder("seq > :after");
        var params = Parameters.with("after", afterSeq);
        if (filter.agent() != null) {
            q.append(" and agentName = :agent");
            params = params.and("agent", filter.agent());
        }
        if (filter.actionId() != null) {
            q.append(" and actionId = :action");
            params = params.and("action", filter.actionId());
        }
        if (filter.type() != null) {
            q.append(" and type = :type");
            params = params.and("type", filter.type());
        }
        if (filter.from() != null) {
            q.append(" and occurredAt >= :from");
            params = params.and("from", filter.from());
        }
        if (filter.to() != null) {
            q.append(" and occurredAt < :to");
            params = params.and("to", filter.to());
        }
        List<AuditEvent> rows = AuditEvent.<AuditEvent>find(q + " order by seq", params).range(0, limit - 1).list();
        AuditEvent.getEntityManager().clear();
        return rows;
    }

    /**
     * Walks the whole chain in batches (flat memory): from the latest signed checkpoint, each event must follow
     * its predecessor's position and hash, and its own hash must match its content under its audit key (see
     * {@link ChainCheck}). Stops at the first break.
     */
    public Verification verify() {
        // events appended while we walk are not part of this verification: stop at the head as it is now
        AuditChainHead head = head();
        ChainCheck check = new ChainCheck(keys, config.audit().lastUnkeyedSeq());
        Optional<AuditCheckpoint> checkpoint = latestCheckpoint();
        if (checkpoint.isPresent()) {
            AuditCheckpoint c = checkpoint.get();
            Verification bad = check.startAfter(c, c.keyId == null ? legacySign(c.signedText()) : null);
            if (bad != null) {
                return bad;
            }
        }
        long after = checkpoint.map(c -> c.upToSeq).orElse(0L);
        Filter all = new Filter(null, null, null, null, null);
        while (true) {
            List<AuditEvent> batch = page(all, after, BATCH);
            boolean end = batch.size() < BATCH;
            for (AuditEvent e : batch) {
                if (e.seq > head.seq) {
                    end = true;
                    break;
                }
                Verification broken = check.next(e);
                if (broken != null) {
                    return broken;
                }
                after = e.seq;
            }
            if (end) {
                break;
            }
        }
        return check.end(head);
    }

    /** Where the chain ends now; events missing at the end are caught against it. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    AuditChainHead head() {
        AuditChainHead head = AuditChainHead.findById(AuditChainHead.ID);
        AuditChainHead.getEntityManager().detach(head);
        return head;
    }

    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    Optional<AuditCheckpoint> latestCheckpoint() {
        return AuditCheckpoint.find("order by upToSeq desc").firstResultOptional();
    }

    /** How checkpoints were signed before the audit key: HMAC-SHA256 with a key derived from the link secret. */
    String legacySign(String text) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(config.links().secret().orElseThrow()
                    .getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] key = derive.doFinal("agentgate audit checkpoint v1".getBytes(StandardCharsets.UTF_8));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
