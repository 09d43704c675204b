package io.agentgate.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.PackagedApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * answered), and the audit chain verifies. Runs against the build's database kind: one H2 instance, or with
 * -Ppostgresql two instances on one database sharing the load, of which one is killed while the other goes on
 * taking load (and chaining audit events after whatever the killed one left) before the killed one restarts.
 */
class CrashUnderLoadIT {

    private static final String ADMIN = PackagedApp.adminToken("crash");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 16;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Instance 0 is the one killed; with PostgreSQL instance 1 shares the database and the load. */
    private final List<Process> apps = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    /** The instances the clients send to: all, then only the survivor. */
    private volatile List<Integer> live = List.of();

    /** What a 2xx answer said about an action; {@code alternatives} are states an unanswered request may also have made. */
    private record Expected(String agentKey, String status, Set<String> alternatives) {
    }

    @AfterEach
    void stop() {
        apps.forEach(Process::destroyForcibly);
    }

    @Test
    void everyAcknowledgedAnswerSurvivesKillDashNine() throws Exception {
        Path dir = Files.createTempDirectory("agentgate-crash");
        int instances = PackagedApp.postgresql() ? 2 : 1;
        List<Map<String, String>> envs = environments(dir, instances);
        for (int i = 0; i < instances; i++) {
            start(i, envs.get(i), dir.resolve("instance" + i + "-run1.log"));
        }
        live = List.copyOf(ports);
        String open = register("{\"name\":\"crash-open\",\"riskLevel\":\"LOW\"}");
        String gated = register("{\"name\":\"crash-gated\",\"riskLevel\":\"MEDIUM\",\"approval\":{\"required\":true,"
                + "\"approvers\":[\"alice@example.com\"],\"timeoutSeconds\":3600}}");

        Map<String, Expected> answered = new ConcurrentHashMap<>();
        List<String> pending = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicInteger requests = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            clients.submit(() -> load(open, gated, answered, pending, stopped, requests));
        }
        // kill once the load is in full swing (bounded: at most 60 s of load before the kill)
        awaitRequests(requests, 1500);
        apps.get(0).destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int atKill = answered.size();
        if (instances > 1) {
            // the survivor goes on alone: the killed instance's locks and half-done batch must not hold it up
            live = List.of(ports.get(1));
            awaitRequests(requests, requests.get() + 1000);
        }
        stopped.set(true);
        clients.shutdown();
        assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS), "clients stop after the kill");
        assertTrue(atKill > 100, "the load got answers before the kill: " + atKill);
        if (instances > 1) {
            assertTrue(answered.size() > atKill + 100, "the surviving instance answered after the kill: "
                    + (answered.size() - atKill));
        }

        start(0, envs.get(0), dir.resolve("instance0-run2.log"));
        live = List.copyOf(ports);
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
        for (int port : ports) {
            JsonNode verify = JSON.readTree(send(get(port, "/api/v1/audit/verify", ADMIN)).body());
            assertTrue(verify.path("valid").asBoolean(), "audit chain after the crash, on :" + port + ": " + verify);
            assertTrue(verify.path("events").asLong() >= answered.size(), "every answer has its audit event: " + verify);
        }
    }

    private static void awaitRequests(AtomicInteger requests, int count) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (requests.get() < count && System.nanoTime() < until) {
            Thread.sleep(20);
        }
    }

    private void load(String open, String gated, Map<String, Expected> answered, List<String> pending,
            AtomicBoolean stopped, AtomicInteger requests) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stopped.get()) {
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
            } catch (IOException e) {
                // the instance it went to was killed (or the test stops): unanswered, so nothing is expected of it
                if (apps.size() == 1 || stopped.get()) {
                    return;
                }
            } catch (InterruptedException | RuntimeException e) {
                if (!stopped.get()) {
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

    /** One environment per instance: the same database (made once), a port each. */
    private List<Map<String, String>> environments(Path dir, int instances) throws Exception {
        List<Map<String, String>> envs = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            int port = PackagedApp.freePort();
            ports.add(port);
            if (i == 0) {
                envs.add(PackagedApp.environment("crash", dir, port));
            } else {
                Map<String, String> env = new java.util.HashMap<>(envs.get(0));
                env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
                envs.add(env);
            }
        }
        return envs;
    }

    private void start(int instance, Map<String, String> env, Path log) throws Exception {
        Process app = PackagedApp.start(env, log);
        if (apps.size() > instance) {
            apps.set(instance, app);
        } else {
            apps.add(app);
        }
    }

    private String register(String body) throws Exception {
        HttpResponse<String> r = send(post("/api/v1/agents", ADMIN, body));
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("apiKey").asText();
    }

    private HttpRequest post(String path, String token, String body) {
        return HttpRequest.newBuilder(uri(anyLive(), path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpRequest get(String path, String token) {
        return get(anyLive(), path, token);
    }

    private HttpRequest get(int port, String path, String token) {
        return HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build();
    }

    /** A live instance, at random: the load balancer the clients stand behind. */
    private int anyLive() {
        List<Integer> now = live;
        return now.get(ThreadLocalRandom.current().nextInt(now.size()));
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
