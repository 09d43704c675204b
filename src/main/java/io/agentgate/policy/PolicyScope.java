package io.agentgate.policy;

import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.RiskLevel;
import java.util.List;

/**
 * Which agents and actions a policy looks at. An empty list means "all". An agent is in scope when it is named
 * in {@code agents} (or the list is empty) and its risk level is in {@code riskLevels} (or the list is empty).
 * {@code actions} is descriptive: each policy applies its own action list in {@code check}.
 */
public record PolicyScope(List<String> agents, List<RiskLevel> riskLevels, List<String> actions) {

    public static final PolicyScope ALL = new PolicyScope(List.of(), List.of(), List.of());

    public PolicyScope {
        agents = agents == null ? List.of() : List.copyOf(agents);
        riskLevels = riskLevels == null ? List.of() : List.copyOf(riskLevels);
        actions = actions == null ? List.of() : List.copyOf(actions);
    }

    public boolean includes(AgentProfile agent) {
        return (agents.isEmpty() || agents.contains(agent.name()))
                && (riskLevels.isEmpty() || riskLevels.contains(agent.riskLevel()));
    }
}
