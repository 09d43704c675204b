package io.agentgate.compliance;

import io.agentgate.agent.Agent;
import io.agentgate.agent.RiskLevel;
import io.agentgate.common.AgentGateConfig;
import io.agentgate.compliance.ComplianceReport.Category;
import io.agentgate.compliance.ComplianceReport.Evidence;
import io.agentgate.compliance.ComplianceReport.Source;
import io.agentgate.policy.Policy;
import io.agentgate.policy.PolicyEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The installation's governance checklist: one item per question, across every agent's report. */
@ApplicationScoped
class GovernanceChecklist {

    @Inject
    PolicyEngine policies;

    @Inject
    AgentGateConfig config;

    @Inject
    AuditChainStatus chain;

    Checklist build(List<Agent> all, List<ComplianceReport> reports, Instant now) {
        List<Agent> highRisk = all.stream().filter(a -> a.riskLevel.atLeast(RiskLevel.HIGH)).toList();
        Checklist.Builder items = new Checklist.Builder();
        riskAssessment(items, all, highRisk, reports);
        policyDefinition(items);
        technicalControls(items, highRisk, reports);
        monitoring(items, highRisk, now);
        compliance(items, reports);
        List<Checklist.AgentSummary> summaries = reports.stream().map(r -> new Checklist.AgentSummary(r.agent(),
                r.riskLevel(), r.complianceScore(), r.compliant(), r.recordUpdatedAt() != null)).toList();
        return Checklist.of(null, null, now, items.sections(), summaries);
    }

    private static void riskAssessment(Checklist.Builder items, List<Agent> all, List<Agent> highRisk,
            List<ComplianceReport> reports) {
        Map<RiskLevel, Long> byLevel = all.stream().collect(Collectors.groupingBy(a -> a.riskLevel,
                () -> new EnumMap<>(RiskLevel.class), Collectors.counting()));
        String levels = all.isEmpty() ? "no agents registered" : all.size() + " agents: " + byLevel.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
        items.add(Category.RISK_ASSESSMENT, "Every agent is classified by risk", true, Source.DERIVED, levels, null);
        List<String> unassessed = highRiskWithout(reports, Article.ART_9, ComplianceService.DECLARED_ITEM);
        items.add(Category.RISK_ASSESSMENT, "Every HIGH or CRITICAL agent has a documented risk assessment (Art. 9)",
                unassessed.isEmpty(), Source.DECLARED, coverage(highRisk, unassessed,
                        highRisk.size() + " of " + highRisk.size() + " declared", "missing for "),
                "declare each one's risk assessment in its compliance record");
    }

    private void policyDefinition(Checklist.Builder items) {
        List<Policy> inEffect = policies.policies();
        long declarative = policies.describe().stream().filter(p -> !p.builtIn()).count();
        String list = inEffect.stream().map(p -> p.name() + " [" + p.enforcement().json() + "]")
                .collect(Collectors.joining(", "));
        items.add(Category.POLICY_DEFINITION, "Policies are defined as code", !inEffect.isEmpty(), Source.DERIVED,
                inEffect.size() + " policies in effect (" + (inEffect.size() - declarative) + " built-in, "
                        + declarative + " declarative): " + list, null);
        List<String> undescribed = inEffect.stream().filter(p -> p.description() == null || p.description().isBlank())
                .map(Policy::name).toList();
        items.add(Category.POLICY_DEFINITION, "Every policy says what it is for", undescribed.isEmpty(),
                Source.DERIVED, undescribed.isEmpty() ? "all " + inEffect.size() + " policies have a description"
                        : "no description: " + String.join(", ", undescribed),
                "add a description to these policies in the governance file");
    }

    private void technicalControls(Checklist.Builder items, List<Agent> highRisk, List<ComplianceReport> reports) {
        List<String> ungated = highRiskWithout(reports, Article.ART_14, HumanOversightEvidence.APPROVAL_GATE_ITEM);
        items.add(Category.TECHNICAL_CONTROLS, "Every HIGH or CRITICAL agent has an approval gate (Art. 14)",
                ungated.isEmpty(), Source.DERIVED, coverage(highRisk, ungated,
                        "all " + highRisk.size() + " have one", "no approval gate: "),
                "set approval.required with approvers on these agents");
        boolean admin = config.adminToken().filter(t -> !t.isBlank()).isPresent();
        items.add(Category.TECHNICAL_CONTROLS, "People can stop pending actions", admin, Source.DERIVED, admin
                ? "admin token configured: POST /api/v1/actions/{id}/decision can reject any pending action; "
                        + "undecided actions time out and fail closed"
                : "no admin token: only approvers' links can reject", "set agentgate.admin-token");
    }

    private void monitoring(Checklist.Builder items, List<Agent> highRisk, Instant now) {
        Evidence chained = RecordKeepingEvidence.chain(chain.latest(), now);
        items.add(Category.MONITORING, chained.item(), chained.ok(), Source.DERIVED, chained.fact(), chained.remedy());
        Duration retention = config.audit().retention();
        boolean retentionOk = highRisk.stream().noneMatch(a -> RecordKeepingMinimum.appliesTo(a.riskLevel))
                || RecordKeepingMinimum.satisfiedBy(retention);
        String need = highRisk.isEmpty() ? "no HIGH or CRITICAL agents" : highRisk.size()
                + " HIGH or CRITICAL agents need at least " + RecordKeepingMinimum.HIGH_RISK_MINIMUM.toDays();
        items.add(Category.MONITORING, "Audit retention long enough (Art. 12, 19)", retentionOk, Source.DERIVED,
                "agentgate.audit.retention is " + retention.toDays() + " days; " + need,
                "raise agentgate.audit.retention to at least 180d");
    }

    private static void compliance(Checklist.Builder items, List<ComplianceReport> reports) {
        List<ComplianceReport> failing = reports.stream().filter(r -> !r.compliant()).toList();
        String fact = (reports.size() - failing.size()) + " of " + reports.size() + " agents compliant"
                + (failing.isEmpty() ? "" : "; not: " + failing.stream()
                        .map(r -> r.agent() + " (" + r.complianceScore() + ")").collect(Collectors.joining(", ")));
        items.add(Category.COMPLIANCE, "Every agent's EU AI Act report passes", failing.isEmpty(), Source.DERIVED,
                fact, "open each agent's report and close its gaps");
    }

    /** HIGH or CRITICAL agents whose report lacks the item under the article. */
    private static List<String> highRiskWithout(List<ComplianceReport> reports, Article article, String item) {
        return reports.stream().filter(r -> r.riskLevel().atLeast(RiskLevel.HIGH) && !holds(r, article, item))
                .map(ComplianceReport::agent).toList();
    }

    static boolean holds(ComplianceReport report, Article article, String item) {
        return report.checks().get(article.key).evidence().stream().filter(e -> e.item().equals(item))
                .allMatch(Evidence::ok);
    }

    /** What holds for the HIGH and CRITICAL agents: {@code done} when all are covered, else who is missing. */
    private static String coverage(List<Agent> highRisk, List<String> missing, String done, String missingPrefix) {
        if (highRisk.isEmpty()) {
            return "no HIGH or CRITICAL agents";
        }
        return missing.isEmpty() ? done : missingPrefix + String.join(", ", missing);
    }
}
