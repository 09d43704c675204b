package io.agentgate.agent;

/** How much harm an agent can do; drives default policies (business hours) and compliance checks. */
public enum RiskLevel {
    LOW, MEDIUM, HIGH, CRITICAL;

    public boolean atLeast(RiskLevel other) {
        return compareTo(other) >= 0;
    }
}
