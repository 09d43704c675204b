package io.agentgate.agent;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * An immutable snapshot of a registered agent: what the policy engine and the gate need to know.
 *
 * @param maxTransactionAmount null means no limit
 * @param allowedActions       null means no allow list (every action passes tool-access)
 */
public record AgentProfile(UUID id, String name, String displayName, RiskLevel riskLevel, Capabilities capabilities,
        BigDecimal maxTransactionAmount, List<String> allowedActions, ApprovalSettings approval) {
}
