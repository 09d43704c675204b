package io.agentgate.common;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The polling reads of an outbox table (mail, callbacks), in plain JDBC: every poll interval from the start an
 * instance asks each outbox for due rows, and these statements keep that from loading the ORM's query engine on an
 * instance nobody uses. Both tables share the columns read here: {@code id}, {@code status} ({@code PENDING} and
 * {@code SENDING} are the open states), {@code next_attempt_at} and {@code claimed_until} (a sender's lease).
 */
public final class OutboxRows {

    private final DataSource dataSource;
    private final String dueSql;
    private final String openSql;

    /** @param table the outbox table's name (a constant of the caller's, never input) */
    public OutboxRows(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.dueSql = "SELECT id FROM " + table + " WHERE (status = 'PENDING' AND next_attempt_at <= ?) "
                + "OR (status = 'SENDING' AND claimed_until <= ?) ORDER BY next_attempt_at, id FETCH FIRST ? ROWS ONLY";
        this.openSql = "SELECT COUNT(*) FROM " + table + " WHERE status IN ('PENDING', 'SENDING')";
    }

    /** Ids of rows due now: pending ones whose time has come, and claimed ones whose lease ran out; at most limit. */
    public List<Long> due(Instant now, int limit) {
        return Jdbc.withConnection(dataSource, "outbox poll", c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = Jdbc.prepare(c, dueSql, List.of(now, now, limit));
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        });
    }

    /** Rows not yet delivered (pending or being sent). */
    public long open() {
        return Jdbc.withConnection(dataSource, "outbox count", c -> Jdbc.count(c, openSql));
    }
}
