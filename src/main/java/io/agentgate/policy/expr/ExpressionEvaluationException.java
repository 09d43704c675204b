package io.agentgate.policy.expr;

/**
 * A compiled expression that could not produce a bool for one action, e.g. it reads a context key that is not
 * there without guarding it with {@code has()}, or compares a string with a number. Callers fail closed: they
 * treat it as a match, never as "no objection".
 */
public final class ExpressionEvaluationException extends RuntimeException {

    public ExpressionEvaluationException(String message, Throwable cause) {
        super(message, cause);
    }
}
