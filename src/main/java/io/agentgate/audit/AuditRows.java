package io.agentgate.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A chained batch of events as one statement: a multi-row INSERT, and on PostgreSQL the head's move in the same
 * statement (a data-modifying WITH), so the locked head waits for one round trip here instead of one per event or
 * per statement. H2 has no data-modifying WITH: there the head moves in a second statement (no network between).
 */
final class AuditRows {

    private static final String COLUMNS = "INSERT INTO audit_event (event_id, occurred_at, type, agent_name, action_id,"
            + " actor, details, seq, prev_hash, hash, key_id) VALUES ";
    private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final int PARAMS = 11;
    /** Rows per statement: a batch decision can chain thousands of events, and a statement binds at most 65,535. */
    static final int MAX_ROWS = 1000;
    private static final String HEAD = "UPDATE audit_chain_head SET seq = ?, hash = ?, key_id = ? WHERE id = 1";

    private AuditRows() {
    }

    /** Inserts the events (chained already, in order) and points the head at the last one. */
    static void insertAndMoveHead(Connection c, List<AuditEvent> events, String keyId) throws SQLException {
        boolean together = "PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
        AuditEvent last = events.get(events.size() - 1);
        for (int from = 0; from < events.size(); from += MAX_ROWS) {
            List<AuditEvent> rows = events.subList(from, Math.min(events.size(), from + MAX_ROWS));
            insert(c, rows, together && rows.get(rows.size() - 1) == last ? keyId : null);
        }
        if (!together) {
            try (PreparedStatement head = c.prepareStatement(HEAD)) {
                setHead(head, 0, last, keyId);
                head.executeUpdate();
            }
        }
    }

    /** One multi-row INSERT; with {@code headKeyId}, the head moves to its last row in the same statement. */
    private static void insert(Connection c, List<AuditEvent> rows, String headKeyId) throws SQLException {
        StringBuilder sql = new StringBuilder(128 + rows.size() * 36);
        if (headKeyId != null) {
            sql.append("WITH appended AS (");
        }
        sql.append(COLUMNS);
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? ROW : ", " + ROW);
        }
        if (headKeyId != null) {
            sql.append(") ").append(HEAD);
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int at = 0;
            for (AuditEvent e : rows) {
                ps.setObject(at + 1, e.eventId);
                ps.setObject(at + 2, e.occurredAt.atOffset(ZoneOffset.UTC));
                ps.setString(at + 3, e.type);
                ps.setString(at + 4, e.agentName);
                if (e.actionId == null) {
                    ps.setNull(at + 5, Types.OTHER);
                } else {
                    ps.setObject(at + 5, e.actionId);
                }
                ps.setString(at + 6, e.actor);
                ps.setString(at + 7, e.details);
                ps.setLong(at + 8, e.seq);
                ps.setString(at + 9, e.prevHash);
                ps.setString(at + 10, e.hash);
                ps.setString(at + 11, e.keyId);
                at += PARAMS;
            }
            if (headKeyId != null) {
                setHead(ps, at, rows.get(rows.size() - 1), headKeyId);
            }
            ps.executeUpdate();
        }
    }

    private static void setHead(PreparedStatement ps, int at, AuditEvent last, String keyId) throws SQLException {
        ps.setLong(at + 1, last.seq);
        ps.setString(at + 2, last.hash);
        ps.setString(at + 3, keyId);
    }
}
