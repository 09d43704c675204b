package io.agentgate.audit;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One append-only, hash-chained audit record. Rows are inserted, never updated. */
@Entity
@Table(name = "audit_event")
public class AuditEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id")
    public UUID eventId;

    @Column(name = "occurred_at")
    public Instant occurredAt;

    public String type;

    @Column(name = "agent_name")
    public String agentName;

    @Column(name = "action_id")
    public UUID actionId;

    public String actor;

    /** Canonical JSON of the event's details. */
    public String details;

    /** Position in the chain: one total order over all events. */
    public Long seq;

    @Column(name = "prev_hash")
    public String prevHash;

    public String hash;

    /** Id of the audit key the hash is an HMAC under; null for an event chained before the key (plain SHA-256). */
    @Column(name = "key_id")
    public String keyId;
}
