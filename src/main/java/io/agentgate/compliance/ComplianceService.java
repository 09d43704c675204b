package io.agentgate.compliance;

import io.agentgate.agent.Agent;
import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.AgentService;
import io.agentgate.agent.ApprovalSettings;
import io.agentgate.agent.RiskLevel;
import io.agentgate.audit.AuditLog;
import io.agentgate.audit.AuditRetention;
import io.agentgate.audit.AuditTrail;
import io.agentgate.common.AgentGateConfig;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.Problem;
import io.agentgate.compliance.ComplianceReport.Category;
import io.agentgate.compliance.ComplianceReport.Check;
import io.agentgate.compliance.ComplianceReport.Evidence;
import io.agentgate.compliance.ComplianceReport.Gap;
import io.agentgate.compliance.ComplianceReport.Source;
import io.agentgate.gate.ActionViolation;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Policy;
import io.agentgate.policy.PolicyEngine;
import io.agentgate.policy.builtin.CapabilityPolicy;
import io.agentgate.policy.builtin.NoPiiExternalPolicy;
import io.agentgate.policy.builtin.ToolAccessPolicy;
import io.agentgate.policy.builtin.TransactionLimitPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Duration;
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
    static final String APPROVAL_GATE_ITEM = "Approval gate";

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
    AgentGateConfig config;

    @Inject
    Validator validator;

    @Inject
    Clock clock;

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
        Facts facts = facts(agent);
        Map<String, Check> checks = new LinkedHashMap<>();
        List<Gap> gaps = new ArrayList<>();
        for (Article a : Article.values()) {
            List<Evidence> evidence = new ArrayList<>();
            evidence.add(declared(a, facts));
            evidence.addAll(derived(a, facts));
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
        Map<Category, List<Checklist.Item>> items = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            items.put(c, new ArrayList<>());
        }
        for (Check check : report.checks().values()) {
            for (Evidence e : check.evidence()) {
                if (e.category() != null) {
                    items.get(e.category()).add(new Checklist.Item(e.item() + " (" + check.article() + ")", e.ok(),
                            e.source(), e.fact(), e.ok() ? null : e.remedy()));
                }
            }
        }
        items.get(Category.COMPLIANCE).add(new Checklist.Item("EU AI Act report", report.compliant(), Source.DERIVED,
                report.complianceScore() + " articles pass" + (report.compliant() ? "" : "; gaps: "
                        + report.gaps().stream().map(Gap::article).distinct().collect(Collectors.joining(", "))),
                report.compliant() ? null : "close the gaps listed in the report"));
        return Checklist.of(agent.name, agent.riskLevel, report.generatedAt(), sections(items), null);
    }

    /** The overall governance checklist, with one summary line per agent. */
    @Transactional
    public Checklist checklist() {
        Instant now = clock.instant();
        List<Agent> all = agents.list();
        List<ComplianceReport> reports = all.stream().map(this::report).toList();
        Map<Category, List<Checklist.Item>> items = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            items.put(c, new ArrayList<>());
        }
        List<Agent> highRisk = all.stream().filter(a -> a.riskLevel.atLeast(RiskLevel.HIGH)).toList();
        Map<RiskLevel, Long> byLevel = all.stream().collect(Collectors.groupingBy(a -> a.riskLevel,
                () -> new EnumMap<>(RiskLevel.class), Collectors.counting()));
        items.get(Category.RISK_ASSESSMENT).add(new Checklist.Item("Every agent is classified by risk", true,
                Source.DERIVED, all.isEmpty() ? "no agents registered"
                        : all.size() + " agents: " + byLevel.entrySet().stream()
                                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")),
                null));
        List<String> unassessed = reports.stream()
                .filter(r -> r.riskLevel().atLeast(RiskLevel.HIGH) && !holds(r, Article.ART_9, DECLARED_ITEM))
                .map(ComplianceReport::agent).toList();
        items.get(Category.RISK_ASSESSMENT).add(new Checklist.Item(
                "Every HIGH or CRITICAL agent has a documented risk assessment (Art. 9)", unassessed.isEmpty(),
                Source.DECLARED, highRisk.isEmpty() ? "no HIGH or CRITICAL agents"
                        : unassessed.isEmpty() ? highRisk.size() + " of " + highRisk.size() + " declared"
                                : "missing for " + String.join(", ", unassessed),
                unassessed.isEmpty() ? null : "declare each one's risk assessment in its compliance record"));
        List<Policy> inEffect = policies.policies();
        long declarative = policies.describe().stream().filter(p -> !p.builtIn()).count();
        items.get(Category.POLICY_DEFINITION).add(new Checklist.Item("Policies are defined as code", !inEffect.isEmpty(),
                Source.DERIVED, inEffect.size() + " policies in effect (" + (inEffect.size() - declarative)
                        + " built-in, " + declarative + " declarative): "
                        + inEffect.stream().map(p -> p.name() + " [" + p.enforcement().json() + "]")
                                .collect(Collectors.joining(", ")), null));
        List<String> undescribed = inEffect.stream().filter(p -> p.description() == null || p.description().isBlank())
                .map(Policy::name).toList();
        items.get(Category.POLICY_DEFINITION).add(new Checklist.Item("Every policy says what it is for",
                undescribed.isEmpty(), Source.DERIVED, undescribed.isEmpty() ? "all " + inEffect.size()
                        + " policies have a description" : "no description: " + String.join(", ", undescribed),
                undescribed.isEmpty() ? null : "add a description to these policies in the governance file"));
        List<String> ungated = reports.stream()
                .filter(r -> r.riskLevel().atLeast(RiskLevel.HIGH) && !holds(r, Article.ART_14, APPROVAL_GATE_ITEM))
                .map(ComplianceReport::agent).toList();
        items.get(Category.TECHNICAL_CONTROLS).add(new Checklist.Item(
                "Every HIGH or CRITICAL agent has an approval gate (Art. 14)", ungated.isEmpty(), Source.DERIVED,
                highRisk.isEmpty() ? "no HIGH or CRITICAL agents" : ungated.isEmpty() ? "all " + highRisk.size()
                        + " have one" : "no approval gate: " + String.join(", ", ungated),
                ungated.isEmpty() ? null : "set approval.required with approvers on these agents"));
        boolean admin = config.adminToken().filter(t -> !t.isBlank()).isPresent();
        items.get(Category.TECHNICAL_CONTROLS).add(new Checklist.Item("People can stop pending actions", admin,
                Source.DERIVED, admin ? "admin token configured: POST /api/v1/actions/{id}/decision can reject any "
                        + "pending action; undecided actions time out and fail closed"
                        : "no admin token: only approvers' links can reject",
                admin ? null : "set agentgate.admin-token"));
        Optional<AuditChainStatus.Snapshot> snapshot = chain.latest();
        Evidence chainEvidence = chainEvidence(snapshot, now);
        items.get(Category.MONITORING).add(new Checklist.Item(chainEvidence.item(), chainEvidence.ok(), Source.DERIVED,
                chainEvidence.fact(), chainEvidence.ok() ? null : chainEvidence.remedy()));
        Duration retention = config.audit().retention();
        boolean retentionOk = highRisk.isEmpty() || retention.compareTo(AuditRetention.HIGH_RISK_MINIMUM) >= 0;
        items.get(Category.MONITORING).add(new Checklist.Item("Audit retention long enough (Art. 12, 19)", retentionOk,
                Source.DERIVED, "agentgate.audit.retention is " + retention.toDays() + " days; "
                        + (highRisk.isEmpty() ? "no HIGH or CRITICAL agents" : highRisk.size()
                                + " HIGH or CRITICAL agents need at least " + AuditRetention.HIGH_RISK_MINIMUM.toDays()),
                retentionOk ? null : "raise agentgate.audit.retention to at least 180d"));
        long compliant = reports.stream().filter(ComplianceReport::compliant).count();
        items.get(Category.COMPLIANCE).add(new Checklist.Item("Every agent's EU AI Act report passes",
                compliant == reports.size(), Source.DERIVED, compliant + " of " + reports.size() + " agents compliant"
                        + (compliant == reports.size() ? "" : "; not: " + reports.stream().filter(r -> !r.compliant())
                                .map(r -> r.agent() + " (" + r.complianceScore() + ")").collect(Collectors.joining(", "))),
                compliant == reports.size() ? null : "open each agent's report and close its gaps"));
        List<Checklist.AgentSummary> summaries = reports.stream().map(r -> new Checklist.AgentSummary(r.agent(),
                r.riskLevel(), r.complianceScore(), r.compliant(), r.recordUpdatedAt() != null)).toList();
        return Checklist.of(null, null, now, sections(items), summaries);
    }

    private static boolean holds(ComplianceReport report, Article article, String item) {
        return report.checks().get(article.key).evidence().stream().filter(e -> e.item().equals(item))
                .allMatch(Evidence::ok);
    }

    private static List<Checklist.Section> sections(Map<Category, List<Checklist.Item>> items) {
        return items.entrySet().stream().map(e -> new Checklist.Section(e.getKey(), e.getKey().title,
                e.getValue().stream().allMatch(Checklist.Item::passed), List.copyOf(e.getValue()))).toList();
    }

    // ---- the facts a report rests on ---------------------------------------------------------------------------

    record Facts(AgentProfile agent, Optional<ComplianceRecord> record, List<Policy> applying,
            AuditTrail.AgentTrail trail, Map<String, Long> violations, Optional<AuditChainStatus.Snapshot> chain,
            Instant now) {

        Optional<Policy> applying(String name) {
            return applying.stream().filter(p -> p.name().equals(name)).findFirst();
        }
    }

    private Facts facts(Agent agent) {
        AgentProfile profile = agent.profile();
        List<Policy> applying = policies.policies().stream().filter(p -> applies(p, profile)).toList();
        return new Facts(profile, ComplianceRecord.forAgent(agent.id), applying, trail.agentTrail(agent.name),
                ActionViolation.countsByPolicy(agent.name), chain.latest(), clock.instant());
    }

    private static boolean applies(Policy policy, AgentProfile agent) {
        try {
            return policy.appliesTo(agent);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Evidence declared(Article a, Facts f) {
        Category category = a == Article.ART_9 ? Category.RISK_ASSESSMENT : Category.COMPLIANCE;
        String item = DECLARED_ITEM;
        String remedy = a.declareRemedy + ": PUT /api/v1/agents/" + f.agent().name()
                + "/compliance or the form on /compliance/" + f.agent().name();
        if (f.record().isEmpty()) {
            return new Evidence(Source.DECLARED, false, item, "no compliance record stored for this agent", remedy,
                    category);
        }
        ComplianceRecord r = f.record().get();
        ComplianceRequest.Declaration d = r.declaration(a);
        if (!d.declaredMet()) {
            return new Evidence(Source.DECLARED, false, item, "not declared as met (record of "
                    + time(r.updatedAt) + " by " + r.updatedBy + ")", remedy, category);
        }
        return new Evidence(Source.DECLARED, true, item, "declared met by " + r.updatedBy + " on " + time(r.updatedAt)
                + ": " + d.evidence(), null, category);
    }

    private List<Evidence> derived(Article a, Facts f) {
        return switch (a) {
            case ART_9 -> riskManagement(f);
            case ART_10 -> dataGovernance(f);
            case ART_11 -> documentation(f);
            case ART_12 -> recordKeeping(f);
            case ART_13 -> transparency(f);
            case ART_14 -> humanOversight(f);
            case ART_15 -> robustness(f);
        };
    }

    private static List<Evidence> riskManagement(Facts f) {
        List<Evidence> out = new ArrayList<>();
        out.add(new Evidence(Source.DERIVED, true, "Risk level classified", "classified " + f.agent().riskLevel()
                + " in its registration", null, Category.RISK_ASSESSMENT));
        List<Policy> controls = f.applying().stream()
                .filter(p -> p.enforcement() == Enforcement.DENY || p.enforcement() == Enforcement.REVIEW).toList();
        out.add(new Evidence(Source.DERIVED, !controls.isEmpty(), "Risk controls in force", controls.isEmpty()
                ? "no deny or review policy applies to this agent"
                : controls.size() + " deny or review policies apply: " + names(controls),
                "scope deny or review policies to this agent (built-ins in application.properties or the governance "
                        + "file)", Category.POLICY_DEFINITION));
        return out;
    }

    private static List<Evidence> dataGovernance(Facts f) {
        Optional<Policy> pii = f.applying(NoPiiExternalPolicy.NAME);
        boolean canSend = f.agent().capabilities().sendExternalMessages();
        boolean capability = f.applying(CapabilityPolicy.NAME).isPresent();
        boolean ok;
        String fact;
        if (pii.isPresent()) {
            ok = true;
            fact = "no-pii-external applies (" + pii.get().enforcement().json() + ", " + pii.get().severity().json()
                    + "): outgoing messages are scanned for emails, phone numbers, payment cards, IBANs and national ids";
        } else if (!canSend && capability) {
            ok = true;
            fact = "no-pii-external does not apply, but the agent cannot send external messages: sendExternalMessages "
                    + "is off and the capability policy denies it";
        } else {
            ok = false;
            fact = "no-pii-external does not apply to this agent although it "
                    + (canSend ? "can send external messages" : "is not held back by the capability policy");
        }
        return List.of(new Evidence(Source.DERIVED, ok, "Personal data kept in", fact,
                "enable no-pii-external for this agent (agentgate.policies.no-pii-external.* or builtins in the "
                        + "governance file) or turn off its sendExternalMessages capability",
                Category.TECHNICAL_CONTROLS));
    }

    private static List<Evidence> documentation(Facts f) {
        AgentProfile p = f.agent();
        ApprovalSettings approval = p.approval();
        String config = "capabilities " + p.capabilities().asSet() + ", max transaction amount "
                + (p.maxTransactionAmount() == null ? "none" : p.maxTransactionAmount().stripTrailingZeros().toPlainString())
                + ", allowed actions " + (p.allowedActions() == null ? "any" : p.allowedActions())
                + ", approval " + (approval.required() ? "required" + (approval.rule() == null ? " for every action"
                        : " when " + approval.rule()) + " by " + approval.approvers() : "off");
        Instant changed = f.trail().latestConfigAt();
        return List.of(new Evidence(Source.DERIVED, changed != null, "Configuration on record", changed == null
                ? "no agent.created or agent.updated event in the audit trail; configuration now: " + config
                : "configuration in the audit trail (last change " + time(changed) + "): " + config,
                "register or change the agent through the admin API or the governance file, so its configuration is "
                        + "in the audit trail", Category.POLICY_DEFINITION));
    }

    private List<Evidence> recordKeeping(Facts f) {
        List<Evidence> out = new ArrayList<>();
        out.add(chainEvidence(f.chain(), f.now()));
        Duration retention = config.audit().retention();
        boolean high = f.agent().riskLevel().atLeast(RiskLevel.HIGH);
        boolean retentionOk = !high || retention.compareTo(AuditRetention.HIGH_RISK_MINIMUM) >= 0;
        out.add(new Evidence(Source.DERIVED, retentionOk, "Audit retention", "agentgate.audit.retention is "
                + retention.toDays() + " days" + (high ? "; a " + f.agent().riskLevel() + " agent needs at least "
                        + AuditRetention.HIGH_RISK_MINIMUM.toDays() + " days" : "; no minimum for "
                                + f.agent().riskLevel() + " risk"),
                "raise agentgate.audit.retention to at least 180d (records of high-risk systems are kept six months)",
                Category.MONITORING));
        AuditTrail.AgentTrail t = f.trail();
        boolean acting = t.latestActionAt() != null;
        out.add(new Evidence(Source.DERIVED, acting, "Agent's actions are logged", t.events() == 0
                ? "no audit events for this agent"
                : t.events() + " audit events for this agent, latest " + time(t.latestAt())
                        + (acting ? ", latest action event " + time(t.latestActionAt())
                                : "; none about an action yet"),
                "send the agent's actions through the gate (POST /api/v1/actions with its key): nothing it did is "
                        + "on record yet", Category.MONITORING));
        return out;
    }

    Evidence chainEvidence(Optional<AuditChainStatus.Snapshot> snapshot, Instant now) {
        String item = "Audit chain intact";
        if (snapshot.isEmpty()) {
            return new Evidence(Source.DERIVED, false, item, "the audit hash chain has not been verified since start; "
                    + "a verification is running in the background",
                    "wait for the background verification (agentgate.compliance.verify-interval) or start one with "
                            + "POST /api/v1/compliance/audit-verification", Category.MONITORING);
        }
        AuditChainStatus.Snapshot s = snapshot.get();
        AuditTrail.Verification v = s.result();
        String when = "verified " + time(s.finishedAt()) + " (" + age(s.age(now)) + " ago, took "
                + age(Duration.between(s.startedAt(), s.finishedAt())) + ")";
        if (v.valid()) {
            return new Evidence(Source.DERIVED, true, item, "hash chain valid: " + v.events() + " events "
                    + (v.checkpointSeq() == null ? "" : "after signed checkpoint #" + v.checkpointSeq() + " ")
                    + when, null, Category.MONITORING);
        }
        return new Evidence(Source.DERIVED, false, item, "hash chain broken at event #" + v.brokenAtSeq() + ": "
                + v.reason() + "; " + when,
                "treat it as an incident: keep an export (GET /api/v1/audit), find who changed event #"
                        + v.brokenAtSeq() + " in the database, restore it from a backup, then verify again",
                Category.MONITORING);
    }

    private static List<Evidence> transparency(Facts f) {
        List<Evidence> out = new ArrayList<>();
        String display = f.agent().displayName();
        boolean named = display != null && !display.isBlank();
        out.add(new Evidence(Source.DERIVED, named, "Agent identifiable", named ? "registered as \"" + display
                + "\" (" + f.agent().name() + ")" : "no displayName: people see only the id " + f.agent().name(),
                "give the agent a displayName that says which system it is (PUT /api/v1/agents/" + f.agent().name()
                        + ")", Category.POLICY_DEFINITION));
        List<String> undescribed = f.applying().stream()
                .filter(p -> p.description() == null || p.description().isBlank()).map(Policy::name).toList();
        out.add(new Evidence(Source.DERIVED, undescribed.isEmpty(), "Decisions are explained", undescribed.isEmpty()
                ? "every decision names the policies that objected, with a reason; the " + f.applying().size()
                        + " policies that apply each have a description"
                : "policies without a description: " + String.join(", ", undescribed),
                "describe these policies in the governance file", Category.POLICY_DEFINITION));
        return out;
    }

    private List<Evidence> humanOversight(Facts f) {
        List<Evidence> out = new ArrayList<>();
        AgentProfile p = f.agent();
        ApprovalSettings approval = p.approval();
        boolean high = p.riskLevel().atLeast(RiskLevel.HIGH);
        List<Policy> review = f.applying().stream()
                .filter(x -> x.enforcement() == Enforcement.REVIEW && !x.name().equals(PolicyEngine.APPROVAL_REQUIRED))
                .toList();
        boolean approvalGate = approval.required() && !approval.approvers().isEmpty();
        boolean gated = approvalGate || !review.isEmpty();
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
        fact.append("; review policies that apply: ").append(review.isEmpty() ? "none" : names(review));
        if (!high) {
            fact.append(" (an approval gate is required for HIGH and CRITICAL agents, this one is ")
                    .append(p.riskLevel()).append(')');
        }
        out.add(new Evidence(Source.DERIVED, gated || !high, APPROVAL_GATE_ITEM, fact.toString(),
                "set approval.required=true with at least one approver (PUT /api/v1/agents/" + p.name()
                        + "), or scope a review policy to this agent in the governance file",
                Category.TECHNICAL_CONTROLS));
        boolean admin = config.adminToken().filter(t -> !t.isBlank()).isPresent();
        Duration timeout = approval.timeoutSeconds() != null ? Duration.ofSeconds(approval.timeoutSeconds())
                : config.approval().defaultTimeout();
        String override = (approval.approvers().isEmpty() ? "no approvers listed"
                : "each approver " + approval.approvers() + " can reject by signed link (any reject rejects)")
                + "; " + (admin ? "admins can reject or approve any pending action (POST /api/v1/actions/{id}/decision, "
                        + "admin token configured)" : "no admin token configured")
                + "; an undecided action fails closed as TIMED_OUT after " + age(timeout)
                + (approval.timeoutSeconds() != null ? " (approval.timeoutSeconds)" : " (agentgate.approval.default-timeout)")
                + "; the agent can cancel its own pending action";
        out.add(new Evidence(Source.DERIVED, admin || !approval.approvers().isEmpty(), "People can override", override,
                "set agentgate.admin-token or list approvers, so someone can stop a pending action",
                Category.TECHNICAL_CONTROLS));
        return out;
    }

    private static List<Evidence> robustness(Facts f) {
        List<Evidence> out = new ArrayList<>();
        AgentProfile p = f.agent();
        Optional<Policy> capability = f.applying(CapabilityPolicy.NAME);
        Optional<Policy> toolAccess = f.applying(ToolAccessPolicy.NAME);
        String fact = "capability policy " + capability.map(x -> "active (" + x.enforcement().json() + ")")
                .orElse("not active") + ", capabilities " + p.capabilities().asSet() + "; tool-access "
                + toolAccess.map(x -> "active with an allow list of " + p.allowedActions().size() + " actions")
                        .orElse(p.allowedActions() == null ? "not active: no allowedActions list" : "disabled");
        out.add(new Evidence(Source.DERIVED, capability.isPresent() || toolAccess.isPresent(), "Capability limits",
                fact, "enable the capability policy for this agent, or give it an allowedActions list",
                Category.TECHNICAL_CONTROLS));
        if (p.capabilities().financialTransactions()) {
            Optional<Policy> limit = f.applying(TransactionLimitPolicy.NAME);
            boolean ok = p.maxTransactionAmount() != null && limit.isPresent();
            out.add(new Evidence(Source.DERIVED, ok, "Transaction limit", "financial transactions allowed; "
                    + "maxTransactionAmount " + (p.maxTransactionAmount() == null ? "not set"
                            : p.maxTransactionAmount().stripTrailingZeros().toPlainString())
                    + ", transaction-limit " + (limit.isPresent() ? "active" : "not active"),
                    "set maxTransactionAmount on the agent and keep transaction-limit enabled",
                    Category.TECHNICAL_CONTROLS));
        }
        long total = f.violations().values().stream().mapToLong(Long::longValue).sum();
        out.add(new Evidence(Source.DERIVED, true, "Violations tracked", total == 0
                ? "no violations recorded for this agent (every one would be stored with its action)"
                : total + " violations recorded: " + f.violations().entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")),
                null, Category.MONITORING));
        return out;
    }

    private static String names(List<Policy> list) {
        return list.stream().map(p -> p.name() + " (" + p.enforcement().json() + ")").collect(Collectors.joining(", "));
    }

    static String time(Instant t) {
        return t == null ? "never" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A duration as people say it: 40 s, 12 min, 3 h, 5 days. */
    static String age(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return s / 60 + " min";
        }
        if (s < 172_800) {
            return s / 3600 + " h";
        }
        return s / 86_400 + " days";
    }
}
