package io.agentgate.approval;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Grants (standing approvals), prefix {@code agentgate.grants}. */
@ConfigMapping(prefix = "agentgate.grants")
public interface GrantSettings {

    /** The longest a grant may last; a longer {@code for} is refused. */
    @WithDefault("P7D")
    Duration maxDuration();

    /**
     * How often each instance re-reads the grants in force (grants given or revoked on another instance; the
     * conditional UPDATE of every use is what decides, so a stale instance only holds an action a grant would pass).
     */
    @WithDefault("5S")
    Duration refreshInterval();
}
