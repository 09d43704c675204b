package io.agentgate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The documentation's examples, read from the README and the topic documents under {@code src/docs/} themselves, run
 * against the app with the demo governance file (which the test profile loads): the shell walk-through with the
 * answers it shows (it starts in the README and continues in the API and approvals documents, in that order), the
 * Python client, the audit verifier. Blocks are marked {@code <!-- tested: NAME -->}; every document with a marked
 * block must be one of {@link #DOCUMENTS}, so none is skipped. The walk-through runs on a Saturday night (the clock
 * shifted), to prove it works outside business hours.
 */
@QuarkusTest
class ReadmeExamplesTest {

    private static final Pattern BLOCK = Pattern.compile("<!-- tested: ([a-z-]+) -->\\s*```(\\w+)\\n(.*?)```",
            Pattern.DOTALL);
    /** The documents with marked blocks, in the order their blocks run (a walk-through continues from one to the next). */
    static final List<Path> DOCUMENTS = List.of(Path.of("README.md"), Path.of("src/docs/api.md"),
            Path.of("src/docs/approvals.md"), Path.of("src/docs/clients.md"), Path.of("src/docs/audit.md"));
    /** The test profile's agentgate.audit.key. */
    private static final String AUDIT_KEY = "test-audit-key-0123456789abcdef0123456789a";
    private static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3"
            : "python3";

    @TestHTTPResource("/")
    URI base;

    @Inject
    TestClock clock;

    @AfterEach
    void realTime() {
        clock.release();
    }

    @Test
    void walkThroughGivesTheAnswersItShowsOnASaturdayNight() throws Exception {
        clock.runFrom(LocalDate.now(ZoneOffset.UTC).with(TemporalAdjusters.next(DayOfWeek.SATURDAY))
                .atTime(3, 0).toInstant(ZoneOffset.UTC));
        List<String> blocks = blocks("walkthrough", "bash");
        assertTrue(blocks.size() >= 7, "the walk-through's blocks are marked: " + blocks.size());
        String script = "set -euo pipefail\n" + local(String.join("\n", blocks));
        List<String> expected = new ArrayList<>();
        for (String line : script.split("\n")) {
            if (line.startsWith("# => ")) {
                expected.add(line.substring(5).strip());
            }
        }
        Result run = run(List.of("bash", "-c", script), Map.of(), null, Duration.ofSeconds(120));
        assertEquals(0, run.exit(), run.toString());
        List<String> printed = run.stdout().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(expected, printed, run.toString());
    }

