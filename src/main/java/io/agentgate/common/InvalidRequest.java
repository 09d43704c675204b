package io.agentgate.common;

import java.util.List;

/** The request is well-formed JSON but its values are not acceptable. */
public class InvalidRequest extends DomainException {

    private final List<Problem.FieldError> errors;

    public InvalidRequest(List<Problem.FieldError> errors) {
        super(errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid");
        this.errors = List.copyOf(errors);
    }

    public InvalidRequest(String field, String message) {
        this(List.of(new Problem.FieldError(field, message)));
    }

    @Override
    public int status() {
        return 400;
    }

    @Override
    public String slug() {
        return "validation";
    }

    @Override
    public String title() {
        return "Invalid request";
    }

    @Override
    public List<Problem.FieldError> errors() {
        return errors;
    }
}
