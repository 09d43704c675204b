package io.agentgate.observability;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Metric settings, prefix {@code agentgate.metrics}. */
@ConfigMapping(prefix = "agentgate.metrics")
public interface MetricsSettings {

    /**
     * Distinct {@code action} label values per agent on {@code ai_agent_actions_total}; actions beyond them (agents
     * choose action names) are counted under {@value ActionLabels#OTHER}, so no agent can grow the series without bound.
     */
    @WithDefault("50")
    int maxActionsPerAgent();
}
