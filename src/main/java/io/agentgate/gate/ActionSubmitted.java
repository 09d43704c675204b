package io.agentgate.gate;

import java.util.List;
import java.util.UUID;

/**
 * Fired inside the submitting transaction (the writer's batch); observers during {@code AFTER_SUCCESS} act after it
 * commits. Carries the approvers snapshotted on a pending action, so observers need not read the row back, and
 * the grant an ALLOWED action passed by (null: none).
 */
public record ActionSubmitted(ActionView action, List<String> approvers, UUID grantId) {

    /** A submission that passed by no grant. */
    public ActionSubmitted(ActionView action, List<String> approvers) {
        this(action, approvers, null);
    }
}
