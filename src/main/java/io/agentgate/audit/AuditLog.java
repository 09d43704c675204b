package io.agentgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * Writes audit events in the caller's transaction, so an event exists exactly when the change it records does.
 */
@ApplicationScoped
public class AuditLog {

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

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String type, String agentName, UUID actionId, String actor, Map<String, ?> details) {
        AuditEvent event = new AuditEvent();
        event.eventId = UUID.randomUUID();
        event.occurredAt = clock.instant();
        event.type = type;
        event.agentName = agentName;
        event.actionId = actionId;
        event.actor = actor;
        try {
            event.details = json.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details are not serialisable: " + e.getOriginalMessage(), e);
        }
        event.persist();
    }

    public static long count(String type, UUID actionId) {
        return AuditEvent.count("type = ?1 and actionId = ?2", type, actionId);
    }
}
