package io.agentgate.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.agentgate.approval.ApprovalLink.Intent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class LinkSignerTest {

    private static final String SECRET = "unit-test-link-secret-0123456789abcdef";
    private static final String OLD = "the-previous-link-secret-0123456789abcdef";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private final LinkSigner signer = new LinkSigner(SECRET, List.of(OLD));
    private final UUID action = UUID.randomUUID();
    private final Instant expiry = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void signedLinkVerifiesToWhatWasSigned() throws LinkRejected {
        String token = signer.sign(action, "alice@example.com", Intent.REJECT, expiry);
        ApprovalLink link = signer.verify(token);
        assertEquals(action, link.actionId());
        assertEquals("alice@example.com", link.approver());
        assertEquals(Intent.REJECT, link.intent());
        assertEquals(expiry, link.expiry());
        assertEquals(LinkSigner.keyId(SECRET), link.keyId());
        assertEquals(8, link.keyId().length());
        assertNotEquals(link.nonce(), signer.verify(signer.sign(action, "alice@example.com", Intent.REJECT, expiry)).nonce(),
                "every link has its own nonce");
    }

    @Test
    void linkSignedWithAPreviousSecretIsStillAcceptedAndAnUnknownOneIsNot() throws LinkRejected {
        String old = new LinkSigner(OLD, List.of()).sign(action, "bob@example.com", Intent.APPROVE, expiry);
        assertEquals("bob@example.com", signer.verify(old).approver());
        assertEquals(LinkSigner.keyId(OLD), signer.verify(old).keyId());

        String foreign = new LinkSigner("some-other-secret-0123456789abcdef0123", List.of())
                .sign(action, "bob@example.com", Intent.APPROVE, expiry);
        LinkRejected e = assertThrows(LinkRejected.class, () -> signer.verify(foreign));
        assertEquals(LinkRejected.Reason.TAMPERED, e.getReason());
        // after rotation the old secret is dropped: its links stop working
        LinkRejected dropped = assertThrows(LinkRejected.class, () -> new LinkSigner(SECRET, List.of()).verify(old));
        assertEquals(LinkRejected.Reason.TAMPERED, dropped.getReason());
    }

    @Test
    void everyOneCharacterChangeIsRejected() {
        String token = signer.sign(action, "alice@example.com", Intent.APPROVE, expiry);
        int dot = token.indexOf('.');
        for (int i = 0; i < token.length(); i++) {
            if (i == dot) {
                continue;
            }
            char c = token.charAt(i);
            for (char replacement : new char[] { ALPHABET.charAt((ALPHABET.indexOf(c) + 1) % 64),
                    ALPHABET.charAt((ALPHABET.indexOf(c) + 32) % 64) }) {
                String changed = token.substring(0, i) + replacement + token.substring(i + 1);
                try {
                    signer.verify(changed);
                    fail("a change at " + i + " (" + c + " -> " + replacement + ") verified");
                } catch (LinkRejected expected) {
                    // rejected, as it must be
                }
            }
        }
    }

    @Test
    void linkWhosePayloadWasReplacedIsTampered() {
        String mine = signer.sign(action, "mallory@example.com", Intent.APPROVE, expiry);
        String theirs = signer.sign(action, "alice@example.com", Intent.APPROVE, expiry);
        String spliced = theirs.substring(0, theirs.indexOf('.')) + mine.substring(mine.indexOf('.'));
        LinkRejected e = assertThrows(LinkRejected.class, () -> signer.verify(spliced));
        assertEquals(LinkRejected.Reason.TAMPERED, e.getReason());
    }

    @Test
    void fuzzedTokensAreRejectedCleanly() throws Exception {
        Random random = new Random(20250101L);
        String valid = signer.sign(action, "alice@example.com", Intent.APPROVE, expiry);
        int rejected = 0;
        // every truncation of a valid token
        for (int i = 0; i < valid.length(); i++) {
            rejected += rejects(valid.substring(0, i));
            rejected += rejects(valid.substring(i + 1));
        }
        // random strings: base64url-ish, with dots, and arbitrary unicode, of any length up to past the limit
        String pool = ALPHABET + "....=+/ \n\t\u0000é漢\uD83D\uDE00%";
        for (int n = 0; n < 20_000; n++) {
            int length = random.nextInt(n % 100 == 0 ? 3000 : 300);
            StringBuilder s = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                s.append(random.nextInt(10) == 0 ? (char) random.nextInt(0x10000) : pool.charAt(random.nextInt(pool.length())));
            }
            rejected += rejects(s.toString());
        }
        // correctly signed but junk payloads: the parser behind the MAC must reject them cleanly too
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String kid = LinkSigner.keyId(SECRET);
        String[] fieldPool = { kid, action.toString(), "approve", "reject", "1893456000", "AAAAAAAAAAAAAAAAAAAAAA",
                "alice@example.com", "", "-1", "99999999999999999999", "not-a-uuid", "\u0000", "x".repeat(400) };
        for (int n = 0; n < 5_000; n++) {
            StringBuilder payload = new StringBuilder(kid);
            int fields = random.nextInt(9);
            for (int i = 0; i < fields; i++) {
                payload.append(random.nextInt(8) == 0 ? "\r" : "\n").append(fieldPool[random.nextInt(fieldPool.length)]);
            }
            byte[] bytes = payload.toString().getBytes(StandardCharsets.UTF_8);
            if (random.nextInt(10) == 0) {
                bytes[bytes.length - 1] = (byte) 0xC3; // a broken UTF-8 sequence
            }
            String token = b64.encodeToString(bytes) + "." + b64.encodeToString(mac.doFinal(bytes));
            try {
                signer.verify(token);
            } catch (LinkRejected e) {
                rejected++;
            } catch (RuntimeException e) {
                fail("signed junk payload " + payload + " threw " + e);
            }
        }
        assertTrue(rejected > 20_000, "fuzz inputs were rejected: " + rejected);
    }

    private int rejects(String token) {
        try {
            signer.verify(token);
            fail("verified a fuzzed token: " + token);
            return 0;
        } catch (LinkRejected e) {
            return 1;
        } catch (RuntimeException e) {
            fail("token " + token + " threw " + e);
            return 0;
        }
    }
}
