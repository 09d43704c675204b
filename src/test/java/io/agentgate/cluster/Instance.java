package io.agentgate.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One packaged AgentGate started as a process of its own on a free port, and the HTTP calls the tests make to it. */
final class Instance implements AutoCloseable {

    private static final Pattern LONG_POLLS = Pattern.compile("(?m)^agentgate_long_polls(?:\\{[^}]*\\})? ([0-9.eE+-]+)$");

    final String name;
    final int port;
    final Path log;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build(); // as browsers speak to a plain-HTTP port
    private Process process;

    Instance(String name, Path dir) throws IOException {
        this.name = name;
        this.port = freePort();
        this.log = dir.resolve(name + ".log");
    }

    void start(Map<String, String> env, List<String> systemProperties) throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "the packaged jar exists (integration tests run after package): " + jar);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.addAll(systemProperties);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        process = pb.start();
    }

    void awaitReady() throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < until) {
            assertTrue(process.isAlive(), name + " exited at start; see " + log);
            try {
                if (send(HttpRequest.newBuilder(uri("/q/health/ready")).GET().build()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError(name + " was not ready within 180 s; see " + log);
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    HttpResponse<String> post(String path, String token, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return send(getRequest(path, token));
    }

    HttpRequest getRequest(String path, String token) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).GET().build();
    }

    /** The dashboard's form login; the answer is the redirect (followed by nobody). */
    HttpResponse<String> login(String email, String password) throws IOException, InterruptedException {
        String form = "j_username=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&j_password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return send(HttpRequest.newBuilder(uri("/j_security_check")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    HttpResponse<String> page(String path, String sessionCookie) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Cookie", sessionCookie).GET().build());
    }

    /** Open long-polls on this instance, from its metrics. */
    int longPolls() throws IOException, InterruptedException {
        String metrics = send(HttpRequest.newBuilder(uri("/q/metrics")).GET().build()).body();
        Matcher m = LONG_POLLS.matcher(metrics);
        return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
    }

    HttpClient client() {
        return http;
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
