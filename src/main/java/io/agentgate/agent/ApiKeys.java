package io.agentgate.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Agent API keys: 256 random bits, shown once, stored only as a SHA-256 hash. */
public final class ApiKeys {

    public static final String PREFIX = "agk_";
    /** Prefix of an agent's webhook secret (Standard Webhooks). */
    public static final String WEBHOOK_SECRET_PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new key and what is stored of it. */
    public record NewKey(String key, String hash, String keyId) {
    }

    private ApiKeys() {
    }

    /** A new webhook secret for an agent's signed callbacks: 32 random bytes, {@code whsec_<base64>}. */
    public static String newWebhookSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return WEBHOOK_SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    public static NewKey generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String hash = hash(key);
        return new NewKey(key, hash, keyId(hash));
    }

    /** Hex SHA-256; a salt adds nothing for a 256-bit random secret. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    /** A short, non-secret name for a key, safe to log and show. */
    public static String keyId(String hash) {
        return hash.substring(0, 12);
    }

    /** Constant-time comparison of two secrets of any length. */
    public static boolean secretEquals(String a, String b) {
        return MessageDigest.isEqual(sha256(a), sha256(b));
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
