package io.agentgate.audit;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The one row that holds the chain's last position and hash; appending locks it. */
@Entity
@Table(name = "audit_chain_head")
public class AuditChainHead extends PanacheEntityBase {

    public static final int ID = 1;

    @Id
    public Integer id;

    public long seq;

    public String hash;

    /** The key of the event the head points at; null while the chain is unkeyed (or empty). */
    @Column(name = "key_id")
    public String keyId;
}
