package io.agentgate.compliance;

import io.agentgate.compliance.ComplianceReport.Category;
import io.agentgate.compliance.ComplianceReport.Evidence;
import io.agentgate.compliance.ComplianceReport.Source;
import io.agentgate.policy.Policy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Art. 13: people can tell which system acted, and every decision is explained. */
@ApplicationScoped
class TransparencyEvidence implements ArticleEvidence {

    @Override
    public Article article() {
        return Article.ART_13;
    }

    @Override
    public List<Evidence> derive(ReportFacts f) {
        String display = f.agent().displayName();
        boolean named = display != null && !display.isBlank();
        Evidence identifiable = new Evidence(Source.DERIVED, named, "Agent identifiable", named
                ? "registered as \"" + display + "\" (" + f.agent().name() + ")"
                : "no displayName: people see only the id " + f.agent().name(),
                "give the agent a displayName that says which system it is (PUT /api/v1/agents/" + f.agent().name()
                        + ")", Category.POLICY_DEFINITION);
        List<String> undescribed = f.applying().stream()
                .filter(p -> p.description() == null || p.description().isBlank()).map(Policy::name).toList();
        Evidence explained = new Evidence(Source.DERIVED, undescribed.isEmpty(), "Decisions are explained",
                undescribed.isEmpty()
                        ? "every decision names the policies that objected, with a reason; the " + f.applying().size()
                                + " policies that apply each have a description"
                        : "policies without a description: " + String.join(", ", undescribed),
                "describe these policies in the governance file", Category.POLICY_DEFINITION);
        return List.of(identifiable, explained);
    }
}
