package io.agentgate.approval;

/** Where a vote was cast. */
public enum VoteChannel {
    /** A signed link from the approver mail. */
    MAIL,
    /** The reviewer dashboard. */
    DASHBOARD,
    /** The admin decision endpoint, used by integrations; always final. */
    API
}
