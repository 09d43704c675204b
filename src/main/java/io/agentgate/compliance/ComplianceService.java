package io.agentgate.compliance;

import io.agentgate.agent.Agent;
import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.AgentService;
import io.agentgate.audit.AuditLog;
import io.agentgate.audit.AuditTrail;
import io.quarkus.arc.All;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.Problem;
import io.agentgate.compliance.ComplianceReport.Category;
import io.agentgate.compliance.ComplianceReport.Check;
import io.agentgate.compliance.ComplianceReport.Evidence;
import io.agentgate.compliance.ComplianceReport.Gap;
import io.agentgate.compliance.ComplianceReport.Source;
import io.agentgate.gate.ActionViolation;
import io.agentgate.policy.Policy;
import io.agentgate.policy.PolicyEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * EU AI Act records and reports, and the governance checklist. A report combines what people declared in the
 * agent's compliance record with what AgentGate derives from its own state: the agent's configuration, the policies
 * that apply to it, the audit trail (verified hash chain, retention, events) and recorded violations.
 */
@ApplicationScoped
public class ComplianceService {

    public static final String UPDATED = "compliance.updated";
    static final String DECLARED_ITEM = "Declared in the compliance record";

    @Inject
    AgentService agents;

    @Inject
    PolicyEngine policies;

    @Inject
    AuditTrail trail;

    @Inject
    AuditLog audit;

    @Inject
    AuditChainStatus chain;

    @Inject
    Validator validator;

    @Inject
    Clock clock;

    @Inject
    GovernanceChecklist governance;

    private final Map<Article, ArticleEvidence> derived = new EnumMap<>(Article.class);

    @Inject
    void evidence(@All List<ArticleEvidence> all) {
        all.forEach(e -> derived.put(e.article(), e));
        for (Article a : Article.values()) {
            if (!derived.containsKey(a)) {
                throw new IllegalStateException("no derived evidence for " + a);
            }
        }
    }

    /** The stored record of an agent and who last changed it. */
    public record StoredRecord(ComplianceRequest record, Instant updatedAt, String updatedBy) {
    }

    /** The agent's declared record, empty when none was stored yet. */
    @Transactional
    public Optional<StoredRecord> record(String agentName) {
        Agent agent = agents.get(agentName);
        return ComplianceRecord.forAgent(agent.id)
                .map(r -> new StoredRecord(r.toRequest(), r.updatedAt, r.updatedBy));
    }

