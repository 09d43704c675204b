package io.agentgate.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar under load, killed with -9 in the middle of it: after a restart on the same database every answer
 * it gave with a 2xx still holds (submissions in the state they were answered with, decisions and cancels as
 * answered), and the audit chain verifies. Runs against the build's database kind (H2 file, or PostgreSQL with
 * -Ppostgresql).
 */
class CrashUnderLoadIT {

    private static final String ADMIN = "crash-admin-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 16;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process app;
    private int port;

    /** What a 2xx answer said about an action; {@code alternatives} are states an unanswered request may also have made. */
    private record Expected(String agentKey, String status, Set<String> alternatives) {
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.destroyForcibly();
        }
    }

    @Test
    void everyAcknowledgedAnswerSurvivesKillDashNine() throws Exception {
        Path dir = Files.createTempDirectory("agentgate-crash");
        Map<String, String> env = environment(dir);
        start(env, dir.resolve("run1.log"));
        String open = register("{\"name\":\"crash-open\",\"riskLevel\":\"LOW\"}");
        String gated = register("{\"name\":\"crash-gated\",\"riskLevel\":\"MEDIUM\",\"approval\":{\"required\":true,"
                + "\"approvers\":[\"alice@example.com\"],\"timeoutSeconds\":3600}}");

        Map<String, Expected> answered = new ConcurrentHashMap<>();
        List<String> pending = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger requests = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            clients.submit(() -> load(open, gated, answered, pending, killed, requests));
        }
        // kill once the load is in full swing (bounded: at most 60 s of load before the kill)
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (requests.get() < 1500 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        killed.set(true);
        clients.shutdown();
        assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS), "clients stop after the kill");
        assertTrue(answered.size() > 100, "the load got answers before the kill: " + answered.size());

        start(env, dir.resolve("run2.log"));
        List<String> wrong = new ArrayList<>();
        for (var e : answered.entrySet()) {
            HttpResponse<String> r = send(get("/api/v1/actions/" + e.getKey() + "?wait=0", e.getValue().agentKey()));
            String status = r.statusCode() == 200 ? JSON.readTree(r.body()).path("status").asText() : "HTTP " + r.statusCode();
            Expected expected = e.getValue();
            if (!status.equals(expected.status()) && !expected.alternatives().contains(status)) {
                wrong.add(e.getKey() + ": answered " + expected.status() + ", after restart " + status);
            }
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(10, wrong.size())),
                wrong.size() + " of " + answered.size() + " acknowledged answers were lost");
        JsonNode verify = JSON.readTree(send(get("/api/v1/audit/verify", ADMIN)).body());
        assertTrue(verify.path("valid").asBoolean(), "audit chain after the crash: " + verify);
        assertTrue(verify.path("events").asLong() >= answered.size(), "every answer has its audit event: " + verify);
    }

    private void load(String open, String gated, Map<String, Expected> answered, List<String> pending,
            AtomicBoolean killed, AtomicInteger requests) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!killed.get()) {
            requests.incrementAndGet();
            int pick = random.nextInt(10);
            String inFlight = null;
            try {
                if (pick < 5) {
                    submit(open, "{\"action\":\"search_knowledge_base\",\"context\":{\"q\":\"crash\"}}", answered);
                } else if (pick < 8) {
                    String key = random.nextBoolean() ? ",\"idempotencyKey\":\"k-" + random.nextLong() + "\"" : "";
                    String id = submit(gated, "{\"action\":\"update_record\",\"context\":{\"n\":1}" + key + "}", answered);
                    if (id != null) {
                        pending.add(id);
                    }
                } else if (!pending.isEmpty()) {
                    String id = pending.remove(random.nextInt(Math.max(1, pending.size())));
                    boolean cancel = pick == 8;
                    String outcome = cancel ? "CANCELLED" : "APPROVED";
                    // until its answer arrives, the decision may or may not have been made
                    answered.put(id, new Expected(gated, "PENDING", Set.of(outcome)));
                    inFlight = id;
                    HttpResponse<String> r = cancel
                            ? send(post("/api/v1/actions/" + id + "/cancel", gated, "{}"))
                            : send(post("/api/v1/actions/" + id + "/decision", ADMIN,
                                    "{\"decision\":\"APPROVED\",\"decidedBy\":\"crash-test\"}"));
                    if (r.statusCode() == 200) {
                        answered.put(id, new Expected(gated, outcome, Set.of()));
                    }
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                if (!killed.get() && !(e instanceof IOException)) {
                    throw new IllegalStateException(e);
                }
                return;
            }
        }
    }

    /** Submits and records a 2xx answer; returns the id of a PENDING one. */
    private String submit(String key, String body, Map<String, Expected> answered) throws IOException,
            InterruptedException {
        HttpResponse<String> r = send(post("/api/v1/actions", key, body));
        if (r.statusCode() != 200 && r.statusCode() != 202) {
            return null;
        }
        JsonNode answer = JSON.readTree(r.body());
        String id = answer.path("id").asText();
        String status = answer.path("status").asText();
        answered.put(id, new Expected(key, status, Set.of()));
        return "PENDING".equals(status) ? id : null;
    }

    private Map<String, String> environment(Path dir) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        port = freePort();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("AGENTGATE_ADMIN_TOKEN", ADMIN);
        env.put("AGENTGATE_LINKS_SECRET", "crash-links-secret-0123456789abcdef0123456789");
        env.put("AGENTGATE_AUDIT_KEY", "crash-audit-key-0123456789abcdef0123456789");
        env.put("QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY", "crash-session-key-0123456789abcdef");
        env.put("QUARKUS_MAILER_MOCK", "true");
        env.put("QUARKUS_LOG_CATEGORY__IO_AGENTGATE__LEVEL", "WARN");
        if ("postgresql".equals(System.getProperty("quarkus.datasource.db-kind"))) {
            String base = System.getProperty("test-db.url");
            String user = System.getProperty("test-db.user", "postgres");
            try (Connection c = DriverManager.getConnection(base, user, ""); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS agentgate_crash WITH (FORCE)");
                s.execute("CREATE DATABASE agentgate_crash");
            }
            env.put("QUARKUS_DATASOURCE_JDBC_URL", base.substring(0, base.lastIndexOf('/') + 1) + "agentgate_crash");
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
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < until) {
            assertTrue(app.isAlive(), "the app exited at start; see " + log);
            try {
                if (send(HttpRequest.newBuilder(uri("/q/health/ready")).GET().build()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the app was not ready within 120 s; see " + log);
    }

    private String register(String body) throws Exception {
        HttpResponse<String> r = send(post("/api/v1/agents", ADMIN, body));
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("apiKey").asText();
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
