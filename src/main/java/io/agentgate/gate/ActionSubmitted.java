package io.agentgate.gate;

import java.util.List;

/**
 * Fired inside the submitting transaction (the writer's batch); observers during {@code AFTER_SUCCESS} act after it
 * commits. Carries the approvers snapshotted on a pending action, so observers need not read the row back.
 */
public record ActionSubmitted(ActionView action, List<String> approvers) {
}
