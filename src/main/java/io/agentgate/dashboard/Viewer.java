package io.agentgate.dashboard;

import io.quarkus.security.identity.SecurityIdentity;

/** The person using the dashboard: their email (the login) and roles. */
public record Viewer(String email, boolean approver, boolean admin) {

    public static final String VIEWER = "viewer";
    public static final String APPROVER = "approver";
    public static final String ADMIN = "admin";

    static Viewer of(SecurityIdentity identity) {
        return new Viewer(identity.getPrincipal().getName(), identity.hasRole(APPROVER), identity.hasRole(ADMIN));
    }

    public boolean has(String role) {
        return switch (role) {
            case ADMIN -> admin;
            case APPROVER -> approver || admin;
            default -> true;
        };
    }

    public String roleName() {
        return admin ? ADMIN : approver ? APPROVER : VIEWER;
    }
}
