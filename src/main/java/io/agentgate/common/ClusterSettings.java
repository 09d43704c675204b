package io.agentgate.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Running several instances on one PostgreSQL, prefix {@code agentgate.cluster}. */
@ConfigMapping(prefix = "agentgate.cluster")
public interface ClusterSettings {

    /**
     * {@code auto}: on with PostgreSQL, off with H2 (one instance); {@code on} / {@code off} force it. Off, every
     * instance keeps its own waiters, rate windows and login counts in memory and sends no notification.
     */
    @WithDefault("auto")
    String mode();

    /** PostgreSQL channel the instances LISTEN and NOTIFY on; one per installation sharing a server. */
    @WithDefault("agentgate_events")
    String channel();

    /** How often waiters and caches are re-read, covering notifications lost while the listener reconnected. */
    @WithDefault("1S")
    Duration resyncInterval();

    /** Longest pause between reconnect attempts of the listener (it starts at 100 ms and doubles). */
    @WithDefault("5S")
    Duration maxReconnectDelay();
}
