package io.agentgate.approval;

import io.agentgate.gate.ActionStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * What a verified approval link says: who (approver) may do what (intent) to which action, until when. The token
 * is {@code base64url(payload) "." base64url(HMAC-SHA256(key, payload))}; see {@link LinkSigner}.
 *
 * @param keyId short hash of the secret that signed it (rotation)
 * @param nonce random, stored with the vote the link casts, so the link works once
 */
public record ApprovalLink(String keyId, UUID actionId, String approver, Intent intent, Instant expiry,
        String nonce) {

    /** What the link does when confirmed. */
    public enum Intent {
        APPROVE("approve", ActionStatus.APPROVED),
        REJECT("reject", ActionStatus.REJECTED);

        private final String word;
        private final ActionStatus decision;

        Intent(String word, ActionStatus decision) {
            this.word = word;
            this.decision = decision;
        }

        /** The word in the token and on the pages: approve or reject. */
        public String word() {
            return word;
        }

        public ActionStatus decision() {
            return decision;
        }

        static Intent ofWord(String word) {
            for (Intent i : values()) {
                if (i.word.equals(word)) {
                    return i;
                }
            }
            return null;
        }
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiry);
    }
}
