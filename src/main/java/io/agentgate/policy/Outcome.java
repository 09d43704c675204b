package io.agentgate.policy;

/** What the engine decides for an action before any human is involved. */
public enum Outcome {
    ALLOWED, DENIED, PENDING
}
