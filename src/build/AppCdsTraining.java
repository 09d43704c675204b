import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The build's AppCDS training run (a single-file program: {@code java src/build/AppCdsTraining.java
 * target/quarkus-app}; the build runs it after packaging, see pom.xml). It starts the packaged application once as
 * the production command does (prod profile, a new H2 database in a temporary directory, no mail leaving the
 * process) with {@code -XX:ArchiveClassesAtExit=app-cds.jsa}, waits until it is ready, sends it the requests an
 * instance answers first (an agent registered, an allowed and a pending submission, a held long-poll answered by a
 * decision, reads, an error, metrics, the login page) and stops it: at exit the JVM writes every class loaded and
 * linked by then, with the lambda forms and proxies it generated, to {@code app-cds.jsa} beside the jar. The
 * production command maps that archive ({@code -XX:SharedArchiveFile=app-cds.jsa}), so a start neither parses nor
 * verifies those classes again; Quarkus's own archive covers only what its static initialisation loads. It also
 * lists the classes the run loaded from the application's jars in {@code target/appcds-loaded-classes.txt}, for
 * {@code StoredJars.java}, which the build runs next.
 *
 * <p>Any unexpected answer fails the build with the server's log: a training run that no longer matches the API
 * would leave an archive that misses the request path.
 */
public final class AppCdsTraining {

    private static final Duration READY_WITHIN = Duration.ofSeconds(600);
    private static final String ARCHIVE = "app-cds.jsa";
    /** Beside the quarkus-app directory (not in it: it is not deployed), read by StoredJars.java. */
    private static final String LOADED_CLASSES = "appcds-loaded-classes.txt";
    private static final Pattern CLASS_LOAD = Pattern.compile("\\] (\\S+) source: file:(\\S+\\.jar)$");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String management;
    private final String adminToken;
    private String operations; // where /q/* answers: the HTTP port, or the management port when built with it

