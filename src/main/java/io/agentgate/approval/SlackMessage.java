package io.agentgate.approval;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** The direct message posted to one approver for one action: the channel and ts that {@code chat.update} needs. */
@Entity
@Table(name = "slack_message")
@IdClass(SlackMessage.Key.class)
public class SlackMessage extends PanacheEntityBase {

    /** Primary key: one message per action and approver. */
    public static class Key implements Serializable {
        public UUID actionId;
        public String approver;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(actionId, k.actionId) && Objects.equals(approver, k.approver);
        }

        @Override
        public int hashCode() {
            return Objects.hash(actionId, approver);
        }
    }

    @Id
    @Column(name = "action_id")
    public UUID actionId;

    @Id
    public String approver;

    @Column(name = "slack_user")
    public String slackUser;

    public String channel;

    public String ts;

    @Column(name = "posted_at")
    public Instant postedAt;

    static Optional<SlackMessage> of(UUID actionId, String approver) {
        return find("actionId = ?1 and approver = ?2", actionId, approver).firstResultOptional();
    }
}
