package io.agentgate.audit;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.crypto.Mac;

/**
 * One walk along the chain, event by event in chain order: positions follow each other, each event links to its
 * predecessor's hash, and its own hash matches its content under the key it names. Events chained before the audit
 * key existed (no key id, plain SHA-256) may only form the start of the chain, and keyed events may follow them
 * only through the {@link AuditLog#KEYED} marker: an unkeyed event anywhere else was rewritten without the key.
 * Events under a key that is not configured are counted as unverifiable and the walk goes on.
 */
final class ChainCheck {

    /** Unverifiable events of one key: the first and last position and how many. */
    private static final class Span {
        final long first;
        final UUID firstEventId;
        long last;
        long count;

        Span(AuditEvent e) {
            first = e.seq;
            firstEventId = e.eventId;
        }
    }

    private final AuditKeys keys;
    private final Optional<Long> lastUnkeyedSeq;
    private final Map<String, Mac> macs = new HashMap<>();
    private final Map<String, Span> unknown = new LinkedHashMap<>();
    private long expectedSeq = 1;
    private String expectedPrev = AuditHash.GENESIS;
    private Long checkpointSeq;
    private Long unkeyedUpTo;
    private boolean keyedSeen;
    private long checked;

    ChainCheck(AuditKeys keys, Optional<Long> lastUnkeyedSeq) {
        this.keys = keys;
        this.lastUnkeyedSeq = lastUnkeyedSeq;
    }

    /** Starts after a retention checkpoint instead of at the genesis; a failure when its signature does not hold. */
    AuditTrail.Verification startAfter(AuditCheckpoint c, String legacySignature) {
        checkpointSeq = c.upToSeq;
        if (c.keyId != null && keys.byId(c.keyId).isEmpty()) {
            return new AuditTrail.Verification(false, 0, c.upToSeq, null, "retention checkpoint " + c.id
                    + " is signed with audit key " + c.keyId + ", which is not configured (agentgate.audit.key or"
                    + " agentgate.audit.previous-keys): the chain after it cannot be verified", c.upToSeq, null, null);
        }
        String expected = c.keyId == null ? legacySignature : keys.byId(c.keyId).orElseThrow().sign(c.signedText());
        if (!AuditHash.same(expected, c.signature)) {
            return new AuditTrail.Verification(false, 0, c.upToSeq, null,
                    "retention checkpoint " + c.id + " has a bad signature: it was altered", c.upToSeq, null, null);
        }
        expectedSeq = c.upToSeq + 1;
        expectedPrev = c.lastHash;
        return null;
    }

    /** Checks the next event; a failure at the first break, else null. */
    AuditTrail.Verification next(AuditEvent e) {
        if (e.seq != expectedSeq) {
            return broken(e, e.seq > expectedSeq
                    ? "events " + expectedSeq + (e.seq - 1 > expectedSeq ? ".." + (e.seq - 1) : "")
                            + " are missing: deleted"
                    : "position " + e.seq + " appears out of order");
        }
        if (!expectedPrev.equals(e.prevHash)) {
            return broken(e, "previous-hash link does not match event " + (e.seq - 1)
                    + ": an earlier event was deleted, replaced or reordered");
        }
        if (e.keyId == null) {
            if (keyedSeen) {
                return broken(e, "the event is unkeyed but follows keyed events: it was rewritten without the audit"
                        + " key");
            }
            if (lastUnkeyedSeq.isPresent() && e.seq > lastUnkeyedSeq.get()) {
                return broken(e, "the event is unkeyed but agentgate.audit.last-unkeyed-seq is " + lastUnkeyedSeq.get()
                        + ": it was rewritten without the audit key");
            }
            if (!AuditHash.same(AuditHash.unkeyed(e), e.hash)) {
                return broken(e, "content does not match its hash: the event was edited");
            }
            unkeyedUpTo = e.seq;
        } else {
            if (!keyedSeen && unkeyedUpTo != null && !AuditLog.KEYED.equals(e.type)) {
                return broken(e, "keyed events follow unkeyed ones without the " + AuditLog.KEYED + " marker: the"
                        + " events before were rewritten without the audit key");
            }
            keyedSeen = true;
            Mac mac = mac(e.keyId);
            if (mac == null) {
                Span span = unknown.computeIfAbsent(e.keyId, id -> new Span(e));
                span.last = e.seq;
                span.count++;
            } else if (!AuditHash.same(AuditHash.keyed(mac, e), e.hash)) {
                // also what an edit whose hashes were recomputed without the key (plain SHA-256) looks like
                return broken(e, "content does not match its hash: the event was edited");
            }
        }
        checked++;
        expectedSeq++;
        expectedPrev = e.hash;
        return null;
    }

    /** The outcome once every event up to the head was checked. */
    AuditTrail.Verification end(AuditChainHead head) {
        long last = expectedSeq - 1;
        if (head.seq != last || !head.hash.equals(expectedPrev)) {
            return new AuditTrail.Verification(false, checked, last + 1, null, "the chain ends at event " + last
                    + " but its head records event " + head.seq + ": the latest events were deleted or replaced",
                    checkpointSeq, unkeyedUpTo, null);
        }
        if (unknown.isEmpty()) {
            return new AuditTrail.Verification(true, checked, null, null, null, checkpointSeq, unkeyedUpTo, null);
        }
        long unverifiable = unknown.values().stream().mapToLong(s -> s.count).sum();
        Span first = unknown.values().iterator().next();
        String spans = unknown.entrySet().stream().map(u -> "events " + u.getValue().first + ".." + u.getValue().last
                + " (" + u.getValue().count + ") under key " + u.getKey()).collect(Collectors.joining(", "));
        return new AuditTrail.Verification(false, checked, first.first, first.firstEventId, "cannot be verified: "
                + spans + ", a key that is neither agentgate.audit.key nor in agentgate.audit.previous-keys (put it"
                + " back in previous-keys); the other " + (checked - unverifiable) + " events verify", checkpointSeq,
                unkeyedUpTo, unverifiable);
    }

    private Mac mac(String keyId) {
        return macs.computeIfAbsent(keyId, id -> keys.byId(id).map(AuditKeys.Key::mac).orElse(null));
    }

    private AuditTrail.Verification broken(AuditEvent e, String reason) {
        return new AuditTrail.Verification(false, checked, e.seq, e.eventId, reason, checkpointSeq, unkeyedUpTo,
                null);
    }
}
