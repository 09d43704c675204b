package io.agentgate.gate;

import io.agentgate.policy.Violation;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Everything a person deciding an action needs to see: the state, the agent's context and the approvers and quorum
 * snapshotted at submission. Not part of the agent API (it names the approvers).
 *
 * @param context the agent's JSON context as submitted
 * @param userId  the person on whose behalf the agent asked, if it said (nobody approves their own request)
 * @param toolArgs the tool arguments as submitted (JSON object text), or null
 * @param approvedToolArgs what an approver changed them to when it was approved with an edit, else null
 */
public record ActionDetail(ActionView view, String context, String toolName, List<String> approvers,
        int requiredApprovals, String userId, String toolArgs, String approvedToolArgs, String sessionId) {

    public UUID id() {
        return view.id();
    }

    public ActionStatus status() {
        return view.status();
    }

    public String agent() {
        return view.agent();
    }

    public Instant deadline() {
        return view.deadline();
    }

    public List<Violation> violations() {
        return view.violations();
    }

    static ActionDetail of(Action a, List<Violation> violations) {
        return new ActionDetail(ActionView.of(a, violations), a.context, a.toolName, a.approvers, a.requiredApprovals,
                a.userId, a.toolArgs, a.approvedToolArgs, a.sessionId);
    }

    /**
     * This action after the transition a decision made to it while holding its row locked: the result without reading
     * the row again.
     *
     * @param approvedToolArgs an approver's edit to run (null: as submitted)
     */
    public ActionDetail decided(ActionStatus to, Instant at, String by, String comment, String approvedToolArgs) {
        String runs = approvedToolArgs != null ? approvedToolArgs : toolArgs;
        return with(new ActionView(view.id(), view.agent(), view.action(), to, view.violations(), view.createdAt(),
                view.deadline(), at, by, comment, runs, approvedToolArgs != null ? toolArgs : null));
    }

    /** These details with the state {@code current} of the same action (after a transition, say). */
    public ActionDetail with(ActionView current) {
        return new ActionDetail(current, context, toolName, approvers, requiredApprovals, userId, toolArgs,
                current.toolArgsEdited() ? current.toolArgs() : null, sessionId);
    }
}
