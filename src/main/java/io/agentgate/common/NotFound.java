package io.agentgate.common;

/** The addressed thing does not exist, or is not the caller's to see. */
public class NotFound extends DomainException {

    public NotFound(String detail) {
        super(detail);
    }

    @Override
    public int status() {
        return 404;
    }

    @Override
    public String slug() {
        return "not-found";
    }

    @Override
    public String title() {
        return "Not found";
    }
}
