package io.agentgate.approval;

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
import java.util.UUID;

/** One Slack call to make after commit. Its status changes only by the conditional updates in {@link SlackOutbox}. */
@Entity
@Table(name = "slack_outbox")
public class SlackDelivery extends PanacheEntityBase {

    /** What the row does with the approver's direct message. */
    public enum Kind {
        /** Post it (the action is pending). */
        POST,
        /** Update it after the approver's own vote that did not end the action. */
        VOTE,
        /** Update it with the outcome, wherever the action was decided. */
        OUTCOME
    }

    /** As the mail outbox: PENDING -> SENDING (claimed) -> SENT, back to PENDING on failure, or OBSOLETE. */
    public enum Status {
        PENDING, SENDING, SENT,
        /** Nothing left to do: the action ended before the post, or the approver has no Slack account. */
        OBSOLETE
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "action_id")
    public UUID actionId;

    public String approver;

    @Enumerated(EnumType.STRING)
    public Kind kind;

    @Enumerated(EnumType.STRING)
    public Status status;

    public int attempts;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "claimed_until")
    public Instant claimedUntil;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "sent_at")
    public Instant sentAt;
}
