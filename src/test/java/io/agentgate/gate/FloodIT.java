package io.agentgate.gate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, finding 1: one agent key flooding the packaged jar with held long-polls over real sockets. The limits are
 * lowered for the run (200 held polls per agent, 300 in all); the flood holds every place its agent has, gets 429 with
 * Retry-After for the rest, while another agent's submit and /q/health/ready answer fast; when the flooding client
 * goes away the held count falls back to 0, no socket of the gate stays in CLOSE-WAIT and its open files come back to
 * where they were.
 */
class FloodIT {

    private static final String ADMIN = "flood-admin-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PER_AGENT = 200;
    private static final int TOTAL = 300;
    private static final int EXCESS = 50;
    private static final Pattern HELD = Pattern.compile("^agentgate_held\\{[^}]*kind=\"polls\"[^}]*} ([0-9.eE+-]+)$",
            Pattern.MULTILINE);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Socket> flood = new ArrayList<>();
    private Process app;
    private int port;

    @AfterEach
    void stop() throws IOException {
        for (Socket s : flood) {
            s.close();
        }
        if (app != null) {
            app.destroyForcibly();
        }
    }

    @Test
    void oneKeyFloodingWithHeldPollsStarvesNobodyAndLeavesNothingBehind() throws Exception {
        Path dir = Files.createTempDirectory("agentgate-flood");
        start(environment(dir), dir.resolve("app.log"));
        String flooder = register("{\"name\":\"flooder\",\"riskLevel\":\"MEDIUM\",\"approval\":{\"required\":true,"
                + "\"approvers\":[\"alice@example.com\"],\"timeoutSeconds\":3600}}");
        String other = register("{\"name\":\"other\",\"riskLevel\":\"MEDIUM\",\"approval\":{\"required\":true,"
                + "\"approvers\":[\"alice@example.com\"],\"timeoutSeconds\":3600}}");
        String id = submit(flooder);
        timings(other); // warm up: the first requests of a fresh JVM are slow for reasons of their own
        Timings calm = timings(other);
        long filesBefore = openFiles();

        // the flood: one key, as many held polls as its agent may hold, each on its own connection
        for (int i = 0; i < PER_AGENT; i++) {
            flood.add(poll(flooder, id, 60));
        }
        awaitHeld(PER_AGENT, Duration.ofSeconds(30));

        // beyond the agent's limit: 429 problem+json with Retry-After, and the gate closes the connection
        for (int i = 0; i < EXCESS; i++) {
            try (Socket excess = poll(flooder, id, 60)) {
                excess.setSoTimeout(10_000);
                String answer = readToEnd(excess.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 429"), "excess poll " + i + " answered: " + answer);
                String lower = answer.toLowerCase(Locale.ROOT);
                assertTrue(lower.contains("\r\nretry-after: 2\r\n"), answer);
                assertTrue(lower.contains("content-type: application/problem+json"), answer);
                assertTrue(answer.contains("\"status\":429"), answer);
            }
        }
        assertEquals(PER_AGENT, held(), "the refused polls hold nothing");

        // while the flood holds: another agent's submit and poll, and readiness, answer as fast as without it
        HttpResponse<String> othersPoll = send(get("/api/v1/actions/" + submit(other) + "?wait=1", other));
        assertEquals(200, othersPoll.statusCode(), "another agent's own held poll is not refused: " + othersPoll.body());
        Timings flooded = timings(other);
        System.out.printf("with %d held polls of one key: other agent's submit %s; /q/health/ready %s "
                + "(without the flood: %s; %s)%n", PER_AGENT, flooded.submit(), flooded.health(), calm.submit(),
                calm.health());
        assertFast("another agent's submit", flooded.submit(), calm.submit());
        assertFast("/q/health/ready", flooded.health(), calm.health());

        // the flooding client goes away: every held poll ends at once, every socket is closed, nothing stays open
        for (Socket s : flood) {
            s.close();
        }
        flood.clear();
        long gone = System.nanoTime();
        awaitHeld(0, Duration.ofSeconds(10));
        long releasedMs = (System.nanoTime() - gone) / 1_000_000;
        awaitTrue(() -> closeWait() == 0, Duration.ofSeconds(10), () -> closeWait() + " sockets in CLOSE-WAIT");
        awaitTrue(() -> openFiles() <= filesBefore + 10, Duration.ofSeconds(10),
                () -> "open files " + openFiles() + ", before the flood " + filesBefore);
        System.out.printf("after the flooding client left: held polls 0 after %d ms, open files %d (before %d)%n",
                releasedMs, openFiles(), filesBefore);
        assertTrue(releasedMs < 5000, "held polls released " + releasedMs + " ms after the client left");

        // and the key works again by itself
        HttpResponse<String> again = send(get("/api/v1/actions/" + id + "?wait=1", flooder));
        assertEquals(200, again.statusCode(), again.body());
        assertEquals("PENDING", JSON.readTree(again.body()).path("status").asText());
    }

    /** Milliseconds of 20 submits of another agent and 20 readiness checks, sorted. */
    private record Timings(List<Long> submit, List<Long> health) {
    }

    private Timings timings(String key) throws Exception {
        List<Long> submitMs = new ArrayList<>();
        List<Long> healthMs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            submit(key);
            submitMs.add((System.nanoTime() - t0) / 1_000_000);
            t0 = System.nanoTime();
            assertEquals(200, send(HttpRequest.newBuilder(uri("/q/health/ready")).GET().build()).statusCode());
            healthMs.add((System.nanoTime() - t0) / 1_000_000);
        }
        submitMs.sort(null);
        healthMs.sort(null);
        return new Timings(submitMs, healthMs);
    }

