package io.agentgate.gate;

import io.agentgate.common.StringListConverter;
import io.agentgate.policy.Violation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** The submit path's rows as plain statements: one action row and its violations, no entity lifecycle. */
final class ActionRows {

    private static final StringListConverter LIST = new StringListConverter();
    private static final String ACTION = "INSERT INTO action (id, agent_id, agent_name, action, context, tool_name,"
            + " tool_args, session_id, user_id, idempotency_key, request_hash, callback_url, status, created_at,"
            + " deadline, approvers, required_approvals, grant_id)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String VIOLATION = "INSERT INTO violation (action_id, agent_name, policy, severity,"
            + " enforcement, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

    private ActionRows() {
    }

    static void insert(Connection c, Action a, List<Violation> violations) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(ACTION)) {
            s.setObject(1, a.id);
            s.setObject(2, a.agentId);
            s.setString(3, a.agentName);
            s.setString(4, a.action);
            s.setString(5, a.context);
            s.setString(6, a.toolName);
            s.setString(7, a.toolArgs);
            s.setString(8, a.sessionId);
            s.setString(9, a.userId);
            s.setString(10, a.idempotencyKey);
            s.setString(11, a.requestHash);
            s.setString(12, a.callbackUrl);
            s.setString(13, a.status.name());
            s.setObject(14, time(a.createdAt));
            if (a.deadline == null) {
                s.setNull(15, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                s.setObject(15, time(a.deadline));
            }
            s.setString(16, LIST.convertToDatabaseColumn(a.approvers));
            s.setInt(17, a.requiredApprovals);
            s.setObject(18, a.grantId);
            s.executeUpdate();
        }
        if (violations.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(VIOLATION)) {
            for (Violation v : violations) {
                s.setObject(1, a.id);
                s.setString(2, a.agentName);
                s.setString(3, v.policy());
                s.setString(4, v.severity().name());
                s.setString(5, v.enforcement().name());
                s.setString(6, v.reason());
                s.setObject(7, time(a.createdAt));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
