package io.agentgate.approval;

/**
 * An approval link that decides nothing, and why. Carries the action when the link was genuine enough to name it,
 * so the page can say who decided and when.
 */
public class LinkRefused extends RuntimeException {

    private final Refusal refusal;
    private final transient ApprovalSummary action;

    LinkRefused(Refusal refusal, String detail, ApprovalSummary action) {
        super(detail, null, false, false);
        this.refusal = refusal;
        this.action = action;
    }

    public Refusal refusal() {
        return refusal;
    }

    /** The action the link names, or null when the link is not ours or names another action. */
    public ApprovalSummary action() {
        return action;
    }
}
