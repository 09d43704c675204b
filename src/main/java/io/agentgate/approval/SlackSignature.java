package io.agentgate.approval;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's request signature: {@code X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:" + timestamp + ":" +
 * raw body)>}, with {@code X-Slack-Request-Timestamp} in seconds no more than five minutes from now (either way), so a
 * recorded request cannot be replayed later.
 */
final class SlackSignature {

    static final Duration WINDOW = Duration.ofMinutes(5);

    private SlackSignature() {
    }

    /** Why a request is refused, in words for the 401's body; null when it is genuine and fresh. */
    static String refusal(String secret, String timestamp, String signature, byte[] body, Instant now) {
        if (timestamp == null || timestamp.isBlank() || signature == null || signature.isBlank()) {
            return "The request carries no Slack signature (X-Slack-Signature and X-Slack-Request-Timestamp).";
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return "The request's X-Slack-Request-Timestamp is not a number of seconds.";
        }
        if (Math.abs(now.getEpochSecond() - seconds) > WINDOW.toSeconds()) {
            return "The request's timestamp is more than five minutes from now: a stale or replayed request.";
        }
        byte[] expected = ("v0=" + sign(secret, timestamp.strip(), body)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.strip().getBytes(StandardCharsets.US_ASCII))) {
            return "The request's Slack signature does not match: it was not signed with this app's signing secret, "
                    + "or the body was changed.";
        }
        return null;
    }

    /** The hex HMAC-SHA256 of {@code v0:<timestamp>:<body>} with the signing secret. */
    static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
