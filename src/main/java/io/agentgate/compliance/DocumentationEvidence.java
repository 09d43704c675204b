package io.agentgate.compliance;

import io.agentgate.compliance.ComplianceReport.Category;
import io.agentgate.compliance.ComplianceReport.Evidence;
import io.agentgate.compliance.ComplianceReport.Source;
import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.ApprovalSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** Art. 11: the agent's configuration is on record in the audit trail. */
@ApplicationScoped
class DocumentationEvidence implements ArticleEvidence {

    @Override
    public Article article() {
        return Article.ART_11;
    }

    @Override
    public List<Evidence> derive(ReportFacts f) {
        AgentProfile p = f.agent();
        Instant changed = f.trail().latestConfigAt();
        String fact = changed == null
                ? "no agent.created or agent.updated event in the audit trail; configuration now: " + configuration(p)
                : "configuration in the audit trail (last change " + Wording.time(changed) + "): " + configuration(p);
        return List.of(new Evidence(Source.DERIVED, changed != null, "Configuration on record", fact,
                "register or change the agent through the admin API or the governance file, so its configuration is "
                        + "in the audit trail", Category.POLICY_DEFINITION));
    }

    private static String configuration(AgentProfile p) {
        ApprovalSettings approval = p.approval();
        String limit = p.maxTransactionAmount() == null ? "none"
                : p.maxTransactionAmount().stripTrailingZeros().toPlainString();
        String approvalText = !approval.required() ? "off"
                : "required" + (approval.rule() == null ? " for every action" : " when " + approval.rule()) + " by "
                        + approval.approvers();
        return "capabilities " + p.capabilities().asSet() + ", max transaction amount " + limit + ", allowed actions "
                + (p.allowedActions() == null ? "any" : p.allowedActions()) + ", approval " + approvalText;
    }
}
