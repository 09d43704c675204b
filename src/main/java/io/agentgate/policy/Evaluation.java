package io.agentgate.policy;

import java.util.List;

/** The engine's verdict: the outcome and every violation found (deny, review and audit alike). */
public record Evaluation(Outcome outcome, List<Violation> violations) {
}
