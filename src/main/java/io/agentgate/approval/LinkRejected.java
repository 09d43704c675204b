package io.agentgate.approval;

/** A token that is not a link we signed: malformed, or its signature does not match (tampered, unknown key). */
public class LinkRejected extends Exception {

    /** Why the token was refused. */
    public enum Reason {
        /** Not even the shape of a token. */
        MALFORMED,
        /** The shape is right but the signature is not ours (changed, forged, or a key no longer accepted). */
        TAMPERED
    }

    private final Reason reason;

    LinkRejected(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public Reason getReason() {
        return reason;
    }
}
