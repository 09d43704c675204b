package io.agentgate.gate;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Callbacks of terminal decisions to the agent's {@code callbackUrl}, prefix {@code agentgate.webhooks}. */
@ConfigMapping(prefix = "agentgate.webhooks")
public interface WebhookSettings {

    /** Allow callback URLs that resolve to loopback, link-local or private addresses (off: SSRF protection). */
    @WithDefault("false")
    boolean allowPrivate();

    /** How often the outbox is polled for callbacks that are due (behind the kick after each decision). */
    @WithDefault("5S")
    Duration pollInterval();

    /** Wait before the first retry; doubles with every further failure. */
    @WithDefault("10S")
    Duration initialBackoff();

    /** Longest wait between two attempts. */
    @WithDefault("1H")
    Duration maxBackoff();

    /** Attempts before a callback is given up as FAILED. */
    @WithDefault("12")
    int maxAttempts();

    /** Connect and response timeout of one attempt. */
    @WithDefault("10S")
    Duration timeout();

    /** How long a claimed row belongs to its sender; after that (a crashed sender) another may send it. */
    @WithDefault("2M")
    Duration lease();
}
