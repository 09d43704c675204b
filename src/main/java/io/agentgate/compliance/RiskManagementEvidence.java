package io.agentgate.compliance;

import io.agentgate.compliance.ComplianceReport.Category;
import io.agentgate.compliance.ComplianceReport.Evidence;
import io.agentgate.compliance.ComplianceReport.Source;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Policy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Art. 9: the agent is classified and deny or review policies control its risks. */
@ApplicationScoped
class RiskManagementEvidence implements ArticleEvidence {

    @Override
    public Article article() {
        return Article.ART_9;
    }

    @Override
    public List<Evidence> derive(ReportFacts f) {
        Evidence classified = new Evidence(Source.DERIVED, true, "Risk level classified", "classified "
                + f.agent().riskLevel() + " in its registration", null, Category.RISK_ASSESSMENT);
        List<Policy> controls = f.applying().stream()
                .filter(p -> p.enforcement() == Enforcement.DENY || p.enforcement() == Enforcement.REVIEW).toList();
        Evidence controlled = new Evidence(Source.DERIVED, !controls.isEmpty(), "Risk controls in force",
                controls.isEmpty() ? "no deny or review policy applies to this agent"
                        : controls.size() + " deny or review policies apply: " + Wording.names(controls),
                "scope deny or review policies to this agent (built-ins in application.properties or the governance "
                        + "file)", Category.POLICY_DEFINITION);
        return List.of(classified, controlled);
    }
}
