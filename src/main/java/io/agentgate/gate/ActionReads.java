package io.agentgate.gate;

import io.agentgate.common.Jdbc;
import io.agentgate.common.StringListConverter;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Violation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The gate's read API over its {@code action} table for other features' pages (the dashboard's lists, detail page
 * and figures), on a plain JDBC connection so the same statements run in the application and in the listing
 * benchmark. Columns are read by name; statements are built from parts ({@link Listing}), parameters always bound.
 */
public final class ActionReads {

    /** The columns of a listed action (a {@link Row}). */
    public static final String COLUMNS = "a.id, a.agent_name, a.action, a.status, a.created_at, a.deadline, "
            + "a.decided_at, a.decided_by, a.user_id, a.session_id";

    private static final StringListConverter LIST = new StringListConverter();

    private ActionReads() {
    }

    /** One action as listed, with every violation recorded for it. */
    public record Row(UUID id, String agent, String action, ActionStatus status, Instant createdAt, Instant deadline,
            Instant decidedAt, String decidedBy, String userId, String sessionId, List<Violation> violations) {

        /** The violations that sent it to a person (enforcement review), else all of them. */
        public List<Violation> triggering() {
            List<Violation> review = violations.stream().filter(v -> v.enforcement() == Enforcement.REVIEW).toList();
            return review.isEmpty() ? violations : review;
        }

        Row with(List<Violation> found) {
            return new Row(id, agent, action, status, createdAt, deadline, decidedAt, decidedBy, userId, sessionId,
                    found);
        }
    }

    /** Everything the detail page shows of the action row itself. */
    public record Detail(Row row, String context, String toolName, String toolArgs, String comment, Instant resultAt,
            List<String> approvers, int requiredApprovals, UUID grantId) {
    }

    /** The time columns a list may be sorted by (then by id); each has its index with status (and agent). */
    public enum Sort {
        DEADLINE("a.deadline"), DECIDED_AT("a.decided_at"), CREATED_AT("a.created_at");

        private final String column;

        Sort(String column) {
            this.column = column;
        }

        /** The sort value of a row, for a cursor after it. */
        public Instant of(Row row) {
            return switch (this) {
                case DEADLINE -> row.deadline();
                case DECIDED_AT -> row.decidedAt();
                case CREATED_AT -> row.createdAt();
            };
        }
    }

    /**
     * One read of a list of actions in index order, built from parts: conditions, the columns held equal (they come
     * first in ORDER BY, as in the indexes on (agent, status, sort column, id), so the order is read from the index
     * and not sorted), a range on the sort column and a keyset position after a row. No OFFSET.
     */
    public static final class Listing {

        private final List<String> conditions = new ArrayList<>();
        private final List<Object> params = new ArrayList<>();
        private final List<String> equalColumns = new ArrayList<>();
        private Sort sort = Sort.CREATED_AT;
        private boolean ascending;
        private int limit = 50;

        /** Only actions in this status. */
        public Listing status(ActionStatus status) {
            conditions.add("a.status = ?");
            params.add(status.name());
            equalColumns.add("a.status");
            return this;
        }

        /**
         * Decided actions except those that ended in one of {@code others}: written that way, the (decided_at, id)
         * index serves range and order, where an IN list would send H2 to the status index and a sort.
         */
        public Listing decidedExcept(Collection<ActionStatus> others) {
            conditions.add("a.decided_at IS NOT NULL");
            others.stream().map(Enum::name).sorted().forEach(other -> {
                conditions.add("a.status <> ?");
                params.add(other);
            });
            return this;
        }

        /** Only actions of this agent. */
        public Listing agent(String agent) {
            conditions.add("a.agent_name = ?");
            params.add(agent);
            equalColumns.add(0, "a.agent_name");
            return this;
        }

        /** Only actions a policy objected to. */
        public Listing violated(String policy) {
            conditions.add("EXISTS (SELECT 1 FROM violation v WHERE v.action_id = a.id AND v.policy = ?)");
            params.add(policy);
            return this;
        }

        public Listing sortedBy(Sort sort, boolean ascending) {
            this.sort = sort;
            this.ascending = ascending;
            return this;
        }

        /** Sort values from this bound on (or up to it, descending): the index then seeks to the page. */
        public Listing from(Instant bound) {
            conditions.add(sort.column + (ascending ? " >= ?" : " <= ?"));
            params.add(bound);
            return this;
        }

        /** The rows after a listed row with this sort value and id (keyset paging). */
        public Listing after(Instant key, UUID id) {
            String cmp = ascending ? ">" : "<";
            conditions.add("(" + sort.column + " " + cmp + " ? OR (" + sort.column + " = ? AND a.id " + cmp + " ?))");
            params.add(key);
            params.add(key);
            params.add(id);
            return this;
        }

        public Listing limit(int limit) {
            this.limit = limit;
            return this;
        }

        String sql() {
            String dir = ascending ? " ASC" : " DESC";
            StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM action a");
            if (!conditions.isEmpty()) {
                sql.append(" WHERE ").append(String.join(" AND ", conditions));
            }
            List<String> order = new ArrayList<>(equalColumns);
            order.add(sort.column);
            order.add("a.id");
            sql.append(" ORDER BY ").append(String.join(dir + ", ", order)).append(dir).append(" FETCH FIRST ? ROWS ONLY");
            return sql.toString();
        }

        /** The matching rows, without their violations (see {@link #withViolations}). */
        public List<Row> read(Connection c) throws SQLException {
            List<Row> rows = new ArrayList<>();
            read(c, rows::add);
            return rows;
        }

