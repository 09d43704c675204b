package io.agentgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;

/**
 * The canonical form of an event and its hash: compact JSON with keys sorted, over every stored field except the
 * hash itself (the details stay the exact stored string). An event chained under an audit key also carries its
 * {@code keyId} in the canonical form, and its hash is the HMAC-SHA256 of that form under the key: only a holder of
 * the key can compute it. Events chained before the audit key existed have no key id and a plain SHA-256.
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
        if (e.keyId != null) {
            fields.put("keyId", e.keyId);
        }
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

    /** The hash of an event chained under the key {@code mac} is initialised with (its {@code keyId} set). */
    public static String keyed(Mac mac, AuditEvent e) {
        return AuditKeys.hex(mac.doFinal(canonical(e).getBytes(StandardCharsets.UTF_8)));
    }

    /** The plain SHA-256 of an event chained before the audit key existed (no {@code keyId}). */
    public static String unkeyed(AuditEvent e) {
        try {
            return AuditKeys.hex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical(e).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Whether two hex hashes are equal, in time that does not depend on where they differ. */
    static boolean same(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII),
                b.getBytes(StandardCharsets.US_ASCII));
    }
}
