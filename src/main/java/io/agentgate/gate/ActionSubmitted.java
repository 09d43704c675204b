package io.agentgate.gate;

/** Fired inside the submitting transaction; observers act after it commits. */
public record ActionSubmitted(ActionView action) {
}
