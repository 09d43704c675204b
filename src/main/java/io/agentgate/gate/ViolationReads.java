package io.agentgate.gate;

import io.agentgate.common.Jdbc;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import io.agentgate.policy.Violation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The gate's read API over its {@code violation} table for other features' pages: the violations of listed actions,
 * counts over a window and the latest violations. Plain JDBC on the caller's connection, columns read by name.
 */
public final class ViolationReads {

    private ViolationReads() {
    }

    /** What a count is grouped by. */
    public enum Group {
        POLICY("policy"), SEVERITY("severity"), AGENT("agent_name");

        private final String column;

        Group(String column) {
            this.column = column;
        }
    }

    /** A count by some key (a policy, a severity, an agent). */
    public record Count(String key, long count) {
    }

    /** A violation as a list of the latest ones shows it. */
    public record Recent(UUID actionId, String agent, String action, String policy, Severity severity,
            Enforcement enforcement, String reason, Instant createdAt) {
    }

    /** The latest violations since then matching the filters (null: any), newest first. */
    public record Latest(String policy, Severity severity, String agent, int limit) {
    }

    /** The violations of each of these actions, in the order they were recorded. */
    public static Map<UUID, List<Violation>> ofActions(Connection c, Collection<UUID> ids) throws SQLException {
        Map<UUID, List<Violation>> byAction = new LinkedHashMap<>();
        String marks = String.join(", ", ids.stream().map(i -> "?").toList());
        try (PreparedStatement ps = Jdbc.prepare(c, "SELECT action_id, policy, severity, enforcement, reason "
                + "FROM violation WHERE action_id IN (" + marks + ") ORDER BY id", List.copyOf(ids));
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                byAction.computeIfAbsent(Jdbc.uuid(rs, "action_id"), k -> new ArrayList<>())
                        .add(new Violation(rs.getString("policy"), Severity.valueOf(rs.getString("severity")),
                                Enforcement.valueOf(rs.getString("enforcement")), rs.getString("reason")));
            }
        }
        return byAction;
    }

    /** Violations recorded from {@code from} (inclusive) until {@code to} (exclusive; null: until now). */
    public static long count(Connection c, Instant from, Instant to) throws SQLException {
        return to == null ? Jdbc.count(c, "SELECT COUNT(*) FROM violation WHERE created_at >= ?", from)
                : Jdbc.count(c, "SELECT COUNT(*) FROM violation WHERE created_at >= ? AND created_at < ?", from, to);
    }

    /** Violations of one severity recorded since then. */
    public static long count(Connection c, Severity severity, Instant since) throws SQLException {
        return Jdbc.count(c, "SELECT COUNT(*) FROM violation WHERE severity = ? AND created_at >= ?", severity.name(),
                since);
    }

    /** Violations recorded since then, by policy, severity or agent, the most first. */
    public static List<Count> countBy(Connection c, Group group, Instant since) throws SQLException {
        String sql = "SELECT " + group.column + " AS k, COUNT(*) AS n FROM violation WHERE created_at >= ? GROUP BY "
                + group.column + " ORDER BY COUNT(*) DESC, " + group.column;
        List<Count> counts = new ArrayList<>();
        try (PreparedStatement ps = Jdbc.prepare(c, sql, List.of(since)); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.add(new Count(rs.getString("k"), rs.getLong("n")));
            }
        }
        return counts;
    }

    /** Violations recorded since then, per agent name. */
    public static Map<String, Long> countByAgent(Connection c, Instant since) throws SQLException {
        return ActionReads.byAgent(c, "SELECT agent_name, COUNT(*) AS n FROM violation WHERE created_at >= ? "
                + "GROUP BY agent_name", since);
    }

    /** The latest violations since then that match the filters, with their action's name. */
    public static List<Recent> latest(Connection c, Instant since, Latest filter) throws SQLException {
        List<Object> params = new ArrayList<>();
        List<String> conditions = new ArrayList<>(List.of("v.created_at >= ?"));
        params.add(since);
        if (filter.policy() != null) {
            conditions.add("v.policy = ?");
            params.add(filter.policy());
        }
        if (filter.severity() != null) {
            conditions.add("v.severity = ?");
            params.add(filter.severity().name());
        }
        if (filter.agent() != null) {
            conditions.add("v.agent_name = ?");
            params.add(filter.agent());
        }
        params.add(filter.limit());
        String sql = "SELECT v.action_id, v.agent_name, a.action, v.policy, v.severity, v.enforcement, v.reason, "
                + "v.created_at FROM violation v JOIN action a ON a.id = v.action_id WHERE "
                + String.join(" AND ", conditions) + " ORDER BY v.created_at DESC, v.id DESC FETCH FIRST ? ROWS ONLY";
        List<Recent> recent = new ArrayList<>();
        try (PreparedStatement ps = Jdbc.prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                recent.add(new Recent(Jdbc.uuid(rs, "action_id"), rs.getString("agent_name"), rs.getString("action"),
                        rs.getString("policy"), Severity.valueOf(rs.getString("severity")),
                        Enforcement.valueOf(rs.getString("enforcement")), rs.getString("reason"),
                        Jdbc.instant(rs, "created_at")));
            }
        }
        return recent;
    }

    /** Names of the policies that ever objected. */
    public static List<String> policyNames(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT policy FROM violation ORDER BY policy");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getString("policy"));
            }
        }
        return names;
    }
}
