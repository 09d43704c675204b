package io.agentgate.gate;

import io.agentgate.agent.AgentProfile;
import io.agentgate.common.Cluster;
import io.agentgate.policy.Policy;
import io.agentgate.policy.PolicyEngine;
import io.agentgate.policy.builtin.RateLimitPolicy;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The rate-limit windows every instance of a cluster shares, in PostgreSQL (table {@code rate_hit}: one row per
 * admitted action until it leaves its window). The gate asks it before evaluation, off the event loop, and hands the
 * answer to the policy engine in the action's context, so the engine itself does no I/O. One instance (H2) does
 * not use it: the policy's in-memory windows are exact there.
 */
@ApplicationScoped
public class SharedRateWindows {

    @Inject
    Cluster cluster;

    @Inject
    PolicyEngine engine;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Clock clock;

    /** The window this action counts in, when windows are shared and the rate-limit policy limits it. */
    Optional<RateLimitPolicy.SharedWindow> windowFor(AgentProfile agent, String action) {
        if (!cluster.enabled()) {
            return Optional.empty();
        }
        for (Policy p : engine.policies()) {
            if (p instanceof RateLimitPolicy rate) {
                return rate.sharedWindow(agent, action);
            }
        }
        return Optional.empty();
    }

    /**
     * Counts one action in the shared window if it has room (the same sliding window as the policy's ring buffer:
     * admitted while fewer than N admitted actions are younger than the window). Blocking; one transaction that
     * holds the window's advisory lock, so instances admit one at a time per window.
     */
    boolean tryAcquire(RateLimitPolicy.SharedWindow window, Instant now) {
        String key = hash(window.key());
        long at = now.toEpochMilli();
        long expires = at + window.limit().window().toMillis();
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                    lock.setString(1, key);
                    lock.execute();
                }
                try (PreparedStatement gone = c.prepareStatement(
                        "DELETE FROM rate_hit WHERE window_key = ? AND expires_at <= ?")) {
                    gone.setString(1, key);
                    gone.setLong(2, at);
                    gone.executeUpdate();
                }
                int inWindow;
                try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM rate_hit WHERE window_key = ?")) {
                    count.setString(1, key);
                    try (ResultSet rs = count.executeQuery()) {
                        rs.next();
                        inWindow = rs.getInt(1);
                    }
                }
                if (inWindow >= window.limit().max()) {
                    return false;
                }
                try (PreparedStatement hit = c.prepareStatement(
                        "INSERT INTO rate_hit (window_key, expires_at) VALUES (?, ?)")) {
                    hit.setString(1, key);
                    hit.setLong(2, expires);
                    hit.executeUpdate();
                }
                return true;
            } catch (SQLException e) {
                throw new IllegalStateException("shared rate window could not be read: " + e.getMessage(), e);
            }
        });
    }

    /** Windows nobody asked about again keep their rows; this drops the ones that left their window. */
    @Scheduled(every = "10m", delayed = "1m", identity = "rate-window-cleanup",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void dropExpired() {
        if (!cluster.enabled()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement("DELETE FROM rate_hit WHERE expires_at <= ?")) {
                ps.setLong(1, clock.millis());
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("expired rate windows could not be dropped: " + e.getMessage(), e);
            }
        });
    }

    private static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
