package io.agentgate.dashboard;

import io.agentgate.common.Cluster;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Failed logins every instance of a cluster shares, in PostgreSQL (table {@code login_attempt}). An attempt is one
 * atomic upsert that answers the count it made, so concurrent attempts on several instances are counted one after
 * another and no more than the limit are admitted. Blocking: called off the event loop.
 */
@ApplicationScoped
class SharedLoginCounts implements LoginCounts {

    /** The row as it was ({@code a.*}) decides; "stale" means locked and expired, or unlocked and out of the window. */
    private static final String STALE = "(a.locked_until IS NOT NULL AND a.locked_until <= ?)"
            + " OR (a.locked_until IS NULL AND a.window_start <= ?)";
    /** One statement: PostgreSQL serialises concurrent upserts of a key on its row, so every attempt is counted. */
    private static final String FAIL = "INSERT INTO login_attempt AS a (kind, login_key, failures, window_start, locked_until)"
            + " VALUES (?, ?, 1, ?, ?)"
            + " ON CONFLICT (kind, login_key) DO UPDATE SET"
            + " failures = CASE WHEN " + STALE + " THEN 1 ELSE LEAST(a.failures, ?) + 1 END,"
            + " window_start = CASE WHEN " + STALE + " THEN EXCLUDED.window_start ELSE a.window_start END,"
            + " locked_until = CASE WHEN " + STALE + " THEN EXCLUDED.locked_until WHEN a.locked_until > ? THEN a.locked_until"
            + " WHEN a.failures + 1 >= ? THEN ? ELSE NULL END"
            + " RETURNING failures, locked_until";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Cluster cluster;

    @Inject
    Clock clock;

    @Inject
    DashboardSettings settings;

    @Override
    public boolean blocking() {
        return true;
    }

    @Override
    public Optional<Instant> lockedUntil(Kind kind, String key, Instant now) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT locked_until FROM login_attempt WHERE kind = ? AND login_key = ? AND locked_until > ?")) {
            ps.setString(1, kind.name());
            ps.setString(2, key);
            ps.setTimestamp(3, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getTimestamp(1).toInstant()) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("login throttle could not be read: " + e.getMessage(), e);
        }
    }

    @Override
    public Count fail(Kind kind, String key, int max, Instant now, Duration window, Duration lockout) {
        Timestamp at = Timestamp.from(now);
        Timestamp cutoff = Timestamp.from(now.minus(window));
        Timestamp lockEnd = Timestamp.from(now.plus(lockout));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FAIL)) {
            int i = 0;
            ps.setString(++i, kind.name());
            ps.setString(++i, key);
            ps.setTimestamp(++i, at);
            ps.setTimestamp(++i, max <= 1 ? lockEnd : null);
            // failures
            ps.setTimestamp(++i, at);
            ps.setTimestamp(++i, cutoff);
            ps.setInt(++i, max);
            // window_start
            ps.setTimestamp(++i, at);
            ps.setTimestamp(++i, cutoff);
            // locked_until
            ps.setTimestamp(++i, at);
            ps.setTimestamp(++i, cutoff);
            ps.setTimestamp(++i, at);
            ps.setInt(++i, max);
            ps.setTimestamp(++i, lockEnd);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp locked = rs.getTimestamp(2);
                return new Count(rs.getInt(1), locked == null ? null : locked.toInstant());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("login attempt could not be counted: " + e.getMessage(), e);
        }
    }

    @Override
    public void clear(Kind kind, String key) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM login_attempt WHERE kind = ? AND login_key = ?")) {
            ps.setString(1, kind.name());
            ps.setString(2, key);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("login failures could not be cleared: " + e.getMessage(), e);
        }
    }

    /** Rows of keys nobody tried again: drop those whose window and lock have passed. */
    @Scheduled(every = "10m", delayed = "1m", identity = "login-attempt-cleanup",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void dropStale() {
        if (!cluster.enabled()) {
            return;
        }
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM login_attempt a WHERE " + STALE)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now.minus(settings.login().window())));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("stale login failures could not be dropped: " + e.getMessage(), e);
        }
    }
}
