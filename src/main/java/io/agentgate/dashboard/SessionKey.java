package io.agentgate.dashboard;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * The key of the dashboard's session cookies. The operator's {@code quarkus.http.auth.session.encryption-key} wins;
 * without it a 256-bit key is generated once and kept in the database ({@code server_secret}), so sessions survive
 * restarts and work on every instance. The key is never logged.
 */
@ApplicationScoped
public class SessionKey {

    static final String CONFIG_KEY = "quarkus.http.auth.session.encryption-key";
    static final String NAME = "session-key";
    private static final Logger LOG = Logger.getLogger(SessionKey.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    Clock clock;

    @Inject
    DataSource dataSource;

    @Inject
    Instance<Flyway> flyway;

    private volatile String key;
    private volatile boolean stored;

    /** The key in use; the first call (when the HTTP security is set up) reads or generates it. */
    public synchronized String key() {
        if (key == null) {
            Optional<String> configured = ConfigProvider.getConfig().getOptionalValue(CONFIG_KEY, String.class)
                    .filter(k -> !k.isBlank());
            if (configured.isPresent()) {
                key = configured.get();
            } else {
                // the HTTP security is set up before Flyway's start-up migration runs: migrate first (idempotent)
                flyway.get().migrate();
                key = loadOrCreate();
                stored = true;
                LOG.info("dashboard sessions use the generated session key stored in the database"
                        + " (set QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY to use your own)");
            }
        }
        return key;
    }

    /** HMAC-SHA256 of a value under the session key (for the session's login stamp). */
    byte[] sign(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(("agentgate-session-stamp:" + key()).getBytes(StandardCharsets.UTF_8),
                    "HmacSHA256"));
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** A database cleaned after the key was read (tests with clean-at-start) gets the key in use back. */
    void restore(@Observes StartupEvent event) {
        if (stored) {
            try (Connection c = dataSource.getConnection()) {
                if (read(c).isEmpty()) {
                    insert(c, key, clock.instant());
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot store the session key: " + e.getMessage(), e);
            }
        }
    }

    private String loadOrCreate() {
        try (Connection c = dataSource.getConnection()) {
            Optional<String> existing = read(c);
            if (existing.isPresent()) {
                return existing.get();
            }
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String generated = HexFormat.of().formatHex(bytes);
            try {
                insert(c, generated, clock.instant());
                return generated;
            } catch (SQLException raced) {
                // another instance inserted its key first: everyone uses that one
                return read(c).orElseThrow(() -> raced);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read or store the dashboard session key: " + e.getMessage(), e);
        }
    }

    private static Optional<String> read(Connection c) throws SQLException {
        try (var s = c.prepareStatement("SELECT secret FROM server_secret WHERE name = ?")) {
            s.setString(1, NAME);
            try (var rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static void insert(Connection c, String secret, Instant at) throws SQLException {
        try (var s = c.prepareStatement("INSERT INTO server_secret (name, secret, created_at) VALUES (?, ?, ?)")) {
            s.setString(1, NAME);
            s.setString(2, secret);
            s.setTimestamp(3, Timestamp.from(at));
            s.executeUpdate();
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }
}
