package io.agentgate.policy.expr;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import io.agentgate.policy.ActionContext;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A boolean expression compiled once by {@link Expressions#compile(String)}; immutable and safe to evaluate
 * from many threads at once.
 */
public final class CompiledExpression {

    private static final String FAILED = "it failed on this action's values";
    /** {@code Integer.parseInt}'s words, which CEL passes on for {@code int("abc")}. */
    private static final String NOT_A_NUMBER = "For input string: ";
    /** A qualified Java class name or an exception's simple name. */
    private static final Pattern JAVA_WORDS = Pattern.compile(
            "\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*|\\b\\w*(?:Exception|Error)\\b");
    /** Messages may quote an action's values; a reason keeps far less than this. */
    private static final int MAX_MESSAGE = 1000;

    private final String source;
    private final CelRuntime.Program program;

    CompiledExpression(String source, CelRuntime.Program program) {
        this.source = source;
        this.program = program;
    }

    /** The expression text as written. */
    public String source() {
        return source;
    }

    /**
     * Evaluates the expression for one action. Variables are converted lazily, only when the expression reads
     * them.
     *
     * @throws ExpressionEvaluationException when the expression cannot produce a bool for this action
     */
    public boolean test(ActionContext action) {
        try {
            Object result = program.eval(new Bindings(action));
            if (result instanceof Boolean b) {
                return b;
            }
            // Unreachable for a checked bool expression; kept so a runtime surprise fails closed, loudly.
            throw new ExpressionEvaluationException("expression did not produce a bool", null);
        } catch (CelEvaluationException e) {
            throw new ExpressionEvaluationException(describe(e), e);
        }
    }

    /** Java's words for a failure, never a class name: the text ends up in a violation's reason. */
    static String describe(CelEvaluationException e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return FAILED;
        }
        // CEL prefixes "evaluation error at <input>:OFFSET: "; keep only what a policy author needs.
        int cut = message.indexOf(": ");
        if (message.startsWith("evaluation error") && cut > 0) {
            message = message.substring(cut + 2);
        }
        if (message.length() > MAX_MESSAGE) {
            int end = Character.isHighSurrogate(message.charAt(MAX_MESSAGE - 1)) ? MAX_MESSAGE - 1 : MAX_MESSAGE;
            message = message.substring(0, end) + "…";
        }
        if (message.startsWith(NOT_A_NUMBER)) {
            return "not a number: " + message.substring(NOT_A_NUMBER.length());
        }
        return JAVA_WORDS.matcher(message).find() ? FAILED : message;
    }

    @Override
    public String toString() {
        return source;
    }

    /** Resolves {@code action}, {@code context} and {@code agent} on first use within one evaluation. */
    private static final class Bindings implements CelVariableResolver {
        private final ActionContext action;
        private Map<String, Object> context;
        private Map<String, Object> agent;

        Bindings(ActionContext action) {
            this.action = action;
        }

        @Override
        public Optional<Object> find(String name) {
            return switch (name) {
                case Expressions.ACTION -> Optional.ofNullable(action.action());
                case Expressions.CONTEXT -> {
                    if (context == null) {
                        context = CelValues.objectToMap(action.context());
                    }
                    yield Optional.of(context);
                }
                case Expressions.AGENT -> {
                    if (agent == null) {
                        agent = CelValues.agent(action.agent());
                    }
                    yield Optional.of(agent);
                }
                default -> Optional.empty();
            };
        }
    }
}
