package io.agentgate.gate;

import io.agentgate.agent.AgentProfile;
import java.util.List;
import java.util.UUID;

/**
 * Fired inside the submitting transaction (the writer's batch); observers during {@code AFTER_SUCCESS} act after it
 * commits. Carries the approvers snapshotted on a pending action, so observers need not read the row back, and
 * the grant an ALLOWED action passed by (null: none), and the agent's profile it was evaluated with, so observers
 * need not read the agent per submission either (null: not known, read it).
 */
public record ActionSubmitted(ActionView action, List<String> approvers, UUID grantId, AgentProfile agent) {

    /** A submission that passed by no grant. */
    public ActionSubmitted(ActionView action, List<String> approvers) {
        this(action, approvers, null, null);
    }
}
