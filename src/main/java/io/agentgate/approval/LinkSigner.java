package io.agentgate.approval;

import io.agentgate.approval.ApprovalLink.Intent;
import io.agentgate.common.AgentGateConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies approval links: {@code token = base64url(payload) "." base64url(HMAC-SHA256(key, payload))}
 * with payload {@code keyId \n actionId \n intent \n expiry \n nonce \n approver} (UTF-8, expiry in epoch seconds).
 * New links are signed with {@code agentgate.links.secret}; links signed with one of
 * {@code agentgate.links.previous-secrets} are still accepted. The key id is a short hash of the secret, so the
 * verifier picks the key without trying them all. Verification never throws anything but {@link LinkRejected}.
 */
@Singleton
public class LinkSigner {

    /** Longest token accepted; a real one is about 250 characters. */
    static final int MAX_TOKEN_LENGTH = 2048;
    static final int MAX_APPROVER_LENGTH = 320;
    private static final String HMAC = "HmacSHA256";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final Pattern B64URL = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{8}");
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Pattern EPOCH = Pattern.compile("[0-9]{1,12}");
    private static final int MAC_BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    private final String currentKeyId;
    private final Map<String, SecretKeySpec> keys;

    @Inject
    LinkSigner(AgentGateConfig config) {
        this(config.links().secret().orElse(""), config.links().previousSecrets().orElse(List.of()));
    }

    /** A signer with the current secret and the earlier ones still accepted. */
    LinkSigner(String secret, List<String> previousSecrets) {
        Map<String, SecretKeySpec> accepted = new LinkedHashMap<>();
        List<String> all = new ArrayList<>();
        all.add(secret);
        all.addAll(previousSecrets);
        for (String s : all) {
            if (s != null && !s.isBlank()) {
                accepted.putIfAbsent(keyId(s), new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), HMAC));
            }
        }
        this.keys = Map.copyOf(accepted);
        this.currentKeyId = secret == null || secret.isBlank() ? null : keyId(secret);
    }

    /** The key id of a secret: the first 4 bytes of SHA-256 over it, in hex. Names the key, reveals nothing useful. */
    static String keyId(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    ("agentgate-link-key:" + secret).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new single-use link for one approver and one action, valid until {@code expiry}. */
    public String sign(UUID actionId, String approver, Intent intent, Instant expiry) {
        if (currentKeyId == null) {
            throw new IllegalStateException("agentgate.links.secret is not set: approval links cannot be signed");
        }
        if (approver == null || approver.isEmpty() || approver.length() > MAX_APPROVER_LENGTH
                || approver.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("approver must be 1-" + MAX_APPROVER_LENGTH + " printable characters");
        }
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String payload = String.join("\n", currentKeyId, actionId.toString(), intent.word(),
                Long.toString(expiry.getEpochSecond()), B64.encodeToString(nonce), approver);
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return B64.encodeToString(bytes) + "." + B64.encodeToString(mac(keys.get(currentKeyId), bytes));
    }

    /** Checks the signature, then the payload's fields; a link is returned only when both hold. */
    public ApprovalLink verify(String token) throws LinkRejected {
        if (token == null || token.isEmpty()) {
            throw malformed("no token");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw malformed("token too long");
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.') || dot == token.length() - 1) {
            throw malformed("a token is two base64url parts joined by one dot");
        }
        String payloadPart = token.substring(0, dot);
        String macPart = token.substring(dot + 1);
        if (!B64URL.matcher(payloadPart).matches() || !B64URL.matcher(macPart).matches()) {
            throw malformed("a token part is not base64url");
        }
        byte[] payload;
        byte[] givenMac;
        try {
            payload = B64D.decode(payloadPart);
            givenMac = B64D.decode(macPart);
        } catch (IllegalArgumentException e) {
            throw malformed("a token part is not base64url");
        }
        // one spelling per token: a changed last character that only touches padding bits is a different token
        if (!B64.encodeToString(payload).equals(payloadPart) || !B64.encodeToString(givenMac).equals(macPart)) {
            throw new LinkRejected(LinkRejected.Reason.TAMPERED, "a token part is not in canonical base64url");
        }
        // the key id comes before the first newline; everything else is trusted only after the MAC matched
        int firstBreak = indexOf(payload, (byte) '\n');
        if (firstBreak != 8) {
            throw malformed("no key id");
        }
        String keyId = new String(payload, 0, 8, StandardCharsets.US_ASCII);
        SecretKeySpec key = KEY_ID.matcher(keyId).matches() ? keys.get(keyId) : null;
        if (key == null) {
            throw new LinkRejected(LinkRejected.Reason.TAMPERED, "signed with a key that is not accepted");
        }
        if (givenMac.length != MAC_BYTES || !MessageDigest.isEqual(mac(key, payload), givenMac)) {
            throw new LinkRejected(LinkRejected.Reason.TAMPERED, "the signature does not match");
        }
        return parse(keyId, payload);
    }

    private static ApprovalLink parse(String keyId, byte[] payload) throws LinkRejected {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            throw malformed("payload is not UTF-8");
        }
        String[] f = text.split("\n", 6);
        if (f.length != 6) {
            throw malformed("payload has " + f.length + " fields, not 6");
        }
        UUID actionId;
        try {
            actionId = UUID.fromString(f[1]);
        } catch (IllegalArgumentException e) {
            throw malformed("no action id");
        }
        if (!actionId.toString().equals(f[1])) {
            throw malformed("no action id");
        }
        Intent intent = Intent.ofWord(f[2]);
        if (intent == null) {
            throw malformed("intent is neither approve nor reject");
        }
        if (!EPOCH.matcher(f[3]).matches()) {
            throw malformed("no expiry");
        }
        if (!NONCE.matcher(f[4]).matches()) {
            throw malformed("no nonce");
        }
        String approver = f[5];
        if (approver.isEmpty() || approver.length() > MAX_APPROVER_LENGTH
                || approver.chars().anyMatch(Character::isISOControl)) {
            throw malformed("no approver");
        }
        return new ApprovalLink(keyId, actionId, approver, intent, Instant.ofEpochSecond(Long.parseLong(f[3])), f[4]);
    }

    private static byte[] mac(SecretKeySpec key, byte[] payload) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(payload);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static LinkRejected malformed(String detail) {
        return new LinkRejected(LinkRejected.Reason.MALFORMED, detail);
    }
}
