package io.agentgate.gate;

/**
 * A pending action reached its terminal state. Fired inside the deciding transaction; observers act after commit.
 *
 * @param callbackUrl   where the action asked to be told (null: nowhere), when {@code callbackKnown}
 * @param callbackKnown whether the decider already read the row (a vote holds it locked): observers need not read it
 */
public record ActionDecided(ActionView action, String callbackUrl, boolean callbackKnown) {

    /** The decided action; whoever needs its callback address reads it. */
    public ActionDecided(ActionView action) {
        this(action, null, false);
    }
}
