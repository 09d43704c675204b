package io.agentgate.approval;

import io.agentgate.common.StringListConverter;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A pending action's reminder and escalation: when each is due (cleared when it is taken, or when the action ends
 * first) and when it happened. {@code remindedAt} and
 * {@code escalatedAt} change only by the conditional updates in {@link FollowUps} (once each, across instances).
 */
@Entity
@Table(name = "approval_follow_up")
public class FollowUp extends PanacheEntityBase {

    @Id
    @Column(name = "action_id")
    public UUID actionId;

    @Column(name = "remind_at")
    public Instant remindAt;

    @Column(name = "reminded_at")
    public Instant remindedAt;

    @Column(name = "escalate_at")
    public Instant escalateAt;

    @Column(name = "escalated_at")
    public Instant escalatedAt;

    /** Whom the escalation makes approvers too (emails and {@code group:<name>}), copied from the agent. */
    @Convert(converter = StringListConverter.class)
    @Column(name = "escalate_to")
    public List<String> escalateTo = List.of();
}
