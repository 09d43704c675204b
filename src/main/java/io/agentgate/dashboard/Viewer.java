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

    /** Whether the pages offer decision controls (checkboxes, revoke); who may vote on an action is Eligibility's. */
    public boolean approverRole() {
        return has(APPROVER);
    }

    public String roleName() {
        return admin ? ADMIN : approver ? APPROVER : VIEWER;
    }
}
