package io.agentgate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The packaged jar (target/quarkus-app, built before the integration tests run) started as a process of its own in
 * prod mode, on a free port, against the build's database kind: an H2 file in a directory of the test's, or a fresh
 * PostgreSQL database of the test's name with -Ppostgresql.
 */
public final class PackagedApp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PackagedApp() {
    }

    /** The admin token {@link #environment} sets for a test of this name. */
    public static String adminToken(String name) {
        return name + "-admin-token-0123456789";
    }

    /**
     * The process environment of an instance: this environment, prod secrets made from {@code name}, mail mocked,
     * the application's log at WARN, and the database (a PostgreSQL database {@code agentgate_<name>} is dropped and
     * made anew here).
     */
    public static Map<String, String> environment(String name, Path dir, int port) throws SQLException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("AGENTGATE_ADMIN_TOKEN", adminToken(name));
        env.put("AGENTGATE_LINKS_SECRET", name + "-links-secret-0123456789abcdef0123456789");
        env.put("AGENTGATE_AUDIT_KEY", name + "-audit-key-0123456789abcdef0123456789abc");
        env.put("QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY", name + "-session-key-0123456789abcdef");
        env.put("QUARKUS_MAILER_MOCK", "true");
        env.put("QUARKUS_LOG_CATEGORY__IO_AGENTGATE__LEVEL", "WARN");
        if (postgresql()) {
            String base = System.getProperty("test-db.url");
            String user = System.getProperty("test-db.user", "postgres");
            String database = "agentgate_" + name;
            try (Connection c = DriverManager.getConnection(base, user, ""); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                s.execute("CREATE DATABASE " + database);
            }
            env.put("QUARKUS_DATASOURCE_JDBC_URL", base.substring(0, base.lastIndexOf('/') + 1) + database);
            env.put("QUARKUS_DATASOURCE_USERNAME", user);
        } else {
            env.put("QUARKUS_DATASOURCE_JDBC_URL",
                    "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath() + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000");
        }
        return env;
    }

    /** Whether this build is the PostgreSQL flavour (-Ppostgresql). */
    public static boolean postgresql() {
        return "postgresql".equals(System.getProperty("quarkus.datasource.db-kind"));
    }

    /** Starts the jar with exactly {@code env}, its output to {@code log}, and returns once it is ready. */
    public static Process start(Map<String, String> env, Path log) throws IOException {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "the packaged jar exists (integration tests run after package): " + jar);
        return startReady(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString()), env, log);
    }

    /**
     * Starts the application the way an operator does, through the launcher the build puts beside the jar
     * ({@code target/quarkus-app/agentgate}), with {@code env} and this JVM's Java as JAVA_HOME; returns once it is
     * ready. The launcher execs java, so the process is the JVM's.
     */
    public static Process launch(Map<String, String> env, Path log) throws IOException {
        Path launcher = launcher();
        Map<String, String> withJava = new HashMap<>(env);
        withJava.put("JAVA_HOME", System.getProperty("java.home"));
        return startReady(List.of(launcher.toString()), withJava, log);
    }

    /** The launcher the build put beside the jar. */
    public static Path launcher() {
        Path launcher = Path.of("target", "quarkus-app", "agentgate").toAbsolutePath();
        assertTrue(Files.isExecutable(launcher), "the build put an executable launcher beside the jar: " + launcher);
        return launcher;
    }

    private static Process startReady(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process app = pb.start();
        URI ready = URI.create("http://127.0.0.1:" + env.get("QUARKUS_HTTP_PORT") + "/q/health/ready");
        try {
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(100)).until(() -> {
                assertTrue(app.isAlive(), "the app exited at start; see " + log);
                try {
                    return HTTP.send(HttpRequest.newBuilder(ready).GET().build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException notYet) {
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            app.destroyForcibly();
            throw new AssertionError("the app was not ready within 300 s (a loaded machine starts slowly); see " + log, e);
        }
        return app;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
