package io.agentgate.dashboard;

import io.agentgate.gate.ActionStatus;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The dashboard's read side: lists, the overview's figures, an action's full record and the violation statistics,
 * read with plain SQL over the gate's, approval's and audit's tables (reading only; every change goes through their
 * services). Each method uses one connection and a fixed number of statements.
 */
@ApplicationScoped
public class DashboardQueries {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Clock clock;

    /** The overview: counts and the pending actions closest to their deadline; the median is null without decisions. */
    public record Overview(long pending, long timedOut24h, long violations24h, long decided24h,
            Duration medianTimeToDecision, int decisionsMeasured, List<ActionListing.Row> closest,
            Map<Severity, Long> violationsBySeverity24h) {
    }

    /** One vote of the approval timeline. */
    public record VoteRow(String approver, ActionStatus decision, String channel, String comment, Instant votedAt) {
    }

    /** One approver mail and its delivery state. */
    public record MailRow(String recipient, String kind, String status, int attempts, String lastError,
            Instant createdAt, Instant sentAt, Instant nextAttemptAt) {
    }

    /** One audit event of the action. */
    public record AuditRow(long seq, Instant occurredAt, String type, String actor, String details) {
    }

    /** Everything the detail page shows. */
    public record ActionRecord(ActionListing.Row row, String context, String toolName, String toolArgs,
            String sessionId, String comment, Instant resultAt, List<String> approvers, int requiredApprovals,
            List<VoteRow> votes, List<MailRow> mails, List<AuditRow> audit) {

        public long approvals() {
            return votes.stream().filter(v -> v.decision() == ActionStatus.APPROVED).count();
        }

        /** Who decides, in words: named people and groups, or any approver when the agent names none. */
        public String approversInWords() {
            return io.agentgate.approval.Eligibility.describe(approvers);
        }
    }

    /** A count by some key. */
    public record Count(String key, long count) {
    }

    /** A violation as the violations page lists it. */
    public record RecentViolation(UUID actionId, String agent, String action, String policy, Severity severity,
            Enforcement enforcement, String reason, Instant createdAt) {
    }

    /** The violations page: totals by policy, severity and agent over a window, per day, and the latest ones. */
    public record ViolationStats(Instant since, long total, List<Count> byPolicy, List<Count> bySeverity,
            List<Count> byAgent, List<Count> perDay, List<RecentViolation> recent) {

        /** A day's count as a share of the busiest day, for its bar. */
        public long percent(Count day) {
            long max = perDay.stream().mapToLong(Count::count).max().orElse(0);
            return max == 0 ? 0 : Math.round(100.0 * day.count() / max);
        }
    }

    /** Per-agent activity for the agents page. */
    public record AgentActivity(long pending, long actions24h, long violations24h) {
    }

    public ActionListing.Page list(ListView view, ActionListing.Filter filter, String after, int size) {
        return withConnection(c -> ActionListing.page(c, view, filter, after, size));
    }

