package io.agentgate.compliance;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Compliance reporting, prefix {@code agentgate.compliance}. */
@ConfigMapping(prefix = "agentgate.compliance")
public interface ComplianceConfig {

    /**
     * How often the audit chain is verified in the background for the reports (a duration such as {@code 15m}, or
     * {@code off}). A report that finds the last verification older than this starts a new one in the background.
     */
    @WithDefault("15m")
    String verifyInterval();
}
