package io.agentgate.approval;

import io.agentgate.common.InvalidRequest;
import io.agentgate.gate.ActionStatus;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** One approver's vote on one action (unique per action and approver). Inserted, never updated. */
@Entity
@Table(name = "approval_vote")
public class Vote extends PanacheEntityBase {

    /** The longest comment a vote carries, on every channel (the column's size). */
    public static final int MAX_COMMENT = 2000;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "action_id")
    public UUID actionId;

    public String approver;

    /** APPROVED or REJECTED. */
    @Enumerated(EnumType.STRING)
    public ActionStatus decision;

    @Enumerated(EnumType.STRING)
    public VoteChannel channel;

    public String comment;

    /** Nonce of the link that cast this vote; null for dashboard and API votes. */
    @Column(name = "link_nonce")
    public String linkNonce;

    @Column(name = "voted_at")
    public Instant votedAt;

    /** The tool arguments this approval changed them to (approve with edits, compact JSON); null: as they stood. */
    @Column(name = "tool_args")
    public String toolArgs;

    /** A vote approves or rejects; anything else (or nothing) is refused, on every channel. */
    public static void checkDecision(ActionStatus decision) {
        if (decision == null || !decision.isPersonsDecision()) {
            throw new InvalidRequest("decision", "must be APPROVED or REJECTED");
        }
    }

    /** A comment fits the column, on every channel; the refusal says by how much it does not. */
    public static void checkComment(String comment) {
        if (comment != null && comment.length() > MAX_COMMENT) {
            throw new InvalidRequest("comment", "has at most " + MAX_COMMENT + " characters; this one has "
                    + comment.length() + ". Nothing was decided");
        }
    }

    /** The vote as the read API and the eligibility check see it. */
    public ApprovalReads.VoteRow row() {
        return new ApprovalReads.VoteRow(approver, decision, channel.name(), comment, votedAt);
    }

    static Optional<Vote> of(UUID actionId, String approver) {
        return find("actionId = ?1 and approver = ?2", actionId, approver).firstResultOptional();
    }

    static Optional<Vote> byNonce(String nonce) {
        return find("linkNonce", nonce).firstResultOptional();
    }

    /** The latest vote that changed the tool arguments: while pending, the edit every further approval approves. */
    static Optional<Vote> latestEdit(UUID actionId) {
        return find("actionId = ?1 and toolArgs is not null order by id desc", actionId).firstResultOptional();
    }

    static long approvals(UUID actionId) {
        return count("actionId = ?1 and decision = ?2", actionId, ActionStatus.APPROVED);
    }
}
