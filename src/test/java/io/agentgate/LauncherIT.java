package io.agentgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The launcher the build ships beside the jar ({@code target/quarkus-app/agentgate}, from src/main/launcher): the
 * production command of src/docs/running.md. It starts the packaged application with the production JVM options
 * and the AppCDS archive, from any working directory, adds JAVA_OPTS after its own options, and execs java so that
 * a SIGTERM stops the application gracefully. The start prints its ready time and RSS (idle and after a short load)
 * for the operator's figures; they are measured, not asserted: this machine's load decides them.
 */
class LauncherIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUBMISSION = "{\"action\":\"search_knowledge_base\",\"context\":{\"query\":\"refunds\"}}";
    private static final int LOAD_REQUESTS = 2000;
    private static final int LOAD_CLIENTS = 8;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.destroyForcibly();
        }
    }

    @Test
    void theLauncherStartsTheAppWithTheArchiveServesItAndStopsItGracefullyOnSigterm() throws Exception {
        Path dir = Files.createTempDirectory("agentgate-launcher");
        int port = PackagedApp.freePort();
        Map<String, String> env = PackagedApp.environment("launcher", dir, port);
        Path classes = dir.resolve("classes.log");
        env.put("JAVA_OPTS", "-Dlauncher-it.marker=passed -Xlog:class+load=info:file=" + classes);
        Path log = dir.resolve("app.log");

        long launched = System.nanoTime();
        app = PackagedApp.launch(env, log);
        double readySeconds = (System.nanoTime() - launched) / 1e9;

        // exec: the process the launcher started is the JVM itself, with the launcher's options, then JAVA_OPTS
        assertTrue(app.info().command().orElse("").endsWith("/java"), "the launcher execs java: " + app.info());
        List<String> args = Arrays.asList(app.info().arguments().orElseThrow());
        for (String option : List.of("-Xms32m", "-Xmx160m", "-XX:+UseParallelGC", "-XX:CompileThresholdScaling=3",
                "-XX:SharedArchiveFile=app-cds.jsa")) {
            assertTrue(args.contains(option), option + " in " + args);
        }
        assertTrue(args.indexOf("-Dlauncher-it.marker=passed") > args.indexOf("-Xmx160m"),
                "JAVA_OPTS come after the launcher's options: " + args);
        assertEquals(List.of("-jar", "quarkus-run.jar"), args.subList(args.size() - 2, args.size()));
        // the archive maps although the test's working directory is not the application's
        long archived = Files.readAllLines(classes).stream()
                .filter(line -> line.contains("source: shared objects file (top)")).count();
        assertTrue(archived > 1000, "classes from the AppCDS archive: " + archived);

        String base = "http://127.0.0.1:" + port;
        String key = register(base, PackagedApp.adminToken("launcher"));
        assertEquals(200, submit(base, key), "an allowed submission is answered");
        // "idle" is a figure for the report (never asserted): the resident size once the start's work has settled
        Thread.sleep(5000);
        long rssIdle = rssMegabytes(app.pid());
        int allowed = load(base, key);
        long rssAfter = rssMegabytes(app.pid());
        assertEquals(LOAD_REQUESTS, allowed, "every submission of the short load answered 200");
        System.out.printf("[launcher] ready %.2f s after launch; RSS idle %d MB, after %d submissions %d MB%n",
                readySeconds, rssIdle, LOAD_REQUESTS, rssAfter);

        app.destroy(); // SIGTERM, to the JVM itself
        assertTrue(app.waitFor(60, TimeUnit.SECONDS), "stopped within 60 s of SIGTERM");
        assertTrue(Files.readString(log).contains("stopped in"), "Quarkus stopped gracefully; see " + log);
    }

    @Test
    void withoutJavaOptsTheLauncherRunsTheProductionOptions() throws Exception {
        Map<String, String> flags = finalFlags("");
        assertEquals("true", flags.get("UseParallelGC"));
        assertEquals(Long.toString(160L << 20), flags.get("MaxHeapSize"));
        assertEquals(Long.toString(32L << 20), flags.get("InitialHeapSize"));
        assertEquals(3.0, Double.parseDouble(flags.get("CompileThresholdScaling")));
        assertEquals("app-cds.jsa", flags.get("SharedArchiveFile"));
    }

    @Test
    void aCollectorAndHeapInJavaOptsReplaceTheLaunchersOwn() throws Exception {
        // two collectors on one command line would stop the JVM: the launcher leaves its own out
        Map<String, String> flags = finalFlags("-XX:+UseSerialGC -Xmx256m");
        assertEquals("true", flags.get("UseSerialGC"));
        assertEquals("false", flags.get("UseParallelGC"));
        assertEquals(Long.toString(256L << 20), flags.get("MaxHeapSize"));
        assertEquals(3.0, Double.parseDouble(flags.get("CompileThresholdScaling")));
    }

    /** The JVM's final flags when the launcher runs with {@code javaOpts} and -version (the JVM, not the app). */
    private static Map<String, String> finalFlags(String javaOpts) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(PackagedApp.launcher().toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_OPTS", javaOpts + " -XX:+PrintFlagsFinal -version");
        pb.redirectErrorStream(true);
        Process jvm = pb.start();
        String out = new String(jvm.getInputStream().readAllBytes());
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, jvm.exitValue(), out);
        Map<String, String> flags = new java.util.HashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*\\S+\\s+(\\w+)\\s+:?=\\s+(\\S*)\\s+\\{").matcher(out);
        while (m.find()) {
            flags.put(m.group(1), m.group(2));
        }
        assertTrue(flags.size() > 100, out);
        return flags;
    }

    private String register(String base, String adminToken) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/agents"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"launcher-agent\",\"riskLevel\":\"LOW\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        JsonNode agent = JSON.readTree(r.body());
        return agent.get("apiKey").asText();
    }

    private int submit(String base, String key) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/actions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SUBMISSION)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** {@link #LOAD_REQUESTS} allowed submissions from {@link #LOAD_CLIENTS} clients; how many answered 200. */
    private int load(String base, String key) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(LOAD_CLIENTS);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < LOAD_CLIENTS; c++) {
                done.add(clients.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < LOAD_REQUESTS / LOAD_CLIENTS; i++) {
                        ok += submit(base, key) == 200 ? 1 : 0;
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> f : done) {
                ok += f.get(300, TimeUnit.SECONDS);
            }
            return ok;
        } finally {
            clients.shutdownNow();
        }
    }

    private static long rssMegabytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
