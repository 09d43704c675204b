package io.agentgate.dashboard;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.security.jpa.Password;
import io.quarkus.security.jpa.PasswordType;
import io.quarkus.security.jpa.Roles;
import io.quarkus.security.jpa.UserDefinition;
import io.quarkus.security.jpa.Username;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** A person who uses the dashboard: viewer, approver or admin. The password is a bcrypt hash. */
@Entity
@Table(name = "account")
@UserDefinition
public class Account extends PanacheEntityBase {

    @Id
    public UUID id;

    @Username
    public String email;

    @Password(PasswordType.MCF)
    @Column(name = "password_hash")
    public String passwordHash;

    /** Comma-separated roles. */
    @Roles
    public String roles;

    /** Approver groups the person belongs to (an agent's approvers may name {@code group:<name>}). */
    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "account_group", joinColumns = @JoinColumn(name = "account_id"))
    @Column(name = "group_name")
    public Set<String> groups = new TreeSet<>();

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** Sessions logged in before this instant are over (logout, password change, disabling); null: none ended. */
    @Column(name = "sessions_valid_after")
    public Instant sessionsValidAfter;

    /** A disabled account cannot log in; its sessions and personal tokens stop working. */
    public boolean disabled;

    /** The identity provider that signs this account in (OIDC issuer); null for a local account. */
    @Column(name = "idp_issuer")
    public String idpIssuer;

    /** The account's subject at {@link #idpIssuer}. */
    @Column(name = "idp_subject")
    public String idpSubject;

    public List<String> roleList() {
        return Arrays.stream(roles.split(",")).map(String::trim).filter(r -> !r.isEmpty()).toList();
    }

    public List<String> groupList() {
        return groups.stream().sorted().toList();
    }

    public boolean mayApprove() {
        return roleList().contains("approver") || roleList().contains("admin");
    }

    public static Optional<Account> findByEmail(String email) {
        return find("email", email).firstResultOptional();
    }
}
