package io.agentgate.common;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Places for requests held open (long-polls, MCP calls, live streams), counted per owner (an agent, a login session)
 * and in total. A place is taken atomically before the request starts waiting and released exactly once, on whichever
 * exit comes first (answer, timeout, client gone, error).
 */
public final class Holds {

    /** A taken place; {@link #release()} may be called on every exit path, only the first counts. */
    public final class Slot {

        private final Object owner;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(Object owner) {
            this.owner = owner;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                byOwner.computeIfPresent(owner, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
                held.decrementAndGet();
            }
        }
    }

    private final String kind;
    private final String ownerWord;
    private final int perOwner;
    private final int total;
    private final long retryAfterSeconds;
    private final Consumer<String> rejected;
    private final ConcurrentHashMap<Object, AtomicInteger> byOwner = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();

    /**
     * @param kind what is held, in words ("held polls")
     * @param ownerWord who owns one ("agent", "session")
     * @param rejected told "total" or {@code ownerWord} on each refusal (a metric)
     */
    public Holds(String kind, String ownerWord, int perOwner, int total, long retryAfterSeconds,
            Consumer<String> rejected) {
        this.kind = kind;
        this.ownerWord = ownerWord;
        this.perOwner = Math.max(1, perOwner);
        this.total = Math.max(1, total);
        this.retryAfterSeconds = retryAfterSeconds;
        this.rejected = rejected;
    }

    /** Takes a place for {@code owner}, or throws {@link TooBusy} when its limit or the total is reached. */
    public Slot take(Object owner) {
        int now;
        do {
            now = held.get();
            if (now >= total) {
                rejected.accept("total");
                throw new TooBusy(kind, "total", total, retryAfterSeconds);
            }
        } while (!held.compareAndSet(now, now + 1));
        boolean[] taken = {false};
        byOwner.compute(owner, (k, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            if (count.get() < perOwner) {
                count.incrementAndGet();
                taken[0] = true;
            }
            return count.get() == 0 ? null : count;
        });
        if (!taken[0]) {
            held.decrementAndGet();
            rejected.accept(ownerWord);
            throw new TooBusy(kind, ownerWord, perOwner, retryAfterSeconds);
        }
        return new Slot(owner);
    }

    /** Places held now, in total. */
    public int held() {
        return held.get();
    }

    /** Places held now by one owner. */
    public int heldBy(Object owner) {
        AtomicInteger n = byOwner.get(owner);
        return n == null ? 0 : n.get();
    }

    public int perOwner() {
        return perOwner;
    }

    public int total() {
        return total;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
