package io.agentgate.compliance;

import io.agentgate.compliance.ComplianceReport.Category;
import io.agentgate.compliance.ComplianceReport.Evidence;
import io.agentgate.compliance.ComplianceReport.Source;
import io.agentgate.policy.Policy;
import io.agentgate.policy.builtin.CapabilityPolicy;
import io.agentgate.policy.builtin.NoPiiExternalPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** Art. 10: personal data stays in (the PII policy applies, or the agent cannot send messages out at all). */
@ApplicationScoped
class DataGovernanceEvidence implements ArticleEvidence {

    @Override
    public Article article() {
        return Article.ART_10;
    }

    @Override
    public List<Evidence> derive(ReportFacts f) {
        Optional<Policy> pii = f.applying(NoPiiExternalPolicy.NAME);
        boolean canSend = f.agent().capabilities().sendExternalMessages();
        boolean heldBack = !canSend && f.applying(CapabilityPolicy.NAME).isPresent();
        String fact;
        if (pii.isPresent()) {
            fact = "no-pii-external applies (" + pii.get().enforcement().json() + ", " + pii.get().severity().json()
                    + "): outgoing messages are scanned for emails, phone numbers, payment cards, IBANs and national ids";
        } else if (heldBack) {
            fact = "no-pii-external does not apply, but the agent cannot send external messages: sendExternalMessages "
                    + "is off and the capability policy denies it";
        } else {
            fact = "no-pii-external does not apply to this agent although it "
                    + (canSend ? "can send external messages" : "is not held back by the capability policy");
        }
        return List.of(new Evidence(Source.DERIVED, pii.isPresent() || heldBack, "Personal data kept in", fact,
                "enable no-pii-external for this agent (agentgate.policies.no-pii-external.* or builtins in the "
                        + "governance file) or turn off its sendExternalMessages capability",
                Category.TECHNICAL_CONTROLS));
    }
}
