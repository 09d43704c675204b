package io.agentgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical form of an event and its hash: compact JSON with keys sorted, over every stored field except the
 * hash itself (the details stay the exact stored string). Anyone can recompute it from an export.
 */
public final class AuditHash {

    public static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditHash() {
    }

    public static String canonical(AuditEvent e) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("actionId", e.actionId == null ? null : e.actionId.toString());
        fields.put("actor", e.actor);
        fields.put("agentName", e.agentName);
        fields.put("details", e.details);
        fields.put("eventId", e.eventId.toString());
        fields.put("occurredAt", e.occurredAt.toString());
        fields.put("prevHash", e.prevHash);
        fields.put("seq", e.seq);
        fields.put("type", e.type);
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public static String hash(AuditEvent e) {
        return sha256(canonical(e));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
