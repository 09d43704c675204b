package io.agentgate.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void timeOrderedIdsAreVersionSevenWithTheirMillisecondFirst() {
        long before = System.currentTimeMillis();
        UUID id = Ids.timeOrdered();
        long after = System.currentTimeMillis();
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        long millis = id.getMostSignificantBits() >>> 16;
        assertTrue(millis >= before && millis <= after, "timestamp " + millis + " within " + before + ".." + after);
        assertEquals(id, UUID.fromString(id.toString()));
    }

    @Test
    void idsOfLaterMillisecondsSortAfterEarlierOnesAndNeverRepeat() {
        UUID first = Ids.timeOrdered();
        UUID later;
        do {
            later = Ids.timeOrdered();
        } while (later.getMostSignificantBits() >>> 16 == first.getMostSignificantBits() >>> 16);
        assertTrue(first.toString().compareTo(later.toString()) < 0, first + " sorts before " + later);
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertTrue(seen.add(Ids.timeOrdered()), "no id repeats");
        }
    }
}
