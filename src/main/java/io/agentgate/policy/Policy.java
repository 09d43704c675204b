package io.agentgate.policy;

import io.agentgate.agent.AgentProfile;
import java.util.Optional;

/** A rule every action is checked against. Implementations are pure: no I/O, no blocking. */
public interface Policy {

    String name();

    String description();

    Severity severity();

    Enforcement enforcement();

    /** Whether this policy is in scope for the agent at all. */
    boolean appliesTo(AgentProfile agent);

    /** The objection to this action, if any. */
    Optional<Violation> check(ActionContext action);

    /** Which agents and actions this policy covers, for {@code GET /api/v1/policies}; all by default. */
    default PolicyScope scope() {
        return PolicyScope.ALL;
    }
}
