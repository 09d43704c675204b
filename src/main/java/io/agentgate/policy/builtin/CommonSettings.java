package io.agentgate.policy.builtin;

import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.RiskLevel;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.PolicyScope;
import io.agentgate.policy.Severity;
import io.agentgate.policy.Violation;
import java.util.List;
import java.util.Objects;

/**
 * What every built-in policy has: on/off, enforcement, severity and its scope (empty lists mean all agents /
 * all risk levels).
 */
public record CommonSettings(boolean enabled, Enforcement enforcement, Severity severity, List<String> agents,
        List<RiskLevel> riskLevels) {

    public CommonSettings {
        Objects.requireNonNull(enforcement, "enforcement");
        Objects.requireNonNull(severity, "severity");
        agents = agents == null ? List.of() : List.copyOf(agents);
        riskLevels = riskLevels == null ? List.of() : List.copyOf(riskLevels);
    }

    public static CommonSettings of(Enforcement enforcement, Severity severity) {
        return new CommonSettings(true, enforcement, severity, List.of(), List.of());
    }

    public CommonSettings withRiskLevels(List<RiskLevel> levels) {
        return new CommonSettings(enabled, enforcement, severity, agents, levels);
    }

    /** These settings with every non-null field of the override in place of ours. */
    public CommonSettings merge(BuiltinOverride override) {
        if (override == null) {
            return this;
        }
        return new CommonSettings(override.enabled() == null ? enabled : override.enabled(),
                override.enforcement() == null ? enforcement : override.enforcement(),
                override.severity() == null ? severity : override.severity(),
                override.agents() == null ? agents : override.agents(),
                override.riskLevels() == null ? riskLevels : override.riskLevels());
    }

    boolean appliesTo(AgentProfile agent) {
        return enabled && scope(List.of()).includes(agent);
    }

    PolicyScope scope(List<String> actions) {
        return new PolicyScope(agents, riskLevels, actions);
    }

    Violation violation(String policy, String reason) {
        return new Violation(policy, severity, enforcement, reason);
    }
}
