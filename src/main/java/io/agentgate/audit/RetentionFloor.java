package io.agentgate.audit;

import java.time.Duration;
import java.util.Optional;

/**
 * A rule owned by another feature that may forbid a retention period (compliance's record-keeping minimum for
 * high-risk agents). The audit trail asks every such rule before it prunes, and at start.
 */
public interface RetentionFloor {

    /** Why {@code retention} may not be used now, or empty when it may. */
    Optional<String> refusal(Duration retention);
}