    @Test
    void pythonClientWaitsForTheApprovalThenReportsTheResult() throws Exception {
        String name = Api.uniqueName("python-client");
        String key = Api.register(Map.of("name", name, "riskLevel", "MEDIUM", "capabilities",
                Map.of("financialTransactions", true), "maxTransactionAmount", 1000, "approval",
                Map.of("required", true, "rule", "action == 'execute_transaction'", "approvers",
                        List.of("alice@example.com"))));
        Path dir = Files.createTempDirectory("agentgate-readme");
        Files.writeString(dir.resolve("agentgate_client.py"), only("python-client"));

        ProcessBuilder builder = new ProcessBuilder(PYTHON, "agentgate_client.py").directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().put("AGENTGATE_URL", base.toString().replaceAll("/+$", ""));
        builder.environment().put("AGENTGATE_KEY", key);
        Process python = builder.start();
        python.getOutputStream().close();
        ProcessHandle handle = python.toHandle();
        try {
            String id = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> pendingOf(name), found -> found != null);
            Api.admin().body(Map.of("decision", "APPROVED", "decidedBy", "alice@example.com"))
                    .post("/api/v1/actions/" + id + "/decision").then().statusCode(200);
            assertTrue(python.waitFor(60, TimeUnit.SECONDS), "the client returns once the action is decided");
            String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, python.exitValue(), out);
            assertEquals("APPROVED by alice@example.com -> paid 120 to ACME", out.strip());
            Api.agent(key).body(Map.of("result", "again")).post("/api/v1/actions/" + id + "/result").then()
                    .statusCode(409); // the client reported its result already
        } finally {
            handle.destroyForcibly();
        }
    }

    @Test
    void auditVerifierAgreesWithTheChainAndNamesAnEditedLine() throws Exception {
        Api.register(Map.of("name", Api.uniqueName("audit-recipe"), "displayName",
                "Quote \" backslash \\ tab\t newline\n accents éü ✓ emoji \uD83D\uDE80", "riskLevel", "LOW"));
        String export = Api.admin().accept("application/x-ndjson").get("/api/v1/audit").then().statusCode(200)
                .extract().asString();
        boolean valid = Api.admin().get("/api/v1/audit/verify").then().statusCode(200).extract().path("valid");
        Path verifier = Files.createTempFile("verify_audit", ".py");
        Files.writeString(verifier, only("audit-verify"));

        // the holder of the audit key runs it with the application's own variables
        Map<String, String> keyHolder = Map.of("AGENTGATE_AUDIT_KEY", AUDIT_KEY);
        Result run = run(List.of(PYTHON, verifier.toString()), keyHolder, export, Duration.ofSeconds(60));
        assertEquals(valid ? 0 : 1, run.exit(), run.toString());
        assertTrue(valid, "the chain of the test database verifies: " + run);
        assertTrue(run.stdout().startsWith("valid: "), run.toString());
        Result keyless = run(List.of(PYTHON, verifier.toString()), Map.of("AGENTGATE_AUDIT_KEY", "",
                "AGENTGATE_AUDIT_PREVIOUS_KEYS", "not-the-key-0123456789abcdef0123456789"), export, Duration.ofSeconds(60));
        assertEquals(1, keyless.exit(), keyless.toString());
        assertTrue(keyless.stderr().startsWith("line 1 ") && keyless.stderr().contains("which you did not give"),
                keyless.toString());

        List<String> lines = new ArrayList<>(export.lines().toList());
        int last = lines.size() - 1;
        lines.set(last, lines.get(last).replace("\"actor\":\"admin\"", "\"actor\":\"admim\""));
        assertFalse(lines.get(last).equals(export.lines().toList().get(last)), "the last event is the admin's");
        Result edited = run(List.of(PYTHON, verifier.toString()), keyHolder, String.join("\n", lines) + "\n",
                Duration.ofSeconds(60));
        assertEquals(1, edited.exit(), edited.toString());
        assertTrue(edited.stderr().contains("line " + (last + 1) + " ") && edited.stderr()
                .contains("content does not match its hash"), edited.toString());
    }

    private static String pendingOf(String agent) {
        List<String> ids = Api.admin().get("/api/v1/actions?status=PENDING&agent=" + agent).then().statusCode(200)
                .extract().path("items.id");
        return ids.isEmpty() ? null : ids.get(0);
    }

    private String local(String text) {
        String hostPort = base.getHost() + ":" + base.getPort();
        return text.replace("localhost:8080", hostPort).replace("dev-admin-token-change-me", Api.ADMIN_TOKEN);
    }

    @Test
    void everyDocumentWithAMarkedBlockIsRun() throws IOException {
        List<Path> marked = new ArrayList<>();
        if (BLOCK.matcher(Files.readString(Path.of("README.md"))).find()) {
            marked.add(Path.of("README.md"));
        }
        try (var docs = Files.list(Path.of("src/docs"))) {
            for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                if (BLOCK.matcher(Files.readString(doc)).find()) {
                    marked.add(doc);
                }
            }
        }
        assertTrue(DOCUMENTS.containsAll(marked), "documents with marked blocks: " + marked + ", run: " + DOCUMENTS);
        assertTrue(marked.containsAll(DOCUMENTS), "documents run without a marked block: " + DOCUMENTS);
    }

    static List<String> blocks(String name, String language) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path document : DOCUMENTS) {
            Matcher m = BLOCK.matcher(Files.readString(document));
            while (m.find()) {
                if (m.group(1).equals(name)) {
                    assertEquals(language, m.group(2), "block " + name + " in " + document);
                    found.add(m.group(3));
                }
            }
        }
        return found;
    }

    static String only(String name) throws IOException {
        List<String> found = blocks(name, "python");
        assertEquals(1, found.size(), "one block of the documents is marked " + name);
        return found.get(0);
    }

    record Result(int exit, String stdout, String stderr) {
    }

    private Result run(List<String> command, Map<String, String> env, String stdin, Duration limit)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Path out = Files.createTempFile("readme-out", ".txt");
        Path err = Files.createTempFile("readme-err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command.get(0) + "\n" + Files.readString(out) + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
