package io.agentgate.policy;

import io.agentgate.agent.AgentProfile;
import io.agentgate.policy.expr.CompiledExpression;
import io.agentgate.policy.expr.ExpressionEvaluationException;
import java.util.Objects;
import java.util.Optional;

/**
 * A policy from the governance file: a CEL expression, compiled at load time, that says when an action violates
 * it. When the expression cannot be evaluated for an action (e.g. an unguarded missing context key) the policy
 * counts as matched (fail closed) and the reason says so; it is never silently skipped.
 */
public final class DeclarativePolicy implements Policy {

    private final String name;
    private final String description;
    private final Severity severity;
    private final Enforcement enforcement;
    private final PolicyScope scope;
    private final CompiledExpression expression;
    private final String reason;

    public DeclarativePolicy(String name, String description, Severity severity, Enforcement enforcement,
            PolicyScope scope, CompiledExpression expression, String reason) {
        this.name = Objects.requireNonNull(name, "name");
        this.severity = Objects.requireNonNull(severity, "severity");
        this.enforcement = Objects.requireNonNull(enforcement, "enforcement");
        this.scope = scope == null ? PolicyScope.ALL : scope;
        this.expression = Objects.requireNonNull(expression, "expression");
        this.reason = reason == null || reason.isBlank() ? "Policy '" + name + "' matched: " + expression.source()
                : reason;
        this.description = description == null || description.isBlank() ? this.reason : description;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Severity severity() {
        return severity;
    }

    @Override
    public Enforcement enforcement() {
        return enforcement;
    }

    @Override
    public PolicyScope scope() {
        return scope;
    }

    public String expression() {
        return expression.source();
    }

    @Override
    public boolean appliesTo(AgentProfile agent) {
        return scope.includes(agent);
    }

    @Override
    public Optional<Violation> check(ActionContext action) {
        try {
            return expression.test(action) ? Optional.of(new Violation(name, severity, enforcement, reason))
                    : Optional.empty();
        } catch (ExpressionEvaluationException e) {
            return Optional.of(new Violation(name, severity, enforcement,
                    reason + " (the expression could not be evaluated: " + e.getMessage() + ")"));
        }
    }

    @Override
    public String toString() {
        return "DeclarativePolicy[" + name + "]";
    }
}
