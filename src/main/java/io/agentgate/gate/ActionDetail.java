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
}
