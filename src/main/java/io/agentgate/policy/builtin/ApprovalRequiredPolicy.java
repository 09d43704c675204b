package io.agentgate.policy.builtin;

import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.ApprovalSettings;
import io.agentgate.policy.ActionContext;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.PolicyEngine;
import io.agentgate.policy.Severity;
import io.agentgate.policy.Violation;
import io.agentgate.policy.expr.CompiledExpression;
import io.agentgate.policy.expr.ExpressionEvaluationException;
import io.agentgate.policy.expr.ExpressionException;
import io.agentgate.policy.expr.Expressions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code approval-required}: agents with {@code approval.required} need a human for every action their
 * {@code approval.rule} matches (every action when there is no rule). Rules are compiled with the same CEL as
 * declarative policies, once per distinct rule text. A rule that fails to compile or to evaluate also sends the
 * action to review: it fails closed.
 */
@ApplicationScoped
public class ApprovalRequiredPolicy implements BuiltinPolicy {

    public static final String NAME = PolicyEngine.APPROVAL_REQUIRED;
    private static final int MAX_CACHED_RULES = 10_000;

    public record Settings(CommonSettings common) {
        public static Settings defaults() {
            return new Settings(CommonSettings.of(Enforcement.REVIEW, Severity.MEDIUM));
        }
    }

    private final Settings settings;
    private final Map<String, Object> compiled;

    @Inject
    public ApprovalRequiredPolicy(PoliciesConfig config) {
        this(new Settings(PoliciesConfig.common(config.approvalRequired())));
    }

    public ApprovalRequiredPolicy(Settings settings) {
        this(settings, new ConcurrentHashMap<>());
    }

    private ApprovalRequiredPolicy(Settings settings, Map<String, Object> compiled) {
        this.settings = settings;
        this.compiled = compiled;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Actions matching the agent's approval rule (every action when it has none) need a human decision";
    }

    @Override
    public CommonSettings common() {
        return settings.common();
    }

    @Override
    public boolean appliesTo(AgentProfile agent) {
        return agent.approval() != null && agent.approval().required() && settings.common().appliesTo(agent);
    }

    @Override
    public Optional<Violation> check(ActionContext action) {
        ApprovalSettings approval = action.agent().approval();
        if (approval == null || !approval.required()) {
            return Optional.empty();
        }
        String rule = approval.rule();
        if (rule == null || rule.isBlank()) {
            return violation("Agent '" + action.agent().name() + "' requires human approval for every action");
        }
        Object program = compiled(rule);
        if (program instanceof ExpressionException e) {
            return violation("Approval rule is invalid (" + e.getMessage() + "), so approval is required: " + rule);
        }
        try {
            return ((CompiledExpression) program).test(action) ? violation("Approval rule matched: " + rule)
                    : Optional.empty();
        } catch (ExpressionEvaluationException e) {
            return violation("Approval rule could not be evaluated (" + e.getMessage()
                    + "), so approval is required: " + rule);
        }
    }

    /** The compiled rule, or the compile error, remembered per rule text. */
    private Object compiled(String rule) {
        Object cached = compiled.get(rule);
        if (cached != null) {
            return cached;
        }
        Object result;
        try {
            result = Expressions.compile(rule);
        } catch (ExpressionException e) {
            result = e;
        }
        if (compiled.size() >= MAX_CACHED_RULES) {
            compiled.clear(); // rules are per agent; only a flood of distinct rules gets here
        }
        compiled.put(rule, result);
        return result;
    }

    private Optional<Violation> violation(String reason) {
        return Optional.of(settings.common().violation(NAME, reason));
    }

    @Override
    public BuiltinPolicy withOverride(BuiltinOverride override) {
        BuiltinPolicy.rejectActions(NAME, override);
        return new ApprovalRequiredPolicy(new Settings(settings.common().merge(override)), compiled);
    }
}
