package io.agentgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Appends audit events in the caller's transaction, so an event exists exactly when the change it records does.
 * Each event is chained to the one before: appending locks the chain head row until the transaction ends, which
 * gives every event one position in a single total order, whatever the number of concurrent writers.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);

    /** Event types of the action lifecycle and of admin changes. */
    public static final String SUBMITTED = "action.submitted";
    public static final String DECIDED = "action.decided";
    public static final String TIMED_OUT = "action.timed_out";
    public static final String CANCELLED = "action.cancelled";
    public static final String RESULT = "action.result";
    public static final String AGENT_CREATED = "agent.created";
    public static final String AGENT_UPDATED = "agent.updated";
    public static final String AGENT_KEY_ROTATED = "agent.key_rotated";

    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    @Inject
    Event<AuditAppended> appended;

    /** An event has been appended; observers that act after commit see only committed events. */
    public record AuditAppended(AuditEvent event) {
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String type, String agentName, UUID actionId, String actor, Map<String, ?> details) {
        AuditEvent event = new AuditEvent();
        event.eventId = UUID.randomUUID();
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
        AuditChainHead head = lockHead();
        link(event, head);
        event.persist();
        appended.fire(new AuditAppended(event));
    }

    private static AuditChainHead lockHead() {
        return AuditChainHead.<AuditChainHead>findByIdOptional(AuditChainHead.ID, LockModeType.PESSIMISTIC_WRITE)
                .orElseThrow(() -> new IllegalStateException("audit chain head row is missing"));
    }

    private static void link(AuditEvent event, AuditChainHead head) {
        event.seq = head.seq + 1;
        event.prevHash = head.hash;
        event.hash = AuditHash.hash(event);
        head.seq = event.seq;
        head.hash = event.hash;
    }

    /** Chains rows written before the chain existed (or by an older version), oldest first. */
    @Transactional
    void chainUnchained(@Observes StartupEvent start) {
        List<AuditEvent> loose = AuditEvent.list("seq is null order by id");
        if (loose.isEmpty()) {
            return;
        }
        AuditChainHead head = lockHead();
        for (AuditEvent event : loose) {
            link(event, head);
        }
        LOG.infof("audit: chained %d events written before the hash chain", loose.size());
    }

    public static long count(String type, UUID actionId) {
        return AuditEvent.count("type = ?1 and actionId = ?2", type, actionId);
    }
}
