package io.agentgate.agent;

import java.util.List;

/**
 * Which of an agent's approvers cannot vote, reported when the agent is registered or changed. Approval, which owns
 * the rule of who may vote and already depends on agents, answers it: the interface keeps the dependency one way.
 */
public interface ApproverCheck {

    /**
     * One approver entry nobody can vote through.
     *
     * @param approver the entry as given ({@code bob@example.com} or {@code group:<name>})
     * @param reason   {@code account-disabled}, {@code no-approver-role} or {@code no-approver-in-group}
     * @param message  the same in words
     */
    record ApproverWarning(String approver, String reason, String message) {
    }

    /** The entries of {@code approvers} that get no mail and whose votes would be refused, as of now. */
    List<ApproverWarning> warnings(List<String> approvers);
}
