package io.agentgate.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.UUID;

/**
 * One audit event as exported (one NDJSON line): the classic audit fields lifted out of the details, the rest
 * under {@code metadata}, and the chain fields ({@code seq}, {@code keyId}, {@code prevHash}, {@code hash}; the
 * canonical fields let a holder of the audit key recompute the hash: see {@link AuditHash}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditRecord(long seq, UUID eventId, Instant timestamp, String type, String actor, String agentName,
        String agentVersion, String sessionId, String userId, UUID actionId, String action, String toolName,
        JsonNode toolArgs, JsonNode toolResult, JsonNode policyChecks, Boolean allowed, Long durationMs,
        String model, Long inputTokens, Long outputTokens, JsonNode metadata, String details, String keyId,
        String prevHash, String hash) {

    public static AuditRecord of(AuditEvent e, ObjectMapper json) {
        ObjectNode d;
        try {
            JsonNode parsed = json.readTree(e.details);
            d = parsed instanceof ObjectNode o ? o.deepCopy() : json.createObjectNode();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        String action = text(d.remove("action"));
        JsonNode status = d.get("status") != null ? d.get("status") : d.get("decision");
        Boolean allowed = status == null || status.isNull() ? null : switch (status.asText()) {
            case "ALLOWED", "APPROVED" -> Boolean.TRUE;
            case "DENIED", "REJECTED", "TIMED_OUT", "CANCELLED" -> Boolean.FALSE;
            default -> null;
        };
        if (e.type.equals(AuditLog.TIMED_OUT) || e.type.equals(AuditLog.CANCELLED)) {
            allowed = Boolean.FALSE;
        }
        return new AuditRecord(e.seq, e.eventId, e.occurredAt, e.type, e.actor, e.agentName,
                text(d.remove("agentVersion")), text(d.remove("sessionId")), text(d.remove("userId")), e.actionId,
                action, text(d.remove("toolName")), node(d.remove("toolArgs")), node(d.remove("result")),
                node(d.remove("violations")), allowed, number(d.remove("durationMs")), text(d.remove("model")),
                number(d.remove("inputTokens")), number(d.remove("outputTokens")), d.isEmpty() ? null : d,
                e.details, e.keyId, e.prevHash, e.hash);
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Long number(JsonNode n) {
        return n == null || n.isNull() || !n.canConvertToLong() ? null : n.asLong();
    }

    private static JsonNode node(JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }
}
