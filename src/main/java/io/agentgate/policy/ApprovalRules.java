package io.agentgate.policy;

import io.agentgate.agent.ApprovalRuleCheck;
import io.agentgate.policy.expr.ExpressionException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Approval rules are compiled as the engine will evaluate them, so the agent API refuses a bad one with 400. */
@ApplicationScoped
public class ApprovalRules implements ApprovalRuleCheck {

    @Override
    public Optional<String> problem(String rule) {
        try {
            PolicyEngine.validateApprovalRule(rule);
            return Optional.empty();
        } catch (ExpressionException e) {
            return Optional.of(e.getMessage());
        }
    }
}
