package io.agentgate.policy.expr;

/**
 * An expression that does not compile: a syntax error, an unknown name, or a result that is not a bool.
 * The message reads {@code expression error at LINE:COLUMN: DETAIL}; line and column are 1-based positions in
 * the expression text (0 when the compiler gives none).
 */
public final class ExpressionException extends RuntimeException {

    private final String expression;
    private final int line;
    private final int column;
    private final String detail;

    public ExpressionException(String expression, int line, int column, String detail) {
        super("expression error at " + line + ":" + column + ": " + detail);
        this.expression = expression;
        this.line = line;
        this.column = column;
        this.detail = detail;
    }

    public String expression() {
        return expression;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public String detail() {
        return detail;
    }
}
