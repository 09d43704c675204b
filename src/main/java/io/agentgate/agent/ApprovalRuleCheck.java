package io.agentgate.agent;

import java.util.Optional;

/**
 * Checks an agent's approval rule before it is stored. The policy engine, which evaluates rules and already depends
 * on agents, answers it: the interface keeps the dependency one way.
 */
public interface ApprovalRuleCheck {

    /** What is wrong with the rule (position and reason), or empty when it compiles. */
    Optional<String> problem(String rule);
}
