package io.agentgate;

import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The service's clock in tests: the system clock unless a test pins it to an instant. */
@Singleton
public class TestClock extends Clock {

    private volatile Instant pinned;
    private volatile Duration offset = Duration.ZERO;

    public void pin(Instant instant) {
        pinned = instant;
    }

    public void release() {
        pinned = null;
        offset = Duration.ZERO;
    }

    /** Lets time run, but as if it were {@code at} now (e.g. a Saturday night); {@link #release()} undoes it. */
    public void runFrom(Instant at) {
        offset = Duration.between(Instant.now(), at);
    }

    @Override
    public Instant instant() {
        Instant p = pinned;
        return p != null ? p : Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** The same (pinnable) time seen in another zone. */
    @Override
    public Clock withZone(ZoneId zone) {
        TestClock self = this;
        return new Clock() {
            @Override
            public Instant instant() {
                return self.instant();
            }

            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return self.withZone(other);
            }
        };
    }
}
