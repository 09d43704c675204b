package io.agentgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.common.Ids;
import io.agentgate.common.Jdbc;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.Transactional;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import org.jboss.logging.Logger;

/**
 * Appends audit events in the caller's transaction, so an event exists exactly when the change it records does.
 * Events are collected per transaction and chained when it commits: the chain head row is locked once, just before
 * the commit, every event of the transaction gets the next positions and hashes in memory, and all are inserted in
 * one batch. The head lock is therefore held only for the commit itself, and a transaction that carries many
 * requests (the gate's group commit) takes it once for all of them. Every event still gets one position in a single
 * total order, whatever the number of writers or instances. Each hash is an HMAC under the audit key
 * ({@link AuditKeys}), so rewriting an event and its successors in the database needs the key as well.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    private static final Object PENDING = new Object();

    /** Event types of the action lifecycle and of admin changes. */
    public static final String SUBMITTED = "action.submitted";
    public static final String DECIDED = "action.decided";
    public static final String TIMED_OUT = "action.timed_out";
    public static final String CANCELLED = "action.cancelled";
    public static final String RESULT = "action.result";
    public static final String AGENT_CREATED = "agent.created";
    public static final String AGENT_UPDATED = "agent.updated";
    public static final String AGENT_KEY_ROTATED = "agent.key_rotated";
    /** The first keyed event after events chained before the audit key existed: the one place the two meet. */
    public static final String KEYED = "audit.keyed";

    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    AuditFileSink sink;

    @Inject
    AuditKeys keys;

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String type, String agentName, UUID actionId, String actor, Map<String, ?> details) {
        pendingOfTransaction().add(event(type, agentName, actionId, actor, details));
    }

    private AuditEvent event(String type, String agentName, UUID actionId, String actor, Map<String, ?> details) {
        AuditEvent event = new AuditEvent();
        event.eventId = Ids.timeOrdered();
        event.occurredAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        event.type = type;
        event.agentName = agentName;
        event.actionId = actionId;
        event.actor = actor;
        try {
            event.details = json.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details are not serialisable: " + e.getOriginalMessage(), e);
        }
        return event;
    }

    /** The events recorded in the current transaction so far; the first call arranges their append at commit. */
    @SuppressWarnings("unchecked")
    private List<AuditEvent> pendingOfTransaction() {
        List<AuditEvent> events = (List<AuditEvent>) transactions.getResource(PENDING);
        if (events == null) {
            List<AuditEvent> created = new ArrayList<>();
            transactions.putResource(PENDING, created);
            // interposed: runs after the ORM has flushed; and it appends from a synchronization of its own registered
            // only now, which runs after every other one (rows, notices), so the head is the last lock taken
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                    if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
                        appendLast(created);
                    }
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        created.forEach(sink::appended);
                    }
                }
            });
            events = created;
        }
        return events;
    }

    /** Appends after every synchronization registered so far has run (those registered during ours run too). */
    private void appendLast(List<AuditEvent> events) {
        try {
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                    if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
                        append(events);
                    }
                }

                @Override
                public void afterCompletion(int status) {
                }
            });
        } catch (IllegalStateException tooLate) {
            append(events); // a transaction manager that takes no more synchronizations here: append at once
        }
    }

    /**
     * Locks the head, chains the events after it in order (an HMAC under the current audit key each), inserts them
     * and moves the head in one statement on PostgreSQL ({@link AuditRows}): the head stays locked for the lock's
     * round trip, that statement's and the commit, whatever the number of events. After an unkeyed head (a database
     * chained by a version without the key) the batch starts with the {@value #KEYED} marker, so the place where
     * keyed chaining began is itself keyed.
     */
    private void append(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        AuditKeys.Key key = keys.current();
        Mac mac = key.mac();
        try (Connection c = dataSource.getConnection()) {
            long seq;
            String hash;
            String headKey;
            try (PreparedStatement lock = c.prepareStatement(
                    "SELECT seq, hash, key_id FROM audit_chain_head WHERE id = 1 FOR UPDATE");
                    ResultSet rs = lock.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("audit chain head row is missing");
                }
                seq = rs.getLong(1);
                hash = rs.getString(2);
                headKey = rs.getString(3);
            }
            if (headKey == null && seq > 0) {
                events.add(0, event(KEYED, null, null, "system", Map.of("keyId", key.id(), "unkeyedUpToSeq", seq)));
                LOG.warnf("audit: events 1..%d were chained before agentgate.audit.key was set and verify as unkeyed;"
                        + " keyed from #%d on. This happens once per database: set agentgate.audit.last-unkeyed-seq=%d"
                        + " so that no later rewrite can pass as unkeyed", seq, seq + 1, seq);
            }
            for (AuditEvent e : events) {
                e.seq = ++seq;
                e.prevHash = hash;
                e.keyId = key.id();
                e.hash = AuditHash.keyed(mac, e);
                hash = e.hash;
            }
            AuditRows.insertAndMoveHead(c, events, key.id());
        } catch (SQLException e) {
            throw new IllegalStateException("audit events could not be appended: " + e.getMessage(), e);
        }
    }

    private static AuditChainHead lockHead() {
        return AuditChainHead.<AuditChainHead>findByIdOptional(AuditChainHead.ID, LockModeType.PESSIMISTIC_WRITE)
                .orElseThrow(() -> new IllegalStateException("audit chain head row is missing"));
    }

    /**
     * Chains rows written before the chain existed (by a version older than the chain), oldest first, unkeyed like
     * the rest of that version's trail. Once the chain is keyed, rows without a position did not come from
     * AgentGate: they stay out of the chain (verification never reads them), with a warning.
     */
    @Transactional
    void chainUnchained(@Observes StartupEvent start) {
        if (!Jdbc.exists(dataSource, "SELECT 1 FROM audit_event WHERE seq IS NULL FETCH FIRST 1 ROWS ONLY")) {
            return;
        }
        List<AuditEvent> loose = AuditEvent.list("seq is null order by id");
        if (loose.isEmpty()) {
            return;
        }
        AuditChainHead head = lockHead();
        if (head.keyId != null) {
            LOG.warnf("audit: %d rows in audit_event have no chain position; AgentGate never writes such rows into a"
                    + " keyed chain, so they are left out of it (written straight into the database?)", loose.size());
            return;
        }
        for (AuditEvent event : loose) {
            event.seq = head.seq + 1;
            event.prevHash = head.hash;
            event.hash = AuditHash.unkeyed(event);
            head.seq = event.seq;
            head.hash = event.hash;
        }
        LOG.infof("audit: chained %d events written before the hash chain (unkeyed, as that version wrote them)",
                loose.size());
    }

    public static long count(String type, UUID actionId) {
        return AuditEvent.count("type = ?1 and actionId = ?2", type, actionId);
    }
}
