package io.agentgate.policy.builtin;

import io.agentgate.agent.RiskLevel;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import java.util.List;

/**
 * Settings of a built-in policy replaced by the governance file ({@code builtins:} section); null fields keep
 * the configured value. {@code actions} is only accepted by policies that have an action list.
 */
public record BuiltinOverride(Boolean enabled, Enforcement enforcement, Severity severity, List<String> agents,
        List<RiskLevel> riskLevels, List<String> actions) {
}
