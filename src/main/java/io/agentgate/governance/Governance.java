package io.agentgate.governance;

import io.agentgate.policy.DeclarativePolicy;
import io.agentgate.policy.PolicyEngine;
import java.util.List;

/**
 * A validated governance file: its content and the declarative policies compiled from it.
 *
 * @param source the file name used in messages
 */
public record Governance(String source, GovernanceFile file, List<DeclarativePolicy> policies) {

    public Governance {
        policies = List.copyOf(policies);
    }

    /** Puts the file's built-in overrides and declarative policies into effect in one swap. */
    public void applyTo(PolicyEngine engine) {
        engine.applyGovernance(file.builtins(), policies);
    }
}
