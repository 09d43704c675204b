package io.agentgate;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A database of its own for a test profile: an in-memory H2 database by default, or, when the build runs the
 * PostgreSQL flavour ({@code -Ppostgresql}), a freshly created PostgreSQL database on the same server.
 */
public final class TestDatabase {

    private TestDatabase() {
    }

    public static boolean postgres() {
        return "postgresql".equals(System.getProperty("quarkus.datasource.db-kind"));
    }

    /** {@link #own(String)} plus more overrides, given as key, value, key, value... */
    public static Map<String, String> own(String name, String... more) {
        Map<String, String> config = new java.util.HashMap<>(own(name));
        for (int i = 0; i + 1 < more.length; i += 2) {
            config.put(more[i], more[i + 1]);
        }
        return config;
    }

    /** Config overrides pointing the datasource at a new, empty database called {@code name}. */
    public static Map<String, String> own(String name) {
        if (!postgres()) {
            return Map.of("quarkus.datasource.jdbc.url", "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        }
        String base = System.getProperty("test-db.url");
        String user = System.getProperty("test-db.user", "postgres");
        String database = "agentgate_" + name.replace('-', '_');
        try (Connection c = DriverManager.getConnection(base, user, ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + database + ": " + e.getMessage(), e);
        }
        return Map.of("quarkus.datasource.jdbc.url", base.substring(0, base.lastIndexOf('/') + 1) + database);
    }
}
