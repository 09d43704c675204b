package io.agentgate.dashboard;

import io.agentgate.gate.ActionStatus;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The SQL behind the dashboard's action lists, on a plain JDBC connection (the same statements on H2 and PostgreSQL;
 * the benchmark runs them outside the application). Every list reads one index range in display order and stops after
 * a page (keyset paging on (sort column, id): no OFFSET, so page 1000 costs what page 1 costs); the violations of a
 * page come in one more query.
 */
public final class ActionListing {

    private ActionListing() {
    }

    /** What a list is narrowed to; null or blank means no filter. */
    public record Filter(String agent, String policy, ActionStatus status, String text) {

        public static final Filter NONE = new Filter(null, null, null, null);

        public Filter {
            agent = blankToNull(agent);
            policy = blankToNull(policy);
            text = blankToNull(text);
        }

        public boolean any() {
            return agent != null || policy != null || status != null || text != null;
        }
    }

    /** One violation as listed. */
    public record ViolationRow(String policy, Severity severity, Enforcement enforcement, String reason) {
    }

    /** One action as listed, with every violation recorded for it. */
    public record Row(UUID id, String agent, String action, ActionStatus status, Instant createdAt, Instant deadline,
            Instant decidedAt, String decidedBy, String userId, List<ViolationRow> violations) {

        /** The violations that sent it to a person (enforcement review), else all of them. */
        public List<ViolationRow> triggering() {
            List<ViolationRow> review = violations.stream().filter(v -> v.enforcement() == Enforcement.REVIEW).toList();
            return review.isEmpty() ? violations : review;
        }
    }

    /**
     * A page of rows and the cursor of the next page (null on the last). {@code partial}: a text search read its
     * window of {@link #TEXT_SCAN_WINDOW} actions without filling the page; the next page searches on from there.
     */
    public record Page(List<Row> rows, String next, boolean partial) {

        Page(List<Row> rows, String next) {
            this(rows, next, false);
        }

        public int window() {
            return TEXT_SCAN_WINDOW;
        }
    }

    /**
     * How many actions one request reads for a free-text filter. Substring matches cannot use an index, so a rare text
     * would otherwise read a whole list of a million rows; bounded, every page answers in milliseconds and the reader
     * continues the search page by page.
     */
    public static final int TEXT_SCAN_WINDOW = 5_000;

    /** Position after the last row of a page: its sort value and id. */
    record Cursor(Instant key, UUID id) {

        String encode() {
            String raw = key.getEpochSecond() + "." + key.getNano() + "." + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
        }

        /**
         * The cursor in a URL: empty when there is none (the first page); anything else that is not a cursor of ours
         * (damaged, made up, or outside the dates any row can have) is refused, never silently read as the first page.
         */
        static Optional<Cursor> decode(String value) {
            if (value == null || value.isBlank()) {
                return Optional.empty();
            }
            if (value.length() > 200) {
                throw new BadCursor();
            }
            try {
                String[] p = new String(Base64.getUrlDecoder().decode(value.strip()), StandardCharsets.US_ASCII)
                        .split("\\.", -1);
                if (p.length != 3) {
                    throw new BadCursor();
                }
                long seconds = Long.parseLong(p[0]);
                long nanos = Long.parseLong(p[1]);
                if (seconds < EARLIEST.getEpochSecond() || seconds > LATEST.getEpochSecond() || nanos < 0
                        || nanos > 999_999_999) {
                    // no row sorts out there, and the database may not hold such a timestamp
                    throw new BadCursor();
                }
                return Optional.of(new Cursor(Instant.ofEpochSecond(seconds, nanos), UUID.fromString(p[2])));
            } catch (IllegalArgumentException e) {
                // bad base64, a number that is not one, or an id that is not a UUID
                throw new BadCursor();
            }
        }
    }

    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    static final String COLUMNS = "a.id, a.agent_name, a.action, a.status, a.created_at, a.deadline, a.decided_at, "
            + "a.decided_by, a.user_id";

