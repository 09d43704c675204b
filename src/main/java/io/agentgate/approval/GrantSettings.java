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
     * How often each instance re-reads the grants in force and their uses (grants given, used or revoked on another
     * instance; the guarded UPDATE that counts a writer batch's uses is what decides, so a stale instance only holds an
     * action a grant would pass, or runs a batch again).
     */
    @WithDefault("5S")
    Duration refreshInterval();
}
