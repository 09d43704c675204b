package io.agentgate.compliance;

import io.agentgate.compliance.ComplianceReport.Category;
import io.agentgate.compliance.ComplianceReport.Evidence;
import io.agentgate.compliance.ComplianceReport.Source;
import io.agentgate.audit.AuditTrail;
import io.agentgate.common.AgentGateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Art. 12: the audit chain is intact, kept long enough, and holds the agent's actions. */
@ApplicationScoped
class RecordKeepingEvidence implements ArticleEvidence {

    static final String CHAIN_ITEM = "Audit chain intact";

    @Inject
    AgentGateConfig config;

    @Override
    public Article article() {
        return Article.ART_12;
    }

    @Override
    public List<Evidence> derive(ReportFacts f) {
        return List.of(chain(f.chain(), f.now()), retention(f), logged(f.trail()));
    }

    private Evidence retention(ReportFacts f) {
        Duration retention = config.audit().retention();
        boolean needed = RecordKeepingMinimum.appliesTo(f.agent().riskLevel());
        boolean ok = !needed || RecordKeepingMinimum.satisfiedBy(retention);
        String fact = "agentgate.audit.retention is " + retention.toDays() + " days" + (needed
                ? "; a " + f.agent().riskLevel() + " agent needs at least "
                        + RecordKeepingMinimum.HIGH_RISK_MINIMUM.toDays() + " days"
                : "; no minimum for " + f.agent().riskLevel() + " risk");
        return new Evidence(Source.DERIVED, ok, "Audit retention", fact,
                "raise agentgate.audit.retention to at least 180d (records of high-risk systems are kept six months)",
                Category.MONITORING);
    }

    private static Evidence logged(AuditTrail.AgentTrail t) {
        boolean acting = t.latestActionAt() != null;
        String fact = t.events() == 0 ? "no audit events for this agent"
                : t.events() + " audit events for this agent, latest " + Wording.time(t.latestAt())
                        + (acting ? ", latest action event " + Wording.time(t.latestActionAt())
                                : "; none about an action yet");
        return new Evidence(Source.DERIVED, acting, "Agent's actions are logged", fact,
                "send the agent's actions through the gate (POST /api/v1/actions with its key): nothing it did is "
                        + "on record yet", Category.MONITORING);
    }

    /** The last verification of the whole chain, as evidence (reports and the overall checklist). */
    static Evidence chain(Optional<AuditChainStatus.Snapshot> snapshot, Instant now) {
        if (snapshot.isEmpty()) {
            return new Evidence(Source.DERIVED, false, CHAIN_ITEM, "the audit hash chain has not been verified since "
                    + "start; a verification is running in the background",
                    "wait for the background verification (agentgate.compliance.verify-interval) or start one with "
                            + "POST /api/v1/compliance/audit-verification", Category.MONITORING);
        }
        AuditChainStatus.Snapshot s = snapshot.get();
        AuditTrail.Verification v = s.result();
        String when = "verified " + Wording.time(s.finishedAt()) + " (" + Wording.age(s.age(now)) + " ago, took "
                + Wording.age(Duration.between(s.startedAt(), s.finishedAt())) + ")";
        if (v.valid()) {
            String checkpoint = v.checkpointSeq() == null ? "" : "after signed checkpoint #" + v.checkpointSeq() + " ";
            String unkeyed = v.unkeyedUpToSeq() == null ? ""
                    : "(up to #" + v.unkeyedUpToSeq() + " chained before the audit key) ";
            return new Evidence(Source.DERIVED, true, CHAIN_ITEM, "hash chain valid: " + v.events() + " events "
                    + unkeyed + checkpoint + when, null, Category.MONITORING);
        }
        if (v.unverifiable() != null) {
            return new Evidence(Source.DERIVED, false, CHAIN_ITEM, "hash chain not verifiable from event #"
                    + v.brokenAtSeq() + ": " + v.reason() + "; " + when, "add the audit key those events were chained"
                    + " under to agentgate.audit.previous-keys and verify again", Category.MONITORING);
        }
        return new Evidence(Source.DERIVED, false, CHAIN_ITEM, "hash chain broken at event #" + v.brokenAtSeq() + ": "
                + v.reason() + "; " + when,
                "treat it as an incident: keep an export (GET /api/v1/audit), find who changed event #"
                        + v.brokenAtSeq() + " in the database, restore it from a backup, then verify again",
                Category.MONITORING);
    }
}
