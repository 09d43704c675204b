package io.agentgate.policy;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides ALLOWED, DENIED or PENDING for an action. Pure: no I/O.
 * Foundation version: only the agent's approval setting; built-in and declarative policies follow.
 */
@ApplicationScoped
public class PolicyEngine {

    public static final String APPROVAL_REQUIRED = "approval-required";

    public Evaluation evaluate(ActionContext action) {
        List<Violation> violations = new ArrayList<>();
        var approval = action.agent().approval();
        if (approval.required()) {
            violations.add(new Violation(APPROVAL_REQUIRED, Severity.MEDIUM, Enforcement.REVIEW,
                    "Agent '" + action.agent().name() + "' requires human approval for every action"));
            return new Evaluation(Outcome.PENDING, violations);
        }
        return new Evaluation(Outcome.ALLOWED, violations);
    }
}
