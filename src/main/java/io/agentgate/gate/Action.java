package io.agentgate.gate;

import io.agentgate.common.StringListConverter;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One action an agent asked to take. The status is only ever changed by the conditional updates in
 * {@link GateService}, never by setting this field on a loaded row.
 */
@Entity
@Table(name = "action")
public class Action extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "agent_id")
    public UUID agentId;

    @Column(name = "agent_name")
    public String agentName;

    public String action;

    /** The agent's JSON context. */
    public String context;

    @Column(name = "tool_name")
    public String toolName;

    /** The tool arguments as the agent submitted them (JSON object text), or null. */
    @Column(name = "tool_args")
    public String toolArgs;

    /** What an approver changed the tool arguments to; set only by an approval with edits, else null. */
    @Column(name = "approved_tool_args")
    public String approvedToolArgs;

    @Column(name = "session_id")
    public String sessionId;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    /** SHA-256 of the request, to tell a retry from a different request reusing a key. */
    @Column(name = "request_hash")
    public String requestHash;

    @Column(name = "callback_url")
    public String callbackUrl;

    @Enumerated(EnumType.STRING)
    public ActionStatus status;

    @Column(name = "created_at")
    public Instant createdAt;

    public Instant deadline;

    @Column(name = "decided_at")
    public Instant decidedAt;

    @Column(name = "decided_by")
    public String decidedBy;

    @Column(name = "decision_comment")
    public String comment;

    @Column(name = "result_at")
    public Instant resultAt;

    /** The agent's approvers when the action was submitted (a later change to the agent does not move them). */
    @Convert(converter = StringListConverter.class)
    public List<String> approvers = List.of();

    /** Distinct approvals needed, snapshotted with the approvers. */
    @Column(name = "required_approvals")
    public int requiredApprovals = 1;

    /** The grant this action passed by without a person (ALLOWED), else null. */
    @Column(name = "grant_id")
    public UUID grantId;

    /** A held submission's deadline, kept while it is decided whether a grant lets it pass. */
    @Transient
    private Instant heldDeadline;

    /**
     * Before a held submission is stored: it passes by the grant (ALLOWED, no deadline), or with null stays held.
     * Safe to call again when a batch is retried.
     */
    void passBy(UUID grant) {
        if (status != ActionStatus.PENDING && grantId == null) {
            return;
        }
        if (heldDeadline == null) {
            heldDeadline = deadline;
        }
        grantId = grant;
        status = grant == null ? ActionStatus.PENDING : ActionStatus.ALLOWED;
        deadline = grant == null ? heldDeadline : null;
    }

    /** The status the agent was first told: PENDING for anything a person or the clock decided. */
    public ActionStatus initialStatus() {
        return status == ActionStatus.ALLOWED || status == ActionStatus.DENIED ? status : ActionStatus.PENDING;
    }
}
