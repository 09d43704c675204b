package io.agentgate.gate;

/** A pending action reached its terminal state. Fired inside the deciding transaction; observers act after commit. */
public record ActionDecided(ActionView action) {
}
