package io.agentgate.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An agent as the admin API shows it; {@code apiKey} and {@code webhookSecret} only right after creation or rotation,
 * {@code warnings} (approvers who cannot vote, possibly none) only in the answer to a create or change.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentView(String name, String displayName, RiskLevel riskLevel, Capabilities capabilities,
        BigDecimal maxTransactionAmount, List<String> allowedActions, ApprovalSettings approval, String apiKeyId,
        Instant createdAt, Instant updatedAt, String apiKey, String webhookSecret,
        List<ApproverCheck.ApproverWarning> warnings) {

    static AgentView of(Agent agent, String apiKey) {
        AgentProfile p = agent.profile();
        return new AgentView(p.name(), p.displayName(), p.riskLevel(), p.capabilities(),
                p.maxTransactionAmount() == null ? null : p.maxTransactionAmount().stripTrailingZeros(),
                p.allowedActions(), p.approval(), agent.apiKeyId, agent.createdAt, agent.updatedAt, apiKey,
                apiKey == null ? null : agent.webhookSecret, null);
    }

    AgentView withWarnings(List<ApproverCheck.ApproverWarning> list) {
        return new AgentView(name, displayName, riskLevel, capabilities, maxTransactionAmount, allowedActions, approval,
                apiKeyId, createdAt, updatedAt, apiKey, webhookSecret, List.copyOf(list));
    }
}
