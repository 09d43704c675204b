package io.agentgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import org.junit.jupiter.api.Test;

/** Where unkeyed events may stand in the chain, checked on events built in memory. */
class ChainCheckTest {

    static final AuditKeys KEYS = new AuditKeys("k".repeat(32), List.of());

    /** Chains events of these types; a type starting with '-' is unkeyed (plain SHA-256). */
    static List<AuditEvent> chain(String... types) {
        List<AuditEvent> events = new ArrayList<>();
        Mac mac = KEYS.current().mac();
        String prev = AuditHash.GENESIS;
        for (int i = 0; i < types.length; i++) {
            AuditEvent e = new AuditEvent();
            e.eventId = UUID.randomUUID();
            e.occurredAt = Instant.parse("2026-12-07T10:00:00Z").plusSeconds(i);
            e.actor = "test";
            e.details = "{}";
            e.seq = i + 1L;
            e.prevHash = prev;
            boolean unkeyed = types[i].startsWith("-");
            e.type = unkeyed ? types[i].substring(1) : types[i];
            e.keyId = unkeyed ? null : KEYS.current().id();
            e.hash = unkeyed ? AuditHash.unkeyed(e) : AuditHash.keyed(mac, e);
            prev = e.hash;
            events.add(e);
        }
        return events;
    }

    static AuditTrail.Verification walk(List<AuditEvent> events, Optional<Long> pin) {
        ChainCheck check = new ChainCheck(KEYS, pin);
        for (AuditEvent e : events) {
            AuditTrail.Verification broken = check.next(e);
            if (broken != null) {
                return broken;
            }
        }
        AuditChainHead head = new AuditChainHead();
        head.seq = events.size();
        head.hash = events.isEmpty() ? AuditHash.GENESIS : events.get(events.size() - 1).hash;
        return check.end(head);
    }

    @Test
    void anUnkeyedPrefixThenTheMarkerThenKeyedEventsVerify() {
        AuditTrail.Verification v = walk(chain("-a", "-b", AuditLog.KEYED, "c", "d"), Optional.empty());
        assertTrue(v.valid(), v.toString());
        assertEquals(2L, v.unkeyedUpToSeq());
        assertTrue(walk(chain("a", "b"), Optional.of(0L)).valid(), "a chain keyed from the start");
    }

    @Test
    void keyedEventsAfterUnkeyedOnesWithoutTheMarkerAreRefused() {
        // an unkeyed rewrite of a keyed chain's start, followed by what the application appended after it
        AuditTrail.Verification v = walk(chain("-a", "-b", "c"), Optional.empty());
        assertFalse(v.valid());
        assertEquals(3L, v.brokenAtSeq());
        assertTrue(v.reason().contains(AuditLog.KEYED + " marker"), v.reason());
    }

    @Test
    void anUnkeyedEventAfterKeyedOnesIsRefused() {
        AuditTrail.Verification v = walk(chain("a", "-b"), Optional.empty());
        assertFalse(v.valid());
        assertEquals(2L, v.brokenAtSeq());
        assertTrue(v.reason().contains("unkeyed but follows keyed events"), v.reason());
    }

    @Test
    void unkeyedEventsPastThePinnedBoundaryAreRefused() {
        assertTrue(walk(chain("-a", "-b", AuditLog.KEYED), Optional.of(2L)).valid());
        AuditTrail.Verification v = walk(chain("-a", "-b", "-c"), Optional.of(2L));
        assertFalse(v.valid());
        assertEquals(3L, v.brokenAtSeq());
        assertNull(v.unverifiable());
    }
}
