package io.agentgate.policy.pii;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 11, item 7: the phone scan is linear and bounded; past its budget it says so instead of running on. */
class PiiBudgetTest {

    private final PiiDetector detector = new PiiDetector("US");

    @Test
    void aHugeRunOfPhoneLikeTextEndsQuicklyOverBudget() {
        String hostile = "(555) ".repeat(150_000); // 900 KB
        detector.scan("call (415) 555-2671"); // libphonenumber's metadata loads once
        // CPU time of this thread, so other builds on the machine do not count (the reviewer measured 4-6 s)
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = threads.getCurrentThreadCpuTime();
        assertThrows(PiiScanBudgetExceeded.class, () -> detector.scan(hostile));
        long ms = (threads.getCurrentThreadCpuTime() - t0) / 1_000_000;
        assertTrue(ms < 1_500, ms + " ms of CPU");
    }

    @Test
    void workGrowsLinearlyBelowTheBudget() {
        String small = "ref (555) 12 ab ".repeat(5_000);
        String large = "ref (555) 12 ab ".repeat(20_000);
        detector.scan(small); // warm up
        long t0 = System.nanoTime();
        detector.scan(small);
        long smallNs = System.nanoTime() - t0;
        long t1 = System.nanoTime();
        detector.scan(large);
        long largeNs = System.nanoTime() - t1;
        assertTrue(largeNs < smallNs * 12 + 50_000_000L, "4x the text took " + largeNs / smallNs + "x the time");
    }

    @Test
    void aPhoneNumberInsideALongRunIsStillFound() {
        String text = "ref ".repeat(10) + "1 2 3 4 5 6 ".repeat(30) + " call +1 415-555-2671 " + "- - ".repeat(40);
        assertEquals(Set.of(PiiKind.PHONE_NUMBER), detector.scan(text));
        assertEquals(Set.of(PiiKind.PHONE_NUMBER), detector.scan("call me at (415) 555-2671 tomorrow"));
    }
}
