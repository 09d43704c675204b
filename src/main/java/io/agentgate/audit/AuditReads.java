package io.agentgate.audit;

import io.agentgate.common.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Audit's read API over its {@code audit_event} table for other features' pages (an action's events on the
 * dashboard). Plain JDBC on the caller's connection, columns read by name.
 */
public final class AuditReads {

    private AuditReads() {
    }

    /** One audit event as a page lists it. */
    public record Row(long seq, Instant occurredAt, String type, String actor, String details) {
    }

    /** The events of one action, in chain order. */
    public static List<Row> ofAction(Connection c, UUID actionId) throws SQLException {
        List<Row> events = new ArrayList<>();
        try (PreparedStatement ps = Jdbc.prepare(c, "SELECT seq, occurred_at, type, actor, details FROM audit_event "
                + "WHERE action_id = ? ORDER BY seq, id", List.of(actionId)); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                events.add(new Row(rs.getLong("seq"), Jdbc.instant(rs, "occurred_at"), rs.getString("type"),
                        rs.getString("actor"), rs.getString("details")));
            }
        }
        return events;
    }
}
