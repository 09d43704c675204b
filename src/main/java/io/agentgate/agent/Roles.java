package io.agentgate.agent;

/** Roles of the bearer credentials of the API. */
public final class Roles {

    /** The holder of {@code agentgate.admin-token}. */
    public static final String ADMIN = "admin";
    /** A registered agent, by its API key. */
    public static final String AGENT = "agent";
    /** Identity attribute holding the caller's {@link AgentProfile}. */
    public static final String AGENT_ATTRIBUTE = "agentgate.agent";

    private Roles() {
    }
}
