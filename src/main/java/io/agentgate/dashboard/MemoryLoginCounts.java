package io.agentgate.dashboard;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Failed logins of one instance, in memory; bounded, stale entries are dropped when it grows past the bound. */
@ApplicationScoped
class MemoryLoginCounts implements LoginCounts {

    private static final int MAX_TRACKED = 100_000;

    private final Map<Kind, Map<String, Attempts>> counts = Map.of(Kind.ACCOUNT, new ConcurrentHashMap<>(),
            Kind.ADDRESS, new ConcurrentHashMap<>());

    /** Failures in the current window and, once a limit is hit, when logins are allowed again. */
    private record Attempts(int failures, Instant windowStart, Instant lockedUntil) {

        boolean active(Instant now, Duration window) {
            return lockedUntil != null ? lockedUntil.isAfter(now) : windowStart.plus(window).isAfter(now);
        }
    }

    @Override
    public boolean blocking() {
        return false;
    }

    @Override
    public Optional<Instant> lockedUntil(Kind kind, String key, Instant now) {
        Attempts a = counts.get(kind).get(key);
        if (a == null || a.lockedUntil() == null || !a.lockedUntil().isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of(a.lockedUntil());
    }

    @Override
    public Count fail(Kind kind, String key, int max, Instant now, Duration window, Duration lockout) {
        Map<String, Attempts> map = counts.get(kind);
        if (map.size() > MAX_TRACKED) {
            map.values().removeIf(a -> !a.active(now, window));
        }
        // compute() runs under the map's lock for this key: concurrent attempts are counted one after another
        Attempts after = map.compute(key, (k, a) -> {
            if (a == null || !a.active(now, window)) {
                a = new Attempts(0, now, null);
            }
            int failures = Math.min(a.failures(), max) + 1;
            Instant locked = a.lockedUntil() != null ? a.lockedUntil() : failures >= max ? now.plus(lockout) : null;
            return new Attempts(failures, a.windowStart(), locked);
        });
        return new Count(after.failures(), after.lockedUntil());
    }

    @Override
    public void clear(Kind kind, String key) {
        counts.get(kind).remove(key);
    }
}
