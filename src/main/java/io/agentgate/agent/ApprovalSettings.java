package io.agentgate.agent;

import java.util.List;

/**
 * When an agent's actions need a human decision.
 *
 * @param required          approval is on for this agent
 * @param rule              expression over {@code action}, {@code context}, {@code agent}; null means every action
 * @param approvers         who decides: emails of people and {@code group:<name>} approver groups; empty means any
 *                          user with the approver role
 * @param requiredApprovals distinct approvals needed (quorum)
 * @param timeoutSeconds    how long an action stays pending; null means the configured default
 * @param description       the rule in plain words, shown to approvers instead of the expression; may be null
 * @param remindAfterSeconds   after this long pending, approvers who have not voted get one reminder; null: never
 * @param escalateAfterSeconds after this long pending, {@code escalateTo} become approvers too; null: never
 * @param escalateTo           people (emails) and {@code group:<name>} groups to escalate to
 */
public record ApprovalSettings(boolean required, String rule, List<String> approvers, int requiredApprovals,
        Integer timeoutSeconds, String description, Integer remindAfterSeconds, Integer escalateAfterSeconds,
        List<String> escalateTo) {

    public ApprovalSettings {
        escalateTo = escalateTo == null ? List.of() : List.copyOf(escalateTo);
    }

    public ApprovalSettings(boolean required, String rule, List<String> approvers, int requiredApprovals,
            Integer timeoutSeconds, String description) {
        this(required, rule, approvers, requiredApprovals, timeoutSeconds, description, null, null, List.of());
    }

    public ApprovalSettings(boolean required, String rule, List<String> approvers, int requiredApprovals,
            Integer timeoutSeconds) {
        this(required, rule, approvers, requiredApprovals, timeoutSeconds, null);
    }

    /** An approver entry naming a group of dashboard users rather than one person. */
    public static final String GROUP_PREFIX = "group:";
    /** One entry of {@code approvers}: an email, or {@code group:<name>}. */
    public static final String APPROVER = "group:[a-z0-9][a-z0-9._-]{0,99}|[^@\\s]+@[^@\\s]+";
    public static final String APPROVER_MESSAGE = "must be an email address or group:<name>";

    /** Whether the approvers can be counted: a group's size is known only when a vote comes. */
    public static boolean namesGroup(List<String> approvers) {
        return approvers != null && approvers.stream().anyMatch(a -> a != null && a.startsWith(GROUP_PREFIX));
    }

    public static final ApprovalSettings NONE = new ApprovalSettings(false, null, List.of(), 1, null);
}
