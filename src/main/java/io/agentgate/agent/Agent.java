package io.agentgate.agent;

import io.agentgate.common.StringListConverter;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A registered agent row. Other features see it as an {@link AgentProfile}. */
@Entity
@Table(name = "agent")
public class Agent extends PanacheEntityBase {

    @Id
    public UUID id;

    public String name;

    @Column(name = "display_name")
    public String displayName;

    @Enumerated(EnumType.STRING)
    @Column(name = "risk_level")
    public RiskLevel riskLevel;

    @Column(name = "cap_write_data")
    public boolean writeData;

    @Column(name = "cap_send_external")
    public boolean sendExternalMessages;

    @Column(name = "cap_execute_code")
    public boolean executeCode;

    @Column(name = "cap_financial")
    public boolean financialTransactions;

    @Column(name = "max_transaction_amount")
    public BigDecimal maxTransactionAmount;

    @Convert(converter = StringListConverter.class)
    @Column(name = "allowed_actions")
    public List<String> allowedActions;

    @Column(name = "approval_required")
    public boolean approvalRequired;

    @Column(name = "approval_rule")
    public String approvalRule;

    @Convert(converter = StringListConverter.class)
    public List<String> approvers;

    @Column(name = "required_approvals")
    public int requiredApprovals;

    @Column(name = "approval_timeout_seconds")
    public Integer approvalTimeoutSeconds;

    @Column(name = "approval_description")
    public String approvalDescription;

    @Column(name = "remind_after_seconds")
    public Integer remindAfterSeconds;

    @Column(name = "escalate_after_seconds")
    public Integer escalateAfterSeconds;

    @Convert(converter = StringListConverter.class)
    @Column(name = "escalate_to")
    public List<String> escalateTo = List.of();

    @Column(name = "api_key_hash")
    public String apiKeyHash;

    @Column(name = "api_key_id")
    public String apiKeyId;

    /** Standard Webhooks signing secret ({@code whsec_...}); shown only at creation and rotation. */
    @Column(name = "webhook_secret")
    public String webhookSecret;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Version
    public long version;

    public static Optional<Agent> findByName(String name) {
        return find("name", name).firstResultOptional();
    }

    public static Optional<Agent> findByKeyHash(String hash) {
        return find("apiKeyHash", hash).firstResultOptional();
    }

    public AgentProfile profile() {
        return new AgentProfile(id, name, displayName, riskLevel,
                new Capabilities(writeData, sendExternalMessages, executeCode, financialTransactions),
                maxTransactionAmount, allowedActions,
                new ApprovalSettings(approvalRequired, approvalRule, approvers, requiredApprovals,
                        approvalTimeoutSeconds, approvalDescription, remindAfterSeconds, escalateAfterSeconds,
                        escalateTo));
    }
}