    private AppCdsTraining(int port, int managementPort, String adminToken) {
        this.base = "http://127.0.0.1:" + port;
        this.management = "http://127.0.0.1:" + managementPort;
        this.adminToken = adminToken;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: java AppCdsTraining.java <target/quarkus-app> <db-kind>");
        }
        Path app = Path.of(args[0]).toAbsolutePath();
        Files.deleteIfExists(app.resolveSibling(LOADED_CLASSES));
        if (!"h2".equals(args[1])) {
            System.out.println("[appcds] a " + args[1] + " build: no database to train on here, Quarkus's archive stays");
            return;
        }
        Path archive = app.resolve(ARCHIVE);
        Files.deleteIfExists(archive);
        Path work = Files.createTempDirectory("agentgate-appcds-");
        Path log = work.resolve("server.log");
        long started = System.nanoTime();
        int port = freePort();
        int managementPort = freePort();
        String adminToken = secret();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the production command's options (README "Production"); the archive is written relative to the jar's
        // directory, which is how the production command names it
        // and a log of the classes it loads, for the list of them StoredJars keeps uncompressed
        Path classLog = work.resolve("classes.log");
        ProcessBuilder launch = new ProcessBuilder(java, "-XX:ArchiveClassesAtExit=" + ARCHIVE,
                "-Xlog:class+load=info:file=" + classLog, "-XX:+UseParallelGC", "-XX:TrimNativeHeapInterval=2000",
                "-XX:CompileThresholdScaling=3", "-Xms32m", "-Xmx160m", "-jar", "quarkus-run.jar")
                .directory(app.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = launch.environment();
        env.keySet().removeIf(k -> k.startsWith("AGENTGATE_") || k.startsWith("QUARKUS_"));
        env.put("QUARKUS_PROFILE", "prod");
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort)); // used when built with it
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:h2:file:" + work.resolve("data/agentgate") + ";WRITE_DELAY=0");
        env.put("QUARKUS_MAILER_MOCK", "true");
        env.put("AGENTGATE_ADMIN_TOKEN", adminToken);
        env.put("AGENTGATE_LINKS_SECRET", secret());
        env.put("AGENTGATE_AUDIT_KEY", secret());
        env.put("QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY", secret());
        env.put("MALLOC_ARENA_MAX", "2");
        // a busy build machine can take longer than the default 5 s to open the new H2 database
        env.put("QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "60S");
        Process server = launch.start();
        try {
            AppCdsTraining training = new AppCdsTraining(port, managementPort, adminToken);
            training.awaitReady(server);
            training.exercise();
            server.destroy(); // SIGTERM: a normal exit, at which the JVM writes the archive
            // writing the archive at exit takes a minute or more on a busy machine
            if (!server.waitFor(600, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the server did not stop within 600 s of SIGTERM");
            }
            if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
                throw new IllegalStateException("the JVM wrote no " + ARCHIVE + " at exit");
            }
            // Java 17 archives only linked classes and links at exit only its own class loaders' classes: those of
            // Quarkus's loader the run loaded but never linked are left out (src/docs/running.md, "Start time")
            long notLinked = Files.readString(log).lines()
                    .filter(l -> l.contains("[cds]") && l.endsWith(": Not linked")).count();
            int classes = writeClassList(classLog, app, app.resolveSibling(LOADED_CLASSES));
            System.out.printf("[appcds] %s written by a training run in %.1f s (%d MB); %d classes it loaded from the"
                    + " application's jars listed in %s; %d loaded classes left out as not linked%n", archive,
                    (System.nanoTime() - started) / 1e9, Files.size(archive) >> 20, classes,
                    app.resolveSibling(LOADED_CLASSES), notLinked);
        } catch (Exception | AssertionError e) {
            server.destroyForcibly();
            System.err.println("[appcds] training run failed: " + e.getMessage() + "\n--- server log (" + log
                    + ") ---\n" + tail(log));
            throw e;
        }
        deleteTree(work);
    }

    private void awaitReady(Process server) throws Exception {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the server exited with " + server.exitValue() + " before it was ready");
            }
            for (String candidate : List.of(base, management)) {
                try {
                    if (send(candidate, "GET", "/q/health/ready", null, null).statusCode() == 200) {
                        operations = candidate;
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("not ready within " + READY_WITHIN.toSeconds() + " s");
    }

    /** The requests an instance answers first, each with the answer the API documents. */
    private void exercise() throws Exception {
        String allowedKey = register("appcds-allowed", "{\"required\":false}");
        String pendingKey = register("appcds-pending",
                "{\"required\":true,\"approvers\":[],\"requiredApprovals\":1,\"timeoutSeconds\":600}");
        String submit = "{\"action\":\"search_knowledge_base\",\"context\":{\"query\":\"refund policy\"}}";
        for (int i = 0; i < 20; i++) {
            expect(200, "POST", "/api/v1/actions", allowedKey, submit);
        }
        String allowed = id(expect(200, "POST", "/api/v1/actions", allowedKey, submit));
        expect(204, "POST", "/api/v1/actions/" + allowed + "/result", allowedKey,
                "{\"result\":\"30 days\",\"durationMs\":12,\"model\":\"training\",\"inputTokens\":10,"
                        + "\"outputTokens\":5}");
        expect(200, "POST", "/api/v1/actions", allowedKey,
                "{\"action\":\"search_knowledge_base\",\"context\":{\"query\":\"again\"},\"idempotencyKey\":\"appcds-1\"}");
        expect(400, "POST", "/api/v1/actions", allowedKey, "{\"action\":");
        expect(401, "GET", "/api/v1/actions/" + allowed, null, null);
        String pending = id(expect(202, "POST", "/api/v1/actions", pendingKey, submit));
        expect(200, "GET", "/api/v1/actions/" + pending + "?wait=1", pendingKey, null); // held until its wait ends
        String decided = id(expect(202, "POST", "/api/v1/actions", pendingKey, submit));
        CompletableFuture<HttpResponse<String>> held = http.sendAsync(request(base, "GET", "/api/v1/actions/" + decided
                + "?wait=30", pendingKey, null), HttpResponse.BodyHandlers.ofString());
        // give the poll time to be held, so the decision below wakes it (were it not held yet, it would answer the
        // decided action at once: the run still passes, only the wake-up path would be missing from the archive)
        Thread.sleep(200);
        expect(200, "POST", "/api/v1/actions/" + decided + "/decision", adminToken,
                "{\"decision\":\"APPROVED\",\"decidedBy\":\"appcds\",\"comment\":\"training run\"}");
        HttpResponse<String> woken = held.get(30, TimeUnit.SECONDS);
        if (woken.statusCode() != 200 || !"APPROVED".equals(field(woken.body(), "status"))) {
            throw new IllegalStateException("the held poll answered " + woken.statusCode() + ": " + woken.body());
        }
        String cancelled = id(expect(202, "POST", "/api/v1/actions", pendingKey, submit));
        expect(200, "POST", "/api/v1/actions/" + cancelled + "/cancel", pendingKey, null);
        expect(404, "GET", "/api/v1/actions/" + decided, allowedKey, null);
        expect(200, "GET", "/api/v1/actions?status=PENDING", adminToken, null);
        expect(200, "GET", "/api/v1/agents", adminToken, null);
        expect(200, send(operations, "GET", "/q/metrics", null, null), "/q/metrics");
        expect(200, send(operations, "GET", "/q/health/live", null, null), "/q/health/live");
        expect(200, "GET", "/", null, null);
    }

    private String register(String name, String approval) throws Exception {
        String body = "{\"name\":\"" + name + "\",\"displayName\":\"AppCDS training " + name + "\",\"riskLevel\":\"LOW\","
                + "\"capabilities\":{\"writeData\":false,\"sendExternalMessages\":false,\"executeCode\":false,"
                + "\"financialTransactions\":false},\"maxTransactionAmount\":0,\"allowedActions\":null,\"approval\":"
                + approval + "}";
        return field(expect(201, "POST", "/api/v1/agents", adminToken, body), "apiKey");
    }

    private String expect(int status, String method, String path, String token, String body) throws Exception {
        return expect(status, send(base, method, path, token, body), method + " " + path);
    }

    private static String expect(int status, HttpResponse<String> answer, String what) {
        if (answer.statusCode() != status) {
            throw new IllegalStateException(what + " answered " + answer.statusCode() + ", expected " + status + ": "
                    + answer.body());
        }
        return answer.body();
    }

    private HttpResponse<String> send(String to, String method, String path, String token, String body)
            throws Exception {
        return http.send(request(to, method, path, token, body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String to, String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(to + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    private static String id(String json) {
        return field(json, "id");
    }

    /** A string field of a JSON object (the answers here are flat enough for a pattern). */
    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no \"" + name + "\" in " + json);
        }
        return m.group(1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String secret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Lists the classes the run loaded from the jars under {@code app}, one binary name a line, sorted; returns how
     * many (0, and no list, if the log names none). The JVM's class-load log names each class with its jar.
     */
    private static int writeClassList(Path classLog, Path app, Path list) throws IOException {
        Path root = app.toRealPath(); // the JVM names the jars by their real path (its working directory's)
        List<String> names;
        try (Stream<String> lines = Files.lines(classLog)) {
            names = lines.map(CLASS_LOAD::matcher)
                    .filter(m -> m.find() && Path.of(URI.create("file:" + m.group(2))).startsWith(root))
                    .map(m -> m.group(1))
                    .distinct()
                    .sorted()
                    .toList();
        }
        if (names.isEmpty()) {
            // the archive is still good; StoredJars, finding no list, leaves the jars as they are
            System.out.println("[appcds] the class-load log names no class from " + root + ": no class list written");
            return 0;
        }
        Files.write(list, names);
        return names.size();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
