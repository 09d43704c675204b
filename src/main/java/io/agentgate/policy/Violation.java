package io.agentgate.policy;

/** One policy's objection to one action, as stored and as shown in JSON. */
public record Violation(String policy, Severity severity, Enforcement enforcement, String reason) {
}
