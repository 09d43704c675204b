package io.agentgate.policy;

/**
 * One policy as {@code GET /api/v1/policies} shows it.
 *
 * @param builtIn true for the policies that ship with AgentGate, false for declarative ones
 */
public record PolicyDescription(String name, String description, Severity severity, Enforcement enforcement,
        PolicyScope scope, boolean builtIn) {
}
