package io.agentgate.gate;

import io.agentgate.agent.AgentProfile;
import io.agentgate.policy.Severity;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What the submit path asks of standing approvals (grants, kept by the approval feature): whether one covers a
 * submission that only a review holds, and, on the writer in its transaction, to count one use of it. The first
 * question is answered from memory; the second is counted in the writer's batch and written once per grant per batch
 * by a guarded UPDATE, the only judge of whether the grant still holds (revoked, expired, used up or given under
 * another policy version elsewhere: the batch then runs again and the use answers false).
 */
public interface StandingApprovals {

    /**
     * A grant that may cover this submission, from memory (no I/O).
     *
     * @param highest the most severe review violation of the submission (a grant covers up to its own)
     * @param digest  the canonical arguments' digest, asked for only when a same-arguments grant is a candidate
     */
    Optional<UUID> candidate(AgentProfile agent, String action, String userId, Severity highest, String policyVersion,
            Supplier<String> digest);

    /**
     * Counts one use of the grant in the caller's writer batch for this action (audited with it); false when the
     * grant no longer covers anything. Only from work that runs in a writer batch ({@link ActionWriter}).
     */
    boolean use(UUID grantId, UUID actionId, String agentName, String policyVersion, Instant now);
}
