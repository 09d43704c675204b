package io.agentgate.policy.builtin;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The system UTC clock, unless the application provides its own {@link Clock} bean (tests move theirs). */
@Singleton
public class DefaultClock {

    @Produces
    @DefaultBean
    @Singleton
    Clock systemClock() {
        return Clock.systemUTC();
    }
}
