package io.agentgate.audit;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** What one retention run pruned: the chain position and hash it ended at, signed. */
@Entity
@Table(name = "audit_checkpoint")
public class AuditCheckpoint extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "up_to_seq")
    public long upToSeq;

    @Column(name = "last_hash")
    public String lastHash;

    @Column(name = "events_pruned")
    public long eventsPruned;

    @Column(name = "pruned_before")
    public Instant prunedBefore;

    public String signature;

    /** The audit key the signature is an HMAC under; null for a checkpoint signed by an older version. */
    @Column(name = "key_id")
    public String keyId;

    /** The text the signature covers. */
    public String signedText() {
        return upToSeq + "|" + lastHash + "|" + eventsPruned + "|" + prunedBefore + "|" + createdAt;
    }
}
