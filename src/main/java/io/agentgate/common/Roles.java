package io.agentgate.common;

/** Roles of the bearer credentials of the API. */
public final class Roles {

    /** The holder of {@code agentgate.admin-token}. */
    public static final String ADMIN = "admin";
    /** A registered agent, by its API key. */
    public static final String AGENT = "agent";
    /** A dashboard user by one of their personal API tokens. */
    public static final String USER = "user";
    /** Identity attribute of a {@link #USER}: the account's dashboard roles (viewer, approver, admin). */
    public static final String USER_ROLES_ATTRIBUTE = "agentgate.user.roles";
    /** Identity attribute of a {@link #USER}: the id of the personal token used. */
    public static final String TOKEN_ID_ATTRIBUTE = "agentgate.user.token";
    /** Identity attribute holding the calling agent's profile (agent.AgentProfile). */
    public static final String AGENT_ATTRIBUTE = "agentgate.agent";

    private Roles() {
    }
}
