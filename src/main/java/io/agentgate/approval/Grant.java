package io.agentgate.approval;

import io.agentgate.policy.Severity;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A standing approval: later submissions of one agent and action (for {@link GrantScope#SAME_ARGUMENTS}, with the
 * same canonical arguments) pass the review step. Uses and revocation change only by conditional UPDATEs.
 */
@Entity
@Table(name = "approval_grant")
public class Grant extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "agent_id")
    public UUID agentId;

    @Column(name = "agent_name")
    public String agentName;

    public String action;

    @Enumerated(EnumType.STRING)
    public GrantScope scope;

    /** SHA-256 of the canonical arguments (same-arguments only). */
    @Column(name = "args_digest")
    public String argsDigest;

    /** The canonical arguments, to say what the grant covers (same-arguments only). */
    public String arguments;

    @Column(name = "policy_version")
    public String policyVersion;

    /** The most severe review violation the grant was given over: it covers up to this severity. */
    @Enumerated(EnumType.STRING)
    public Severity severity;

    @Column(name = "source_action_id")
    public UUID sourceActionId;

    @Column(name = "granted_by")
    public String grantedBy;

    @Column(name = "granted_at")
    public Instant grantedAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "max_uses")
    public Integer maxUses;

    public int uses;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "revoked_by")
    public String revokedBy;
}
