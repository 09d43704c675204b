package io.agentgate.compliance;

import io.agentgate.agent.AgentService;
import io.agentgate.agent.RiskLevel;
import io.agentgate.audit.RetentionFloor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.Optional;

/**
 * The one place of the record-keeping rule: records of high-risk AI systems are kept at least six months (EU AI Act
 * Art. 12, 19), so a shorter audit retention is refused while any HIGH or CRITICAL agent exists. The audit trail
 * asks it before pruning; reports and checklists show it.
 */
@ApplicationScoped
public class RecordKeepingMinimum implements RetentionFloor {

    public static final Duration HIGH_RISK_MINIMUM = Duration.ofDays(180);

    @Inject
    AgentService agents;

    /** Whether agents of this risk level need the minimum. */
    public static boolean appliesTo(RiskLevel level) {
        return level.atLeast(RiskLevel.HIGH);
    }

    /** Whether a retention period keeps records long enough for a high-risk agent. */
    public static boolean satisfiedBy(Duration retention) {
        return retention.compareTo(HIGH_RISK_MINIMUM) >= 0;
    }

    @Override
    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<String> refusal(Duration retention) {
        if (satisfiedBy(retention)) {
            return Optional.empty();
        }
        long highRisk = agents.list().stream().filter(a -> appliesTo(a.riskLevel)).count();
        return highRisk == 0 ? Optional.empty()
                : Optional.of("agentgate.audit.retention is " + retention.toDays() + " days, but " + highRisk
                        + " HIGH or CRITICAL agent(s) exist: records of high-risk AI systems are kept at least "
                        + HIGH_RISK_MINIMUM.toDays() + " days (EU AI Act Art. 12, 19)");
    }
}
