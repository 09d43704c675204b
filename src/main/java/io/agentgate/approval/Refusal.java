package io.agentgate.approval;

/** Why an approval link decides nothing, with the HTTP status of the page that says so. */
public enum Refusal {
    MALFORMED(400, "This link is incomplete"),
    TAMPERED(400, "This link is not valid"),
    BAD_COMMENT(400, "The comment is too long"),
    FOREIGN(403, "This link belongs to someone or something else"),
    NOT_APPROVER(403, "You are not an approver of this action"),
    SELF_APPROVAL(403, "You cannot approve your own request"),
    UNKNOWN_ACTION(404, "No such action"),
    USED(409, "This link was already used"),
    VOTED(409, "You already voted on this action"),
    DECIDED(409, "This action was already decided"),
    TIMED_OUT(410, "This action timed out"),
    EXPIRED(410, "This link has expired");

    private final int status;
    private final String title;

    Refusal(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
