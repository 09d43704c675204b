package io.agentgate.approval;

/** Where a vote was cast. */
public enum VoteChannel {
    /** A signed link from the approver mail. */
    MAIL,
    /** The reviewer dashboard. */
    DASHBOARD,
    /** The admin decision endpoint, used by integrations; always final. */
    API,
    /** The decision endpoint with a user's personal token: that user's vote, counted like a dashboard vote. */
    TOKEN,
    /** A button in the approver's Slack direct message; the Slack user is mapped to the approver by email. */
    SLACK
}