    public Overview overview() {
        Instant now = clock.instant();
        Instant dayAgo = now.minus(Duration.ofHours(24));
        return withConnection(c -> {
            long pending = count(c, "SELECT COUNT(*) FROM action WHERE status = ?", "PENDING");
            long timedOut = count(c, "SELECT COUNT(*) FROM action WHERE status = ? AND decided_at >= ?", "TIMED_OUT",
                    dayAgo);
            long violations = count(c, "SELECT COUNT(*) FROM violation WHERE created_at >= ?", dayAgo);
            long decided = count(c, "SELECT COUNT(*) FROM action WHERE decided_at >= ? AND status IN (?, ?)", dayAgo,
                    "APPROVED", "REJECTED");
            // median over the latest 1000 decisions by a person in the last 7 days
            List<Long> millis = new ArrayList<>();
            try (PreparedStatement ps = ActionListing.prepare(c, "SELECT created_at, decided_at FROM action "
                    + "WHERE decided_at >= ? AND status IN (?, ?) ORDER BY decided_at DESC, id DESC FETCH FIRST 1000 ROWS ONLY",
                    List.of(now.minus(Duration.ofDays(7)), "APPROVED", "REJECTED"));
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    millis.add(Duration.between(ActionListing.instant(rs, 1), ActionListing.instant(rs, 2)).toMillis());
                }
            }
            millis.sort(null);
            Duration median = millis.isEmpty() ? null
                    : Duration.ofMillis(millis.size() % 2 == 1 ? millis.get(millis.size() / 2)
                            : (millis.get(millis.size() / 2 - 1) + millis.get(millis.size() / 2)) / 2);
            ActionListing.Page closest = ActionListing.page(c, ListView.PENDING, ActionListing.Filter.NONE, null, 5);
            Map<Severity, Long> bySeverity = new LinkedHashMap<>();
            for (Severity s : List.of(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)) {
                bySeverity.put(s, count(c, "SELECT COUNT(*) FROM violation WHERE severity = ? AND created_at >= ?",
                        s.name(), dayAgo));
            }
            return new Overview(pending, timedOut, violations, decided, median, millis.size(), closest.rows(),
                    bySeverity);
        });
    }

    /** Pending and timed-out counts for the list tabs (both small, indexed ranges). */
    public Map<ListView, Long> tabCounts() {
        Instant dayAgo = clock.instant().minus(Duration.ofHours(24));
        return withConnection(c -> {
            Map<ListView, Long> counts = new LinkedHashMap<>();
            counts.put(ListView.PENDING, count(c, "SELECT COUNT(*) FROM action WHERE status = ?", "PENDING"));
            counts.put(ListView.TIMED_OUT, count(c, "SELECT COUNT(*) FROM action WHERE status = ? AND decided_at >= ?",
                    "TIMED_OUT", dayAgo));
            return counts;
        });
    }

    public Optional<ActionRecord> action(UUID id) {
        return withConnection(c -> {
            ActionListing.Row row;
            String context;
            String toolName;
            String toolArgs;
            String sessionId;
            String comment;
            Instant resultAt;
            String approvers;
            int required;
            try (PreparedStatement ps = ActionListing.prepare(c, "SELECT " + ActionListing.COLUMNS + ", a.context, "
                    + "a.tool_name, a.tool_args, a.session_id, a.decision_comment, a.result_at, a.approvers, "
                    + "a.required_approvals FROM action a WHERE a.id = ?", List.of(id));
                    ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.<ActionRecord>empty();
                }
                row = ActionListing.row(rs, List.of());
                context = rs.getString(10);
                toolName = rs.getString(11);
                toolArgs = rs.getString(12);
                sessionId = rs.getString(13);
                comment = rs.getString(14);
                resultAt = ActionListing.instant(rs, 15);
                approvers = rs.getString(16);
                required = rs.getInt(17);
            }
            row = ActionListing.withViolations(c, List.of(row)).get(0);
            List<VoteRow> votes = new ArrayList<>();
            try (PreparedStatement ps = ActionListing.prepare(c, "SELECT approver, decision, channel, comment, voted_at "
                    + "FROM approval_vote WHERE action_id = ? ORDER BY voted_at, id", List.of(id));
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    votes.add(new VoteRow(rs.getString(1), ActionStatus.valueOf(rs.getString(2)), rs.getString(3),
                            rs.getString(4), ActionListing.instant(rs, 5)));
                }
            }
            List<MailRow> mails = new ArrayList<>();
            try (PreparedStatement ps = ActionListing.prepare(c, "SELECT recipient, kind, status, attempts, last_error, "
                    + "created_at, sent_at, next_attempt_at FROM mail_outbox WHERE action_id = ? ORDER BY id",
                    List.of(id)); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    mails.add(new MailRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            rs.getString(5), ActionListing.instant(rs, 6), ActionListing.instant(rs, 7),
                            ActionListing.instant(rs, 8)));
                }
            }
            List<AuditRow> audit = new ArrayList<>();
            try (PreparedStatement ps = ActionListing.prepare(c, "SELECT seq, occurred_at, type, actor, details "
                    + "FROM audit_event WHERE action_id = ? ORDER BY seq, id", List.of(id));
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    audit.add(new AuditRow(rs.getLong(1), ActionListing.instant(rs, 2), rs.getString(3),
                            rs.getString(4), rs.getString(5)));
                }
            }
            return Optional.of(new ActionRecord(row, context, toolName, toolArgs, sessionId, comment, resultAt,
                    new io.agentgate.common.StringListConverter().convertToEntityAttribute(approvers), required, votes,
                    mails, audit));
        });
    }

    /** Violation statistics since {@code days} days ago, and the latest violations matching the filters. */
    public ViolationStats violations(int days, String policy, Severity severity, String agent) {
        Instant now = clock.instant();
        Instant since = now.minus(Duration.ofDays(days));
        return withConnection(c -> {
            long total = count(c, "SELECT COUNT(*) FROM violation WHERE created_at >= ?", since);
            List<Count> byPolicy = counts(c, "SELECT policy, COUNT(*) FROM violation WHERE created_at >= ? "
                    + "GROUP BY policy ORDER BY COUNT(*) DESC, policy", since);
            List<Count> bySeverity = counts(c, "SELECT severity, COUNT(*) FROM violation WHERE created_at >= ? "
                    + "GROUP BY severity ORDER BY COUNT(*) DESC, severity", since);
            List<Count> byAgent = counts(c, "SELECT agent_name, COUNT(*) FROM violation WHERE created_at >= ? "
                    + "GROUP BY agent_name ORDER BY COUNT(*) DESC, agent_name", since);
            List<Count> perDay = new ArrayList<>();
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            int chartDays = Math.min(days, 14);
            for (int i = chartDays - 1; i >= 0; i--) {
                LocalDate day = today.minusDays(i);
                Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
                perDay.add(new Count(day.toString(), count(c, "SELECT COUNT(*) FROM violation WHERE created_at >= ? "
                        + "AND created_at < ?", from, from.plus(Duration.ofDays(1)))));
            }
            List<Object> params = new ArrayList<>();
            StringBuilder sql = new StringBuilder("SELECT v.action_id, v.agent_name, a.action, v.policy, v.severity, "
                    + "v.enforcement, v.reason, v.created_at FROM violation v JOIN action a ON a.id = v.action_id "
                    + "WHERE v.created_at >= ?");
            params.add(since);
            if (policy != null && !policy.isBlank()) {
                sql.append(" AND v.policy = ?");
                params.add(policy.strip());
            }
            if (severity != null) {
                sql.append(" AND v.severity = ?");
                params.add(severity.name());
            }
            if (agent != null && !agent.isBlank()) {
                sql.append(" AND v.agent_name = ?");
                params.add(agent.strip());
            }
            sql.append(" ORDER BY v.created_at DESC, v.id DESC FETCH FIRST 50 ROWS ONLY");
            List<RecentViolation> recent = new ArrayList<>();
            try (PreparedStatement ps = ActionListing.prepare(c, sql.toString(), params);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    recent.add(new RecentViolation(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            rs.getString(4), Severity.valueOf(rs.getString(5)), Enforcement.valueOf(rs.getString(6)),
                            rs.getString(7), ActionListing.instant(rs, 8)));
                }
            }
            return new ViolationStats(since, total, byPolicy, bySeverity, byAgent, perDay, recent);
        });
    }

    /** Pending now, actions and violations in the last 24 h, per agent name. */
    public Map<String, AgentActivity> agentActivity() {
        Instant dayAgo = clock.instant().minus(Duration.ofHours(24));
        return withConnection(c -> {
            Map<String, Long> pending = asMap(counts(c, "SELECT agent_name, COUNT(*) FROM action WHERE status = ? "
                    + "GROUP BY agent_name", "PENDING"));
            Map<String, Long> actions = asMap(counts(c, "SELECT agent_name, COUNT(*) FROM action WHERE created_at >= ? "
                    + "GROUP BY agent_name", dayAgo));
            Map<String, Long> violations = asMap(counts(c, "SELECT agent_name, COUNT(*) FROM violation "
                    + "WHERE created_at >= ? GROUP BY agent_name", dayAgo));
            Map<String, AgentActivity> byAgent = new LinkedHashMap<>();
            for (String name : union(pending, actions, violations)) {
                byAgent.put(name, new AgentActivity(pending.getOrDefault(name, 0L), actions.getOrDefault(name, 0L),
                        violations.getOrDefault(name, 0L)));
            }
            return byAgent;
        });
    }

    /** The latest actions of one agent, whatever their status. */
    public List<ActionListing.Row> recentActions(String agent, int limit) {
        return withConnection(c -> {
            List<ActionListing.Row> rows = new ArrayList<>();
            try (PreparedStatement ps = ActionListing.prepare(c, "SELECT " + ActionListing.COLUMNS + " FROM action a "
                    + "WHERE a.agent_name = ? ORDER BY a.created_at DESC, a.id DESC FETCH FIRST ? ROWS ONLY",
                    List.of(agent, limit)); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(ActionListing.row(rs, List.of()));
                }
            }
            return ActionListing.withViolations(c, rows);
        });
    }

    /** Names of the policies that ever objected, for the policy filter. */
    public List<String> policyNames() {
        return withConnection(c -> counts(c, "SELECT DISTINCT policy, 0 FROM violation ORDER BY policy").stream()
                .map(Count::key).toList());
    }

    private static java.util.Set<String> union(Map<String, Long> a, Map<String, Long> b, Map<String, Long> c) {
        java.util.Set<String> all = new java.util.TreeSet<>(a.keySet());
        all.addAll(b.keySet());
        all.addAll(c.keySet());
        return all;
    }

    private static Map<String, Long> asMap(List<Count> counts) {
        Map<String, Long> map = new LinkedHashMap<>();
        counts.forEach(k -> map.put(k.key(), k.count()));
        return map;
    }

    private static long count(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = ActionListing.prepare(c, sql, List.of(params)); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Count> counts(Connection c, String sql, Object... params) throws SQLException {
        List<Count> counts = new ArrayList<>();
        try (PreparedStatement ps = ActionListing.prepare(c, sql, List.of(params)); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.add(new Count(rs.getString(1), rs.getLong(2)));
            }
        }
        return counts;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T withConnection(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("dashboard query failed: " + e.getMessage(), e);
        }
    }
}
