package io.agentgate.gate;

import java.util.Set;

/**
 * The life of an action. ALLOWED and DENIED are decided at submission; PENDING ends in exactly one of
 * APPROVED, REJECTED, TIMED_OUT or CANCELLED. Terminal states never change.
 */
public enum ActionStatus {
    ALLOWED, DENIED, PENDING, APPROVED, REJECTED, TIMED_OUT, CANCELLED;

    /** The states a pending action can move to; the database enforces it with {@code WHERE status = 'PENDING'}. */
    public static final Set<ActionStatus> FROM_PENDING = Set.of(APPROVED, REJECTED, TIMED_OUT, CANCELLED);

    public boolean isTerminal() {
        return this != PENDING;
    }

    /** Whether the agent may go ahead with the action. */
    public boolean permitsExecution() {
        return this == ALLOWED || this == APPROVED;
    }

    /** Whether a person can decide this (APPROVED or REJECTED); the clock and the agent end actions otherwise. */
    public boolean isPersonsDecision() {
        return this == APPROVED || this == REJECTED;
    }

    /** The {@code status} label of {@code ai_agent_approval_requests_total}. */
    public String approvalLabel() {
        return switch (this) {
            case APPROVED -> "approved";
            case REJECTED -> "rejected";
            case TIMED_OUT -> "timeout";
            case CANCELLED -> "cancelled";
            default -> throw new IllegalStateException(this + " is not an approval outcome");
        };
    }
}
