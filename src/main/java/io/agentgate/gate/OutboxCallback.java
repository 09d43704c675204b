package io.agentgate.gate;

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

/** One callback to deliver: the decision's JSON, where to, and how the attempts went. */
@Entity
@Table(name = "callback_outbox")
public class OutboxCallback extends PanacheEntityBase {

    /** PENDING (due at nextAttemptAt), SENDING (claimed), DELIVERED, FAILED (gave up). */
    public enum Status { PENDING, SENDING, DELIVERED, FAILED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "action_id")
    public UUID actionId;

    @Column(name = "agent_name")
    public String agentName;

    public String url;

    /** Stable across retries, so receivers can drop duplicates. */
    @Column(name = "webhook_id")
    public String webhookId;

    public String payload;

    @Enumerated(EnumType.STRING)
    public Status status;

    public int attempts;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "claimed_until")
    public Instant claimedUntil;

    @Column(name = "delivered_at")
    public Instant deliveredAt;

    @Column(name = "last_status")
    public Integer lastStatus;

    @Column(name = "last_error")
    public String lastError;
}
