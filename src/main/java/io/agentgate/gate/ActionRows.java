package io.agentgate.gate;

import io.agentgate.common.StringListConverter;
import io.agentgate.policy.Violation;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The submit path's rows as plain statements: action rows and their violations, no entity lifecycle. On PostgreSQL
 * a transaction's rows wait until just before it commits and go in one multi-row INSERT per table, so the writer's
 * batch of N submissions costs two statements instead of N to 2N round trips; the rows that reference an action
 * check that reference at commit there (their foreign keys are deferred, V26), so they may be written first. On H2
 * (no network between, and no deferred foreign keys) each row goes in at once.
 */
@ApplicationScoped
class ActionRows {

    private static final StringListConverter LIST = new StringListConverter();
    private static final String ACTION = "INSERT INTO action (id, agent_id, agent_name, action, context, tool_name,"
            + " tool_args, session_id, user_id, idempotency_key, request_hash, callback_url, status, created_at,"
            + " deadline, approvers, required_approvals, grant_id) VALUES ";
    private static final String ACTION_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final int ACTION_PARAMS = 18;
    private static final String VIOLATION = "INSERT INTO violation (action_id, agent_name, policy, severity,"
            + " enforcement, reason, created_at) VALUES ";
    private static final String VIOLATION_ROW = "(?, ?, ?, ?, ?, ?, ?)";
    private static final int VIOLATION_PARAMS = 7;
    /** Rows per statement: a statement binds at most 65,535 parameters. */
    static final int MAX_ROWS = 1000;
    /** The transaction's rows not yet written, as a resource of the transaction. */
    private static final Object QUEUED = new Object();

    /** One action and its violations. */
    private record Row(Action action, List<Violation> violations) {
    }

    /** One violation of an action. */
    private record Flagged(Action action, Violation violation) {
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TransactionSynchronizationRegistry transactions;

    private volatile Boolean deferrable;

    /** Writes the action and its violations in the caller's transaction: at once, or just before it commits. */
    void insert(Action action, List<Violation> violations) {
        Row row = new Row(action, List.copyOf(violations));
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE || !deferrable()) {
            write(List.of(row));
            return;
        }
        @SuppressWarnings("unchecked")
        List<Row> queued = (List<Row>) transactions.getResource(QUEUED);
        if (queued == null) {
            List<Row> created = new ArrayList<>();
            transactions.putResource(QUEUED, created);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                    if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
                        write(created);
                    }
                }

                @Override
                public void afterCompletion(int status) {
                }
            });
            queued = created;
        }
        queued.add(row);
    }

    private boolean deferrable() {
        Boolean known = deferrable;
        if (known == null) {
            try (Connection c = dataSource.getConnection()) {
                known = "PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
            } catch (SQLException e) {
                throw new IllegalStateException("cannot tell the database kind: " + e.getMessage(), e);
            }
            deferrable = known;
        }
        return known;
    }

    private void write(List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            for (int from = 0; from < rows.size(); from += MAX_ROWS) {
                List<Row> chunk = rows.subList(from, Math.min(rows.size(), from + MAX_ROWS));
                actions(c, chunk);
            }
            List<Flagged> violations = new ArrayList<>();
            for (Row r : rows) {
                for (Violation v : r.violations()) {
                    violations.add(new Flagged(r.action(), v));
                }
            }
            for (int from = 0; from < violations.size(); from += MAX_ROWS) {
                violations(c, violations.subList(from, Math.min(violations.size(), from + MAX_ROWS)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(rows.size() + " action rows could not be stored: " + e.getMessage(), e);
        }
    }

    private static void actions(Connection c, List<Row> rows) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(values(ACTION, ACTION_ROW, rows.size()))) {
            int at = 0;
            for (Row r : rows) {
                Action a = r.action();
                s.setObject(at + 1, a.id);
                s.setObject(at + 2, a.agentId);
                s.setString(at + 3, a.agentName);
                s.setString(at + 4, a.action);
                s.setString(at + 5, a.context);
                s.setString(at + 6, a.toolName);
                s.setString(at + 7, a.toolArgs);
                s.setString(at + 8, a.sessionId);
                s.setString(at + 9, a.userId);
                s.setString(at + 10, a.idempotencyKey);
                s.setString(at + 11, a.requestHash);
                s.setString(at + 12, a.callbackUrl);
                s.setString(at + 13, a.status.name());
                s.setObject(at + 14, time(a.createdAt));
                if (a.deadline == null) {
                    s.setNull(at + 15, Types.TIMESTAMP_WITH_TIMEZONE);
                } else {
                    s.setObject(at + 15, time(a.deadline));
                }
                s.setString(at + 16, LIST.convertToDatabaseColumn(a.approvers));
                s.setInt(at + 17, a.requiredApprovals);
                s.setObject(at + 18, a.grantId);
                at += ACTION_PARAMS;
            }
            s.executeUpdate();
        }
    }

    private static void violations(Connection c, List<Flagged> rows) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(values(VIOLATION, VIOLATION_ROW, rows.size()))) {
            int at = 0;
            for (Flagged r : rows) {
                Action a = r.action();
                Violation v = r.violation();
                s.setObject(at + 1, a.id);
                s.setString(at + 2, a.agentName);
                s.setString(at + 3, v.policy());
                s.setString(at + 4, v.severity().name());
                s.setString(at + 5, v.enforcement().name());
                s.setString(at + 6, v.reason());
                s.setObject(at + 7, time(a.createdAt));
                at += VIOLATION_PARAMS;
            }
            s.executeUpdate();
        }
    }

    private static String values(String insert, String row, int count) {
        StringBuilder sql = new StringBuilder(insert.length() + count * (row.length() + 2));
        sql.append(insert);
        for (int i = 0; i < count; i++) {
            sql.append(i == 0 ? "" : ", ").append(row);
        }
        return sql.toString();
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
