package io.agentgate.agent;

import java.util.List;

/**
 * When an agent's actions need a human decision.
 *
 * @param required          approval is on for this agent
 * @param rule              expression over {@code action}, {@code context}, {@code agent}; null means every action
 * @param approvers         emails of the people who decide
 * @param requiredApprovals distinct approvals needed (quorum)
 * @param timeoutSeconds    how long an action stays pending; null means the configured default
 */
public record ApprovalSettings(boolean required, String rule, List<String> approvers, int requiredApprovals,
        Integer timeoutSeconds) {

    public static final ApprovalSettings NONE = new ApprovalSettings(false, null, List.of(), 1, null);
}
