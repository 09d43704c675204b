package io.agentgate.compliance;

import io.agentgate.compliance.ComplianceReport.Category;
import io.agentgate.compliance.ComplianceReport.Evidence;
import io.agentgate.compliance.ComplianceReport.Source;
import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.ApprovalSettings;
import io.agentgate.agent.RiskLevel;
import io.agentgate.common.AgentGateConfig;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Policy;
import io.agentgate.policy.PolicyEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/** Art. 14: a person approves risky actions of high-risk agents, and people can always stop one. */
@ApplicationScoped
class HumanOversightEvidence implements ArticleEvidence {

    static final String APPROVAL_GATE_ITEM = "Approval gate";

    @Inject
    AgentGateConfig config;

    @Override
    public Article article() {
        return Article.ART_14;
    }

    @Override
    public List<Evidence> derive(ReportFacts f) {
        return List.of(approvalGate(f), override(f.agent()));
    }

    private static Evidence approvalGate(ReportFacts f) {
        AgentProfile p = f.agent();
        ApprovalSettings approval = p.approval();
        boolean high = p.riskLevel().atLeast(RiskLevel.HIGH);
        List<Policy> review = f.applying().stream()
                .filter(x -> x.enforcement() == Enforcement.REVIEW && !x.name().equals(PolicyEngine.APPROVAL_REQUIRED))
                .toList();
        boolean approvalGate = approval.required() && !approval.approvers().isEmpty();
        StringBuilder fact = new StringBuilder();
        if (approvalGate) {
            fact.append("approval required ").append(approval.rule() == null ? "for every action"
                    : "when " + approval.rule()).append(", by ").append(approval.approvers()).append(", quorum ")
                    .append(approval.requiredApprovals());
        } else if (approval.required()) {
            fact.append("approval required but no approvers listed");
        } else {
            fact.append("approval not required");
        }
        fact.append("; review policies that apply: ").append(review.isEmpty() ? "none" : Wording.names(review));
        if (!high) {
            fact.append(" (an approval gate is required for HIGH and CRITICAL agents, this one is ")
                    .append(p.riskLevel()).append(')');
        }
        boolean gated = approvalGate || !review.isEmpty();
        return new Evidence(Source.DERIVED, gated || !high, APPROVAL_GATE_ITEM, fact.toString(),
                "set approval.required=true with at least one approver (PUT /api/v1/agents/" + p.name()
                        + "), or scope a review policy to this agent in the governance file",
                Category.TECHNICAL_CONTROLS);
    }

    private Evidence override(AgentProfile p) {
        ApprovalSettings approval = p.approval();
        boolean admin = config.adminToken().filter(t -> !t.isBlank()).isPresent();
        Duration timeout = approval.timeoutSeconds() != null ? Duration.ofSeconds(approval.timeoutSeconds())
                : config.approval().defaultTimeout();
        String approvers = approval.approvers().isEmpty() ? "no approvers listed"
                : "each approver " + approval.approvers() + " can reject by signed link (any reject rejects)";
        String admins = admin ? "admins can reject or approve any pending action (POST /api/v1/actions/{id}/decision, "
                + "admin token configured)" : "no admin token configured";
        String timeoutSource = approval.timeoutSeconds() != null ? " (approval.timeoutSeconds)"
                : " (agentgate.approval.default-timeout)";
        String fact = approvers + "; " + admins + "; an undecided action fails closed as TIMED_OUT after "
                + Wording.age(timeout) + timeoutSource + "; the agent can cancel its own pending action";
        return new Evidence(Source.DERIVED, admin || !approval.approvers().isEmpty(), "People can override", fact,
                "set agentgate.admin-token or list approvers, so someone can stop a pending action",
                Category.TECHNICAL_CONTROLS);
    }
}
