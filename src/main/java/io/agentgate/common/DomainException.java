package io.agentgate.common;

import java.util.List;
import java.util.Map;

/** A failure a client can act on; mapped to problem+json with its own status, type and title. */
public abstract class DomainException extends RuntimeException {

    protected DomainException(String detail) {
        super(detail);
    }

    public abstract int status();

    /** Short slug naming the problem type, e.g. {@code action-not-pending}. */
    public abstract String slug();

    public abstract String title();

    public List<Problem.FieldError> errors() {
        return List.of();
    }

    public Map<String, Object> extensions() {
        return Map.of();
    }

    public Problem toProblem() {
        return new Problem("/problems/" + slug(), title(), status(), getMessage(), errors(), extensions());
    }
}
