package io.agentgate.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HoldsTest {

    @Test
    void concurrentTakersNeverPassALimitAndEveryReleaseCountsOnce() throws Exception {
        AtomicInteger refused = new AtomicInteger();
        Holds holds = new Holds("held polls", "agent", 10, 25, 5, limit -> refused.incrementAndGet());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        ConcurrentLinkedQueue<Holds.Slot> taken = new ConcurrentLinkedQueue<>();
        AtomicInteger maxSeen = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            String owner = "agent-" + (t % 4);
            runs.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 2000; i++) {
                    try {
                        Holds.Slot slot = holds.take(owner);
                        maxSeen.accumulateAndGet(holds.held(), Math::max);
                        assertTrue(holds.heldBy(owner) <= 10);
                        if (i % 3 == 0) {
                            taken.add(slot);
                        } else {
                            slot.release();
                            slot.release(); // a second exit path: no effect
                        }
                    } catch (TooBusy busy) {
                        Holds.Slot some = taken.poll();
                        if (some != null) {
                            some.release();
                        }
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (var run : runs) {
            run.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue(maxSeen.get() <= 25, "never above the total: " + maxSeen.get());
        assertTrue(refused.get() > 0, "the limits were reached");
        taken.forEach(Holds.Slot::release);
        assertEquals(0, holds.held());
        for (int t = 0; t < 4; t++) {
            assertEquals(0, holds.heldBy("agent-" + t));
        }
    }

    @Test
    void theRefusalSaysWhichLimitAndWhenToRetry() {
        Holds holds = new Holds("held polls", "agent", 1, 2, 7, limit -> { });
        holds.take("a");
        TooBusy perAgent = assertThrows(TooBusy.class, () -> holds.take("a"));
        assertEquals("agent", perAgent.extensions().get("limit"));
        assertEquals(429, perAgent.status());
        assertEquals(7, perAgent.retryAfterSeconds());
        holds.take("b");
        TooBusy total = assertThrows(TooBusy.class, () -> holds.take("c"));
        assertEquals("total", total.extensions().get("limit"));
    }

    @Test
    void defaultsComeFromTheOpenFilesLimitAndTheHeap() {
        // ulimit -n 20000 and 1 GiB of heap: the files bound
        assertEquals(14_232, HoldLimits.connectionBudget(1L << 30, 20_000));
        // a small heap bounds it instead: 256 MiB / 4 / 16 KiB
        assertEquals(4_096, HoldLimits.connectionBudget(256L << 20, 1_000_000));
        // never below 64
        assertEquals(64, HoldLimits.connectionBudget(1L << 20, 1_100));
    }
}
