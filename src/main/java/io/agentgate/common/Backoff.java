package io.agentgate.common;

import java.time.Duration;

/** Exponential backoff between attempts of an outbox delivery. */
public final class Backoff {

    private Backoff() {
    }

    /** {@code initial * 2^(attempts-1)}, at most {@code max}. */
    public static Duration after(int attempts, Duration initial, Duration max) {
        int doublings = Math.max(0, Math.min(attempts - 1, 30));
        Duration wait = initial.multipliedBy(1L << doublings);
        return wait.compareTo(max) > 0 || wait.isNegative() ? max : wait;
    }
}