    /** Stores (replaces) the agent's record; the compliance.updated audit event commits with it. */
    @Transactional
    public StoredRecord store(String agentName, ComplianceRequest request, String actor) {
        validate(request);
        Agent agent = agents.get(agentName);
        ComplianceRecord row = ComplianceRecord.forAgent(agent.id).orElseGet(() -> {
            ComplianceRecord created = new ComplianceRecord();
            created.agentId = agent.id;
            return created;
        });
        boolean created = !row.isPersistent();
        row.apply(request);
        row.updatedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        row.updatedBy = actor;
        if (created) {
            row.persist();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        for (Article a : Article.values()) {
            ComplianceRequest.Declaration d = row.declaration(a);
            details.put(a.field, Map.of("met", d.declaredMet(), "evidence", d.evidence() == null ? "" : d.evidence()));
        }
        details.put("responsible", row.responsible);
        details.put("created", created);
        audit.record(UPDATED, agent.name, null, actor, details);
        return new StoredRecord(row.toRequest(), row.updatedAt, row.updatedBy);
    }

    void validate(ComplianceRequest request) {
        if (request == null) {
            throw new InvalidRequest("body", "is required");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<ComplianceRequest> v : validator.validate(request)) {
            errors.add(new Problem.FieldError(v.getPropertyPath().toString(), v.getMessage()));
        }
        for (Article a : Article.values()) {
            request.declaration(a).ifPresent(d -> {
                if (d.declaredMet() && d.evidenceText() == null) {
                    errors.add(new Problem.FieldError(a.field + ".evidence",
                            "is required when met is true: say where the proof is"));
                }
            });
        }
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(Problem.FieldError::field));
            throw new InvalidRequest(errors);
        }
    }

    /** The agent's EU AI Act report. */
    @Transactional
    public ComplianceReport report(String agentName) {
        return report(agents.get(agentName));
    }

    ComplianceReport report(Agent agent) {
        ReportFacts facts = facts(agent);
        Map<String, Check> checks = new LinkedHashMap<>();
        List<Gap> gaps = new ArrayList<>();
        for (Article a : Article.values()) {
            List<Evidence> evidence = new ArrayList<>();
            evidence.add(declared(a, facts));
            evidence.addAll(derived.get(a).derive(facts));
            Check check = Check.of(a, evidence);
            checks.put(a.key, check);
            for (Evidence e : evidence) {
                if (!e.ok()) {
                    gaps.add(new Gap(a.label(), a.key, e.fact(), e.remedy()));
                }
            }
        }
        long passed = checks.values().stream().filter(Check::passed).count();
        Optional<ComplianceRecord> rec = facts.record();
        return new ComplianceReport(agent.name, agent.riskLevel, passed + "/" + checks.size(),
                passed == checks.size(), checks, gaps, facts.now(), rec.map(r -> r.updatedAt).orElse(null),
                rec.map(r -> r.updatedBy).orElse(null), rec.map(r -> r.responsible).orElse(null),
                facts.chain().map(AuditChainStatus.Snapshot::finishedAt).orElse(null));
    }

    /** The governance checklist of one agent. */
    @Transactional
    public Checklist checklist(String agentName) {
        Agent agent = agents.get(agentName);
        ComplianceReport report = report(agent);
        Checklist.Builder items = new Checklist.Builder();
        for (Check check : report.checks().values()) {
            for (Evidence e : check.evidence()) {
                if (e.category() != null) {
                    items.add(e.category(), e.item() + " (" + check.article() + ")", e.ok(), e.source(), e.fact(),
                            e.remedy());
                }
            }
        }
        String gaps = report.gaps().stream().map(Gap::article).distinct().collect(Collectors.joining(", "));
        items.add(Category.COMPLIANCE, "EU AI Act report", report.compliant(), Source.DERIVED,
                report.complianceScore() + " articles pass" + (report.compliant() ? "" : "; gaps: " + gaps),
                "close the gaps listed in the report");
        return Checklist.of(agent.name, agent.riskLevel, report.generatedAt(), items.sections(), null);
    }

    /** The overall governance checklist, with one summary line per agent. */
    @Transactional
    public Checklist checklist() {
        Instant now = clock.instant();
        List<Agent> all = agents.list();
        return governance.build(all, all.stream().map(this::report).toList(), now);
    }

    private ReportFacts facts(Agent agent) {
        AgentProfile profile = agent.profile();
        List<Policy> applying = policies.policies().stream().filter(p -> applies(p, profile)).toList();
        return new ReportFacts(profile, ComplianceRecord.forAgent(agent.id), applying, trail.agentTrail(agent.name),
                ActionViolation.countsByPolicy(agent.name), chain.latest(), clock.instant());
    }

    private static boolean applies(Policy policy, AgentProfile agent) {
        try {
            return policy.appliesTo(agent);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Evidence declared(Article a, ReportFacts f) {
        Category category = a == Article.ART_9 ? Category.RISK_ASSESSMENT : Category.COMPLIANCE;
        String remedy = a.declareRemedy + ": PUT /api/v1/agents/" + f.agent().name()
                + "/compliance or the form on /compliance/" + f.agent().name();
        if (f.record().isEmpty()) {
            return new Evidence(Source.DECLARED, false, DECLARED_ITEM, "no compliance record stored for this agent",
                    remedy, category);
        }
        ComplianceRecord r = f.record().get();
        ComplianceRequest.Declaration d = r.declaration(a);
        if (!d.declaredMet()) {
            return new Evidence(Source.DECLARED, false, DECLARED_ITEM, "not declared as met (record of "
                    + Wording.time(r.updatedAt) + " by " + r.updatedBy + ")", remedy, category);
        }
        return new Evidence(Source.DECLARED, true, DECLARED_ITEM, "declared met by " + r.updatedBy + " on "
                + Wording.time(r.updatedAt) + ": " + d.evidence(), null, category);
    }
}
