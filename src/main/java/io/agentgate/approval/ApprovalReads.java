package io.agentgate.approval;

import io.agentgate.common.Jdbc;
import io.agentgate.common.StringListConverter;
import io.agentgate.gate.ActionStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Approval's read API over its {@code approval_vote} and {@code mail_outbox} tables for other features' pages (the
 * dashboard's approval timeline and mail delivery state). Plain JDBC on the caller's connection, columns by name.
 */
public final class ApprovalReads {

    private ApprovalReads() {
    }

    /** One vote of an action's approval timeline. */
    public record VoteRow(String approver, ActionStatus decision, String channel, String comment, Instant votedAt) {
    }

    /** One approver mail and its delivery state. */
    public record MailRow(String recipient, String kind, String status, int attempts, String lastError,
            Instant createdAt, Instant sentAt, Instant nextAttemptAt) {
    }

    /** An action's reminder and escalation: when each is due (null: none, taken, or dropped) and when it happened. */
    public record FollowUpRow(Instant remindAt, Instant remindedAt, Instant escalateAt, Instant escalatedAt,
            List<String> escalateTo) {

        /** Whom it escalates to, in words: "bob@example.com, group oncall". */
        public String escalateToInWords() {
            return Eligibility.describe(escalateTo);
        }
    }

    /** The reminder and escalation of an action whose agent has them; null for one without. */
    public static FollowUpRow followUp(Connection c, UUID actionId) throws SQLException {
        try (PreparedStatement ps = Jdbc.prepare(c, "SELECT remind_at, reminded_at, escalate_at, escalated_at, "
                + "escalate_to FROM approval_follow_up WHERE action_id = ?", List.of(actionId));
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            List<String> to = new StringListConverter().convertToEntityAttribute(rs.getString("escalate_to"));
            return new FollowUpRow(Jdbc.instant(rs, "remind_at"), Jdbc.instant(rs, "reminded_at"),
                    Jdbc.instant(rs, "escalate_at"), Jdbc.instant(rs, "escalated_at"), to == null ? List.of() : to);
        }
    }

    /** The grant an action passed by, as its detail page names it. */
    public record GrantRow(UUID id, String scope, String grantedBy, Instant grantedAt) {
    }

    /** The grant of this id; null when there is none (or none given). */
    public static GrantRow grant(Connection c, UUID grantId) throws SQLException {
        if (grantId == null) {
            return null;
        }
        try (PreparedStatement ps = Jdbc.prepare(c, "SELECT id, scope, granted_by, granted_at FROM approval_grant "
                + "WHERE id = ?", List.of(grantId)); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new GrantRow(grantId, GrantScope.valueOf(rs.getString("scope")).json(),
                    rs.getString("granted_by"), Jdbc.instant(rs, "granted_at")) : null;
        }
    }

    /** The votes cast on an action, in the order they were cast. */
    public static List<VoteRow> votes(Connection c, UUID actionId) throws SQLException {
        List<VoteRow> votes = new ArrayList<>();
        try (PreparedStatement ps = Jdbc.prepare(c, "SELECT approver, decision, channel, comment, voted_at "
                + "FROM approval_vote WHERE action_id = ? ORDER BY voted_at, id", List.of(actionId));
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                votes.add(new VoteRow(rs.getString("approver"), ActionStatus.valueOf(rs.getString("decision")),
                        rs.getString("channel"), rs.getString("comment"), Jdbc.instant(rs, "voted_at")));
            }
        }
        return votes;
    }

    /** The approver mails of an action, in the order they were queued. */
    public static List<MailRow> mails(Connection c, UUID actionId) throws SQLException {
        List<MailRow> mails = new ArrayList<>();
        try (PreparedStatement ps = Jdbc.prepare(c, "SELECT recipient, kind, status, attempts, last_error, created_at, "
                + "sent_at, next_attempt_at FROM mail_outbox WHERE action_id = ? ORDER BY id", List.of(actionId));
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                mails.add(new MailRow(rs.getString("recipient"), rs.getString("kind"), rs.getString("status"),
                        rs.getInt("attempts"), rs.getString("last_error"), Jdbc.instant(rs, "created_at"),
                        Jdbc.instant(rs, "sent_at"), Jdbc.instant(rs, "next_attempt_at")));
            }
        }
        return mails;
    }
}
