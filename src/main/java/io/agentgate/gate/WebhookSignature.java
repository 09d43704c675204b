package io.agentgate.gate;

import io.agentgate.agent.ApiKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code webhook-signature: v1,<base64 HMAC-SHA256(key, id.timestamp.body)>}, the key
 * being the base64 part of the agent's {@code whsec_...} secret.
 */
public final class WebhookSignature {

    public static final String PREFIX = ApiKeys.WEBHOOK_SECRET_PREFIX;

    private WebhookSignature() {
    }

    public static String sign(String secret, String webhookId, long timestampSeconds, String body) {
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signature = mac.doFinal((webhookId + "." + timestampSeconds + "." + body)
                    .getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot sign webhook: " + e.getClass().getSimpleName(), e);
        }
    }
}