        /** Hands the matching rows over in order until {@code more} answers false (the rest is not read). */
        public void read(Connection c, Predicate<Row> more) throws SQLException {
            List<Object> bound = new ArrayList<>(params);
            bound.add(limit);
            try (PreparedStatement ps = Jdbc.prepare(c, sql(), bound); ResultSet rs = ps.executeQuery()) {
                while (rs.next() && more.test(row(rs))) {
                    // each row is the caller's
                }
            }
        }
    }

    public static Listing listing() {
        return new Listing();
    }

    /** The rows with their violations, fetched for all of them in one query. */
    public static List<Row> withViolations(Connection c, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return rows;
        }
        Map<UUID, List<Violation>> byAction = ViolationReads.ofActions(c, rows.stream().map(Row::id).toList());
        return rows.stream().map(r -> r.with(byAction.getOrDefault(r.id(), List.of()))).toList();
    }

    /** One action with its violations and what only its detail page shows. */
    public static Optional<Detail> detail(Connection c, UUID id) throws SQLException {
        Detail read;
        try (PreparedStatement ps = Jdbc.prepare(c, "SELECT " + COLUMNS + ", a.context, a.tool_name, a.tool_args, "
                + "a.decision_comment, a.result_at, a.approvers, a.required_approvals, a.grant_id FROM action a "
                + "WHERE a.id = ?",
                List.of(id)); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            read = new Detail(row(rs), rs.getString("context"), rs.getString("tool_name"), rs.getString("tool_args"),
                    rs.getString("decision_comment"), Jdbc.instant(rs, "result_at"),
                    LIST.convertToEntityAttribute(rs.getString("approvers")), rs.getInt("required_approvals"),
                    Jdbc.uuid(rs, "grant_id"));
        }
        Row row = withViolations(c, List.of(read.row())).get(0);
        return Optional.of(new Detail(row, read.context(), read.toolName(), read.toolArgs(), read.comment(),
                read.resultAt(), read.approvers(), read.requiredApprovals(), read.grantId()));
    }

    /** A pending action's deadline. */
    public record Deadline(UUID id, Instant deadline) {
    }

    /** Pending actions due at or before {@code until}, soonest first, at most {@code limit} (timers, the sweep). */
    public static List<Deadline> pendingDue(Connection c, Instant until, int limit) throws SQLException {
        List<Deadline> due = new ArrayList<>();
        try (PreparedStatement ps = Jdbc.prepare(c, "SELECT id, deadline FROM action WHERE status = ? AND deadline <= ? "
                + "ORDER BY deadline, id FETCH FIRST ? ROWS ONLY", List.of(ActionStatus.PENDING.name(), until, limit));
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                due.add(new Deadline(Jdbc.uuid(rs, "id"), Jdbc.instant(rs, "deadline")));
            }
        }
        return due;
    }

    /** Actions in this status now. */
    public static long count(Connection c, ActionStatus status) throws SQLException {
        return Jdbc.count(c, "SELECT COUNT(*) FROM action WHERE status = ?", status.name());
    }

    /** Actions that ended in this status since then. */
    public static long endedSince(Connection c, ActionStatus status, Instant since) throws SQLException {
        return Jdbc.count(c, "SELECT COUNT(*) FROM action WHERE status = ? AND decided_at >= ?", status.name(), since);
    }

    /** Actions a person decided (approved or rejected) since then. */
    public static long decidedByPeopleSince(Connection c, Instant since) throws SQLException {
        return Jdbc.count(c, "SELECT COUNT(*) FROM action WHERE decided_at >= ? AND status IN (?, ?)", since,
                ActionStatus.APPROVED.name(), ActionStatus.REJECTED.name());
    }

    /** Submission-to-decision times of the latest decisions by a person since then, at most {@code limit}. */
    public static List<Duration> timesToDecision(Connection c, Instant since, int limit) throws SQLException {
        List<Duration> times = new ArrayList<>();
        try (PreparedStatement ps = Jdbc.prepare(c, "SELECT created_at, decided_at FROM action WHERE decided_at >= ? "
                + "AND status IN (?, ?) ORDER BY decided_at DESC, id DESC FETCH FIRST ? ROWS ONLY",
                List.of(since, ActionStatus.APPROVED.name(), ActionStatus.REJECTED.name(), limit));
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                times.add(Duration.between(Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "decided_at")));
            }
        }
        return times;
    }

    /** Actions in this status now, per agent name. */
    public static Map<String, Long> countByAgent(Connection c, ActionStatus status) throws SQLException {
        return byAgent(c, "SELECT agent_name, COUNT(*) AS n FROM action WHERE status = ? GROUP BY agent_name",
                status.name());
    }

    /** Actions submitted since then, per agent name. */
    public static Map<String, Long> submittedSinceByAgent(Connection c, Instant since) throws SQLException {
        return byAgent(c, "SELECT agent_name, COUNT(*) AS n FROM action WHERE created_at >= ? GROUP BY agent_name",
                since);
    }

    static Map<String, Long> byAgent(Connection c, String sql, Object... params) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (PreparedStatement ps = Jdbc.prepare(c, sql, List.of(params)); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString("agent_name"), rs.getLong("n"));
            }
        }
        return counts;
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(Jdbc.uuid(rs, "id"), rs.getString("agent_name"), rs.getString("action"),
                ActionStatus.valueOf(rs.getString("status")), Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "deadline"), Jdbc.instant(rs, "decided_at"), rs.getString("decided_by"),
                rs.getString("user_id"), rs.getString("session_id"), List.of());
    }
}
