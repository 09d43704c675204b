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
     * The key's count after one more attempt: its failures in the window (this one included, never more than
     * {@code max + 1}) and the end of its lock, if it is locked.
     */
    record Count(int failures, Instant lockedUntil) {

        /** Whether the attempt this count took is within the limit (the password may be checked). */
        boolean admitted(int max) {
            return failures <= max;
        }
    }

    /**
     * Counts one attempt as a failure, atomically, in the window that started with the first counted one; the count
     * that reaches {@code max} locks the key for {@code lockout}, and attempts beyond it are counted as refused
     * ({@code max + 1}). A login's attempt is counted before its password is checked and cleared if it succeeds, so
     * parallel guesses cannot all pass the check before one is counted.
     */
    Count fail(Kind kind, String key, int max, Instant now, Duration window, Duration lockout);

    /** Forgets the key's failures (a successful login). */
    void clear(Kind kind, String key);
}