    /** One page of a list; {@code after} is the cursor of the previous page's end, or null for the first. */
    public static Page page(Connection c, ListView view, Filter filter, String after, int size) throws SQLException {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM action a WHERE ");
        ActionStatus status = filter.status() != null && view.statuses().contains(filter.status()) ? filter.status()
                : null;
        if (status != null || view.statuses().size() == 1) {
            sql.append("a.status = ?");
            params.add((status != null ? status : view.statuses().get(0)).name());
        } else {
            // Several statuses (Resolved): every action with a decision time ended PENDING in one of
            // ActionStatus.FROM_PENDING, so "decided, and not one of the others" is the same set; written that way the
            // (decided_at, id) index serves range and order, where an IN list would send H2 to the status index and
            // a sort of every resolved action.
            List<String> others = ActionStatus.FROM_PENDING.stream().filter(s -> !view.statuses().contains(s))
                    .map(Enum::name).sorted().toList();
            sql.append("a.decided_at IS NOT NULL");
            for (String other : others) {
                sql.append(" AND a.status <> ?");
                params.add(other);
            }
        }

        if (filter.agent() != null) {
            sql.append(" AND a.agent_name = ?");
            params.add(filter.agent());
        }
        if (filter.policy() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM violation v WHERE v.action_id = a.id AND v.policy = ?)");
            params.add(filter.policy());
        }
        String col = "a." + view.sortColumn();
        String cmp = view.ascending() ? ">" : "<";
        Optional<Cursor> cursor = Cursor.decode(after);
        // A range on the sort column, from the cursor (or from the first possible value): the index on
        // (status, sort column, id) then seeks straight to the page instead of reading the pages before it, and the
        // planner prefers it over an index that would need a sort. Rows without the sort value are never listed.
        sql.append(" AND ").append(col).append(view.ascending() ? " >= ?" : " <= ?");
        params.add(odt(cursor.map(Cursor::key).orElse(view.ascending() ? EARLIEST : LATEST)));
        if (cursor.isPresent()) {
            OffsetDateTime key = odt(cursor.get().key());
            sql.append(" AND (").append(col).append(' ').append(cmp).append(" ? OR (").append(col)
                    .append(" = ? AND a.id ").append(cmp).append(" ?))");
            params.add(key);
            params.add(key);
            params.add(cursor.get().id());
        }
        String dir = view.ascending() ? "ASC" : "DESC";
        // The columns held equal come first in ORDER BY, as in the index (agent, status, sort column, id): the same
        // order, and H2 then reads it from the index instead of sorting every match
        sql.append(" ORDER BY ");
        if (filter.agent() != null) {
            sql.append("a.agent_name ").append(dir).append(", ");
        }
        if (status != null || view.statuses().size() == 1) {
            sql.append("a.status ").append(dir).append(", ");
        }
        sql.append(col).append(' ').append(dir).append(", a.id ").append(dir)
                .append(" FETCH FIRST ? ROWS ONLY");
        String text = filter.text() == null ? null : filter.text().toLowerCase(Locale.ROOT);
        params.add(text == null ? size + 1 : TEXT_SCAN_WINDOW);

        List<Row> rows = new ArrayList<>(size + 1);
        Row lastRead = null;
        int read = 0;
        try (PreparedStatement ps = prepare(c, sql.toString().replace("SELECT " + COLUMNS,
                "SELECT " + COLUMNS + ", a.session_id"), params); ResultSet rs = ps.executeQuery()) {
            while (rs.next() && rows.size() <= size) {
                lastRead = row(rs, List.of());
                read++;
                if (text == null || matches(lastRead, rs.getString("session_id"), text)) {
                    rows.add(lastRead);
                }
            }
        }
        String next = null;
        boolean partial = false;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            next = cursorAfter(view, rows.get(size - 1));
        } else if (text != null && read == TEXT_SCAN_WINDOW) {
            // the window is read and the page is not full: the next page searches on after the last row read
            next = cursorAfter(view, lastRead);
            partial = true;
        }
        return new Page(withViolations(c, rows), next, partial);
    }

    private static String cursorAfter(ListView view, Row last) {
        return new Cursor(view.ascending() ? last.deadline() : last.decidedAt(), last.id()).encode();
    }

    /** The free-text filter: a case-insensitive substring of the action, the user, the decider or the session. */
    static boolean matches(Row row, String sessionId, String lowerText) {
        return contains(row.action(), lowerText) || contains(row.userId(), lowerText)
                || contains(row.decidedBy(), lowerText) || contains(sessionId, lowerText);
    }

    private static boolean contains(String value, String lowerText) {
        return value != null && value.toLowerCase(Locale.ROOT).contains(lowerText);
    }

    /** The rows with their violations, fetched for the whole page in one query. */
    static List<Row> withViolations(Connection c, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return rows;
        }
        Map<UUID, List<ViolationRow>> byAction = violations(c, rows.stream().map(Row::id).toList());
        return rows.stream().map(r -> new Row(r.id(), r.agent(), r.action(), r.status(), r.createdAt(), r.deadline(),
                r.decidedAt(), r.decidedBy(), r.userId(), byAction.getOrDefault(r.id(), List.of()))).toList();
    }

    static Map<UUID, List<ViolationRow>> violations(Connection c, Collection<UUID> ids) throws SQLException {
        Map<UUID, List<ViolationRow>> byAction = new LinkedHashMap<>();
        String marks = String.join(", ", ids.stream().map(i -> "?").toList());
        try (PreparedStatement ps = prepare(c, "SELECT action_id, policy, severity, enforcement, reason FROM violation "
                + "WHERE action_id IN (" + marks + ") ORDER BY id", new ArrayList<>(ids));
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                byAction.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                        .add(new ViolationRow(rs.getString(2), Severity.valueOf(rs.getString(3)),
                                Enforcement.valueOf(rs.getString(4)), rs.getString(5)));
            }
        }
        return byAction;
    }

    static Row row(ResultSet rs, List<ViolationRow> violations) throws SQLException {
        return new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                ActionStatus.valueOf(rs.getString(4)), instant(rs, 5), instant(rs, 6), instant(rs, 7), rs.getString(8),
                rs.getString(9), violations);
    }

    static PreparedStatement prepare(Connection c, String sql, List<Object> params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < params.size(); i++) {
                Object p = params.get(i);
                if (p instanceof Instant instant) {
                    p = odt(instant);
                }
                ps.setObject(i + 1, p);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime odt(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }


    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
