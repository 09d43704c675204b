package io.agentgate.gate;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A pending action whose row the current transaction holds locked (SELECT ... FOR UPDATE): nobody else can vote on,
 * decide, cancel or time it out until this transaction ends.
 *
 * @param userId the person on whose behalf the agent asked (the request's {@code userId}), or null
 * @param now the instant the lock was taken and the deadline checked; a decision in this transaction uses it
 * @param detail the row as locked, with its violations: while the lock holds, only this transaction changes it, so a
 *               decision builds its result from it instead of reading the row again
 * @param callbackUrl where the action asked to be told of its decision, or null
 */
public record PendingAction(UUID id, String agent, List<String> approvers, int requiredApprovals, Instant deadline,
        String userId, Instant now, ActionDetail detail, String callbackUrl) {
}
