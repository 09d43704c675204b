package io.agentgate.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where {@link LoginThrottle} keeps failed logins: in memory on one instance ({@link MemoryLoginCounts}), in
 * PostgreSQL when several instances share the database ({@link SharedLoginCounts}), so N instances do not allow N
 * times the limit. Keys are an account (lower-case user) or a client address, each in its own {@link Kind}.
 */
interface LoginCounts {

    enum Kind {
        ACCOUNT, ADDRESS
    }

    /** Whether calls block on I/O (then callers on the event loop move them to a worker). */
    boolean blocking();

    /** When logins for this key are allowed again, if they are refused now. */
    Optional<Instant> lockedUntil(Kind kind, String key, Instant now);

    /**
     * Counts one failure in the window that started with the first counted one; at {@code max} the key is locked
     * for {@code lockout}. A failure while locked changes nothing. True when this failure started the lock.
     */
    boolean fail(Kind kind, String key, int max, Instant now, Duration window, Duration lockout);

    /** Forgets the key's failures (a successful login). */
    void clear(Kind kind, String key);
}
