package io.agentgate.gate;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.agentgate.policy.Violation;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The immediate answer to a submission: ALLOWED or DENIED (200), or PENDING with where to wait (202). An action a
 * grant let pass is ALLOWED with the grant's id (its review violations still listed).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubmitResponse(UUID id, ActionStatus status, List<Violation> violations, Instant deadline,
        String pollUrl, UUID grantId) {
}
