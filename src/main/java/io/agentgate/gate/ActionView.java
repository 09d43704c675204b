package io.agentgate.gate;

import io.agentgate.policy.Violation;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An action's current state as the API shows it (long-poll, decision, lists). */
public record ActionView(UUID id, String agent, String action, ActionStatus status, List<Violation> violations,
        Instant createdAt, Instant deadline, Instant decidedAt, String decidedBy, String comment) {

    static ActionView of(Action a, List<Violation> violations) {
        return new ActionView(a.id, a.agentName, a.action, a.status, violations, a.createdAt, a.deadline,
                a.decidedAt, a.decidedBy, a.comment);
    }
}
