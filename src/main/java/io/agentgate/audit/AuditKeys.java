package io.agentgate.audit;

import io.agentgate.common.AgentGateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of the audit chain, which live in configuration, never in the database: the current one
 * ({@code agentgate.audit.key}) chains new events and signs checkpoints; earlier ones
 * ({@code agentgate.audit.previous-keys}) only verify what was chained under them. A key is known by an id derived
 * from it, {@code hex(HMAC-SHA256(key, "agentgate audit key id"))[0..16]}, which every event records: setting a new
 * key changes the id by itself, and the id tells nothing about the key.
 */
@ApplicationScoped
public class AuditKeys {

    static final String ID_LABEL = "agentgate audit key id";
    private static final String HMAC = "HmacSHA256";

    /** One audit key and its id. */
    public static final class Key {
        private final String id;
        private final SecretKeySpec spec;

        private Key(byte[] secret) {
            this.spec = new SecretKeySpec(secret, HMAC);
            this.id = hex(mac().doFinal(ID_LABEL.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        }

        public String id() {
            return id;
        }

        /** A fresh HMAC-SHA256 under this key; reusable for many messages by one thread ({@code doFinal} resets it). */
        public Mac mac() {
            try {
                Mac mac = Mac.getInstance(HMAC);
                mac.init(spec);
                return mac;
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Lower-case hex HMAC-SHA256 of the UTF-8 text. */
        public String sign(String text) {
            return hex(mac().doFinal(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private final Key current;
    private final Map<String, Key> byId = new LinkedHashMap<>();

    /** For the CDI client proxy only. */
    AuditKeys() {
        this(null, List.of());
    }

    @Inject
    AuditKeys(AgentGateConfig config) {
        this(config.audit().key().orElse(null), config.audit().previousKeys().orElse(List.of()));
    }

    /** The current key (null: none set, nothing can be chained) and the earlier ones kept for verification. */
    public AuditKeys(String currentKey, List<String> previousKeys) {
        this.current = currentKey == null || currentKey.isBlank() ? null : key(currentKey);
        if (current != null) {
            byId.put(current.id(), current);
        }
        for (String previous : previousKeys) {
            if (previous != null && !previous.isBlank()) {
                Key k = key(previous);
                byId.putIfAbsent(k.id(), k);
            }
        }
    }

    /** The key new events are chained under and checkpoints signed with. */
    public Key current() {
        if (current == null) {
            throw new IllegalStateException("agentgate.audit.key is not set: audit events cannot be chained");
        }
        return current;
    }

    /** The configured key with this id, current or previous. */
    public Optional<Key> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    private static Key key(String secret) {
        return new Key(secret.getBytes(StandardCharsets.UTF_8));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
