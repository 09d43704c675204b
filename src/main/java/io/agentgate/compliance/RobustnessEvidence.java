package io.agentgate.compliance;

import io.agentgate.compliance.ComplianceReport.Category;
import io.agentgate.compliance.ComplianceReport.Evidence;
import io.agentgate.compliance.ComplianceReport.Source;
import io.agentgate.agent.AgentProfile;
import io.agentgate.policy.Policy;
import io.agentgate.policy.builtin.CapabilityPolicy;
import io.agentgate.policy.builtin.ToolAccessPolicy;
import io.agentgate.policy.builtin.TransactionLimitPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Art. 15: capability limits, a transaction limit where money moves, and violations on record. */
@ApplicationScoped
class RobustnessEvidence implements ArticleEvidence {

    @Override
    public Article article() {
        return Article.ART_15;
    }

    @Override
    public List<Evidence> derive(ReportFacts f) {
        List<Evidence> out = new ArrayList<>();
        out.add(capabilityLimits(f));
        if (f.agent().capabilities().financialTransactions()) {
            out.add(transactionLimit(f));
        }
        out.add(violations(f));
        return out;
    }

    private static Evidence capabilityLimits(ReportFacts f) {
        AgentProfile p = f.agent();
        Optional<Policy> capability = f.applying(CapabilityPolicy.NAME);
        Optional<Policy> toolAccess = f.applying(ToolAccessPolicy.NAME);
        String tools = toolAccess.map(x -> "active with an allow list of " + p.allowedActions().size() + " actions")
                .orElse(p.allowedActions() == null ? "not active: no allowedActions list" : "disabled");
        String fact = "capability policy " + capability.map(x -> "active (" + x.enforcement().json() + ")")
                .orElse("not active") + ", capabilities " + p.capabilities().asSet() + "; tool-access " + tools;
        return new Evidence(Source.DERIVED, capability.isPresent() || toolAccess.isPresent(), "Capability limits",
                fact, "enable the capability policy for this agent, or give it an allowedActions list",
                Category.TECHNICAL_CONTROLS);
    }

    private static Evidence transactionLimit(ReportFacts f) {
        AgentProfile p = f.agent();
        Optional<Policy> limit = f.applying(TransactionLimitPolicy.NAME);
        String amount = p.maxTransactionAmount() == null ? "not set"
                : p.maxTransactionAmount().stripTrailingZeros().toPlainString();
        return new Evidence(Source.DERIVED, p.maxTransactionAmount() != null && limit.isPresent(), "Transaction limit",
                "financial transactions allowed; maxTransactionAmount " + amount + ", transaction-limit "
                        + (limit.isPresent() ? "active" : "not active"),
                "set maxTransactionAmount on the agent and keep transaction-limit enabled",
                Category.TECHNICAL_CONTROLS);
    }

    private static Evidence violations(ReportFacts f) {
        long total = f.violations().values().stream().mapToLong(Long::longValue).sum();
        String fact = total == 0 ? "no violations recorded for this agent (every one would be stored with its action)"
                : total + " violations recorded: " + f.violations().entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        return new Evidence(Source.DERIVED, true, "Violations tracked", fact, null, Category.MONITORING);
    }
}
