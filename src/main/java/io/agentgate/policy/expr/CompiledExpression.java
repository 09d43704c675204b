package io.agentgate.policy.expr;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import io.agentgate.policy.ActionContext;
import java.util.Map;
import java.util.Optional;

/**
 * A boolean expression compiled once by {@link Expressions#compile(String)}; immutable and safe to evaluate
 * from many threads at once.
 */
public final class CompiledExpression {

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

    private static String describe(CelEvaluationException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // CEL prefixes "evaluation error at <input>:OFFSET: "; keep only what a policy author needs.
        int cut = message.indexOf(": ");
        return message.startsWith("evaluation error") && cut > 0 ? message.substring(cut + 2) : message;
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