    /**
     * Within 100 ms (median), or on a machine too loaded for that even without a flood, no slower than twice its own
     * pace without the flood; and never anywhere near a client's timeout.
     */
    private static void assertFast(String what, List<Long> flooded, List<Long> calm) {
        long median = flooded.get(flooded.size() / 2);
        long bound = Math.max(100, 2 * calm.get(calm.size() / 2) + 20);
        assertTrue(median <= bound, what + " under the flood, median " + median + " ms > " + bound + " ms: " + flooded
                + " (without it: " + calm + ")");
        assertTrue(flooded.get(flooded.size() - 1) < 5000, what + " under the flood: " + flooded);
    }

    /** A raw HTTP/1.1 long-poll on a socket of its own, sent and left waiting. */
    private Socket poll(String key, String id, int wait) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.getOutputStream().write(("GET /api/v1/actions/" + id + "?wait=" + wait + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nAuthorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Everything until the server closes the connection (a timeout fails: the gate must close it). */
    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0;) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the gate kept the refused connection open; read so far: " + out, e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Held polls as the gate's gauge reports them. */
    private int held() throws Exception {
        String metrics = send(HttpRequest.newBuilder(uri("/q/metrics")).GET().build()).body();
        Matcher m = HELD.matcher(metrics);
        assertTrue(m.find(), "agentgate_held{kind=\"polls\"} is exported");
        return (int) Double.parseDouble(m.group(1));
    }

    private void awaitHeld(int expected, Duration within) throws Exception {
        awaitTrue(() -> held() == expected, within, () -> "held polls " + held() + ", expected " + expected);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private interface Says {
        String say() throws Exception;
    }

    /** Bounded polling of a condition on the other process. */
    private static void awaitTrue(Check check, Duration within, Says why) throws Exception {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(50)).until(check::holds);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not within " + within + ": " + why.say(), e);
        }
    }

    /** The gate's TCP sockets on its port in CLOSE-WAIT (state 08 in /proc/net/tcp and tcp6). */
    private int closeWait() throws IOException {
        String local = String.format(":%04X", port);
        int count = 0;
        for (String table : List.of("/proc/" + app.pid() + "/net/tcp", "/proc/" + app.pid() + "/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length > 3 && cols[1].endsWith(local) && "08".equals(cols[3])) {
                    count++;
                }
            }
        }
        return count;
    }

    /** The gate process' open file descriptors. */
    private long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + app.pid() + "/fd"))) {
            return fds.count();
        }
    }

    private String submit(String key) throws Exception {
        HttpResponse<String> r = send(post("/api/v1/actions", key, "{\"action\":\"book_meeting\"}"));
        assertEquals(202, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("id").asText();
    }

    private Map<String, String> environment(Path dir) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        port = freePort();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("AGENTGATE_ADMIN_TOKEN", ADMIN);
        env.put("AGENTGATE_LINKS_SECRET", "flood-links-secret-0123456789abcdef0123456789");
        env.put("AGENTGATE_AUDIT_KEY", "flood-audit-key-0123456789abcdef0123456789abc");
        env.put("QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY", "flood-session-key-0123456789abcdef");
        env.put("QUARKUS_MAILER_MOCK", "true");
        env.put("QUARKUS_LOG_CATEGORY__IO_AGENTGATE__LEVEL", "WARN");
        // the test's limits: a few hundred held polls instead of thousands
        env.put("AGENTGATE_LIMITS_HELD_POLLS_PER_AGENT", Integer.toString(PER_AGENT));
        env.put("AGENTGATE_LIMITS_HELD_POLLS_TOTAL", Integer.toString(TOTAL));
        env.put("AGENTGATE_LIMITS_RETRY_AFTER", "2S");
        if ("postgresql".equals(System.getProperty("quarkus.datasource.db-kind"))) {
            String base = System.getProperty("test-db.url");
            String user = System.getProperty("test-db.user", "postgres");
            try (Connection c = DriverManager.getConnection(base, user, ""); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS agentgate_flood WITH (FORCE)");
                s.execute("CREATE DATABASE agentgate_flood");
            }
            env.put("QUARKUS_DATASOURCE_JDBC_URL", base.substring(0, base.lastIndexOf('/') + 1) + "agentgate_flood");
            env.put("QUARKUS_DATASOURCE_USERNAME", user);
        } else {
            env.put("QUARKUS_DATASOURCE_JDBC_URL",
                    "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath() + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000");
        }
        return env;
    }

    private void start(Map<String, String> env, Path log) throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "the packaged jar exists (integration tests run after package): " + jar);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        app = pb.start();
        awaitTrue(() -> {
            assertTrue(app.isAlive(), "the app exited at start; see " + log);
            try {
                return send(HttpRequest.newBuilder(uri("/q/health/ready")).GET().build()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        }, Duration.ofSeconds(120), () -> "the app was not ready; see " + log);
    }

    private String register(String body) throws Exception {
        HttpResponse<String> r = send(post("/api/v1/agents", ADMIN, body));
        assertEquals(201, r.statusCode(), r.body());
        JsonNode agent = JSON.readTree(r.body());
        return agent.path("apiKey").asText();
    }

    private HttpRequest post(String path, String token, String body) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpRequest get(String path, String token) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
