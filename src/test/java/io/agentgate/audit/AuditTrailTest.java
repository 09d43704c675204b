package io.agentgate.audit;

import io.agentgate.TestDatabase;
import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.agentgate.Api.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.Api;
import io.agentgate.TestClock;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The hash chain, its verification, export, retention and the file sink, on a database of their own. */
@QuarkusTest
@TestProfile(AuditTrailTest.OwnDatabase.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditTrailTest {

    static final Path SINK = Path.of("target", "audit-sink-test", "audit.jsonl");

    /** Own database, short retention pruned only by the tests, no governance file (no HIGH agents), a small rotating sink. */
    public static class OwnDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestDatabase.own("audit-trail",
                    "agentgate.governance-file", "",
                    "agentgate.audit.retention", "30d",
                    "agentgate.audit.prune-interval", "off",
                    "agentgate.audit.file-sink.path", SINK.toString(),
                    "agentgate.audit.file-sink.max-bytes", "20000",
                    "agentgate.audit.file-sink.keep", "3");
        }
    }

    @Inject
    AuditTrail trail;

    @Inject
    AuditRetention retention;

    @Inject
    AuditLog audit;

    @Inject
    TestClock clock;

    @Inject
    DataSource dataSource;

    @Inject
    ObjectMapper json;

    @Inject
    AuditKeys keys;

    private static long seqOf(int offsetFromHead) {
        return QuarkusTransaction.requiringNew().call(() ->
                AuditChainHead.<AuditChainHead>findById(AuditChainHead.ID).seq - offsetFromHead);
    }

    private void sql(String statement, Object... args) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    @Test
    @Order(0)
    void eventsFromTwoMonthsAgoStartTheChain() {
        clock.pin(Instant.now().minus(Duration.ofDays(60)));
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                for (int i = 0; i < 5; i++) {
                    audit.record("test.old", null, null, "test", Map.of("i", i));
                }
            });
        } finally {
            clock.release();
        }
        assertEquals(5L, seqOf(0));
    }

    @Test
    @Order(1)
    void chainVerifiesAfterConcurrentWriters() throws Exception {
        String key = Api.openAgent(uniqueName("chain"));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 160; i++) {
                int n = i;
                calls.add(pool.submit(() -> agent(key).body(Map.of("action", "search", "context", Map.of("n", n)))
                        .post("/api/v1/actions").statusCode()));
            }
            for (Future<Integer> f : calls) {
                assertEquals(200, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        AuditTrail.Verification v = trail.verify();
        assertTrue(v.valid(), "chain valid: " + v);
        assertEquals(seqOf(0), v.events(), "every event from 1 to the head checked");
        assertTrue(v.events() >= 161);
        admin().get("/api/v1/audit/verify").then().statusCode(200)
                .body("valid", org.hamcrest.Matchers.equalTo(true))
                .body("events", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    @Order(2)
    void editingOneRowIsDetectedAtThatRow() throws Exception {
        long target = seqOf(10);
        String original = QuarkusTransaction.requiringNew().call(() ->
                AuditEvent.<AuditEvent>find("seq", target).firstResult().details);
        sql("UPDATE audit_event SET details = ? WHERE seq = ?", original.replace("search", "s3arch"), target);
        try {
            AuditTrail.Verification v = trail.verify();
            assertFalse(v.valid());
            assertEquals(target, v.brokenAtSeq());
            assertTrue(v.reason().contains("edited"), v.reason());
            admin().get("/api/v1/audit/verify").then().body("valid", org.hamcrest.Matchers.equalTo(false))
                    .body("brokenAtSeq", org.hamcrest.Matchers.equalTo((int) target));
        } finally {
            sql("UPDATE audit_event SET details = ? WHERE seq = ?", original, target);
        }
        assertTrue(trail.verify().valid());
    }

    @Test
    @Order(3)
    void deletingOneRowIsDetectedWhereItWas() throws Exception {
        long target = seqOf(20);
        sql("CREATE TABLE audit_saved AS SELECT * FROM audit_event WHERE seq = " + target);
        sql("DELETE FROM audit_event WHERE seq = ?", target);
        try {
            AuditTrail.Verification v = trail.verify();
            assertFalse(v.valid());
            assertEquals(target + 1, v.brokenAtSeq());
            assertTrue(v.reason().contains("missing"), v.reason());
        } finally {
            sql("INSERT INTO audit_event SELECT * FROM audit_saved");
            sql("DROP TABLE audit_saved");
        }
        assertTrue(trail.verify().valid());
    }

    @Test
    @Order(4)
    void reorderingTwoRowsIsDetectedAtTheFirst() throws Exception {
        long a = seqOf(30);
        long b = a + 1;
        sql("UPDATE audit_event SET seq = -1 WHERE seq = ?", a);
        sql("UPDATE audit_event SET seq = ? WHERE seq = ?", a, b);
        sql("UPDATE audit_event SET seq = ? WHERE seq = -1", b);
        try {
            AuditTrail.Verification v = trail.verify();
            assertFalse(v.valid());
            assertEquals(a, v.brokenAtSeq());
        } finally {
            sql("UPDATE audit_event SET seq = -1 WHERE seq = ?", a);
            sql("UPDATE audit_event SET seq = ? WHERE seq = ?", a, b);
            sql("UPDATE audit_event SET seq = ? WHERE seq = -1", b);
        }
        assertTrue(trail.verify().valid());
    }

    @Test
    @Order(5)
    void deletingTheLatestRowIsDetected() throws Exception {
        long last = seqOf(0);
        sql("CREATE TABLE audit_saved AS SELECT * FROM audit_event WHERE seq = " + last);
        sql("DELETE FROM audit_event WHERE seq = ?", last);
        try {
            AuditTrail.Verification v = trail.verify();
            assertFalse(v.valid());
            assertTrue(v.reason().contains("latest"), v.reason());
        } finally {
            sql("INSERT INTO audit_event SELECT * FROM audit_saved");
            sql("DROP TABLE audit_saved");
        }
        assertTrue(trail.verify().valid());
    }

    @Test
    @Order(6)
    void exportFiltersAndCarriesTheClassicFields() {
        String key = Api.openAgent(uniqueName("export"));
        String id = agent(key).body(Map.of("action", "search_docs", "sessionId", "s-1", "userId", "u-1",
                "toolName", "kb", "toolArgs", Map.of("q", "x"))).post("/api/v1/actions").then().statusCode(200)
                .extract().path("id");
        agent(key).body(Map.of("result", "3 hits", "durationMs", 12, "model", "m-1", "inputTokens", 5,
                "outputTokens", 9)).post("/api/v1/actions/" + id + "/result").then().statusCode(204);
        String body = admin().accept(AuditResource.NDJSON).get("/api/v1/audit?actionId=" + id).then().statusCode(200)
                .contentType(AuditResource.NDJSON).extract().asString();
        String[] lines = body.strip().split("\n");
        assertEquals(2, lines.length, body);
        JsonNode submitted = readTree(lines[0]);
        assertEquals("action.submitted", submitted.get("type").asText());
        assertEquals("search_docs", submitted.get("action").asText());
        assertEquals("s-1", submitted.get("sessionId").asText());
        assertEquals("u-1", submitted.get("userId").asText());
        assertEquals("kb", submitted.get("toolName").asText());
        assertTrue(submitted.get("allowed").asBoolean());
        assertNotNull(submitted.get("hash"));
        JsonNode result = readTree(lines[1]);
        assertEquals("3 hits", result.get("toolResult").asText());
        assertEquals(12, result.get("durationMs").asLong());
        assertEquals("m-1", result.get("model").asText());
        assertEquals(9, result.get("outputTokens").asLong());
        assertEquals(submitted.get("seq").asLong() + 1, result.get("seq").asLong());
        assertEquals(submitted.get("hash").asText(), result.get("prevHash").asText());
        admin().get("/api/v1/audit?from=yesterday").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("from"));
    }

    @Test
    @Order(7)
    void exportOfAHundredThousandEventsStreamsInFlatMemory() throws Exception {
        insertChained(100_000);
        assertTrue(trail.verify().valid());
        var memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(baseline);
        // live data, not garbage: sample right after a collection, 200 ms after the previous one ended
        var sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleWithFixedDelay(() -> {
            System.gc();
            peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        }, 0, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
        long lines = 0;
        HttpURLConnection http = (HttpURLConnection) URI.create("http://localhost:" + RestAssured.port
                + "/api/v1/audit?type=test.bulk").toURL().openConnection();
        http.setRequestProperty("Authorization", "Bearer " + Api.ADMIN_TOKEN);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(http.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            long expectedSeq = -1;
            while ((line = in.readLine()) != null) {
                long seq = Long.parseLong(line.substring(line.indexOf("\"seq\":") + 6, line.indexOf(',')));
                assertTrue(seq > expectedSeq, "chain order");
                expectedSeq = seq;
                lines++;
            }
        } finally {
            sampler.shutdown();
            sampler.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        long growthMb = (peak.get() - baseline) / (1024 * 1024);
        System.out.printf("audit export: %d events streamed, live heap growth peak %d MiB (max heap %d MiB)%n", lines,
                growthMb, memory.getHeapMemoryUsage().getMax() / (1024 * 1024));
        assertEquals(100_000, lines);
        assertTrue(growthMb < 48, "live heap grew " + growthMb + " MiB while streaming");
    }

    @Test
    @Order(8)
    void retentionPrunesBehindASignedCheckpointAndTheRestStillVerifies() {
        long total = QuarkusTransaction.requiringNew().call(() -> AuditEvent.count());
        long checkpoints = QuarkusTransaction.requiringNew().call(() -> AuditCheckpoint.count());
        // deleted two at a time: three short transactions behind one checkpoint
        long pruned = retention.prune(2);
        assertEquals(5, pruned, "the two-month-old prefix of the chain");
        assertEquals(checkpoints + 1, (long) QuarkusTransaction.requiringNew().call(() -> AuditCheckpoint.count()));
        assertTrue(pruned < total, "recent events stay");
        assertEquals(0L, (long) QuarkusTransaction.requiringNew().call(() -> AuditEvent.count("type", "test.old")));
        AuditTrail.Verification v = trail.verify();
        assertTrue(v.valid(), "still valid after pruning: " + v);
        assertNotNull(v.checkpointSeq());
    }

    @Test
    @Order(9)
    void alteredCheckpointIsDetected() throws Exception {
        sql("UPDATE audit_checkpoint SET events_pruned = events_pruned + 1");
        try {
            AuditTrail.Verification v = trail.verify();
            assertFalse(v.valid());
            assertTrue(v.reason().contains("signature"), v.reason());
        } finally {
            sql("UPDATE audit_checkpoint SET events_pruned = events_pruned - 1");
        }
        assertTrue(trail.verify().valid());
    }

    @Test
    @Order(10)
    void retentionUnderHalfAYearIsRefusedWhileAHighRiskAgentExists() {
        String name = uniqueName("high");
        admin().body(Map.of("name", name, "riskLevel", "HIGH")).post("/api/v1/agents").then().statusCode(201);
        clock.pin(Instant.now().minus(Duration.ofDays(60)));
        try {
            QuarkusTransaction.requiringNew().run(() -> audit.record("test.old2", null, null, "test", Map.of()));
        } finally {
            clock.release();
        }
        assertTrue(retention.refusal().contains("180"));
        assertEquals(0, retention.prune());
        assertEquals(1L, (long) QuarkusTransaction.requiringNew().call(() -> AuditEvent.count("type", "test.old2")));
        admin().body(Map.of("riskLevel", "LOW")).put("/api/v1/agents/" + name).then().statusCode(200);
    }

    @Test
    @Order(11)
    void fileSinkReceivesCommittedEventsAndRotates() throws Exception {
        String key = Api.openAgent(uniqueName("sink"));
        for (int i = 0; i < 60; i++) {
            agent(key).body(Map.of("action", "sink_test", "context", Map.of("padding", "x".repeat(300))))
                    .post("/api/v1/actions").then().statusCode(200);
        }
        assertTrue(Files.exists(SINK));
        assertTrue(Files.exists(Path.of(SINK + ".1")), "rotated at 20 kB");
        assertFalse(Files.exists(Path.of(SINK + ".4")), "keeps 3");
        assertTrue(Files.size(SINK) <= 20_000);
        String last = Files.readAllLines(SINK).get(Files.readAllLines(SINK).size() - 1);
        assertNotNull(readTree(last).get("hash"));
    }

    @Test
    @Order(12)
    void anEditWithTheShaChainRecomputedAndTheHeadMovedIsCaught() throws Exception {
        long target = seqOf(5);
        sql("CREATE TABLE audit_saved AS SELECT * FROM audit_event WHERE seq >= " + target);
        try {
            // what an attacker with only the database can do: edit, recompute every later hash as plain SHA-256
            // (the old, published recipe) and move the head; before the audit key this verified as valid
            rewriteFrom(target, false);
            admin().get("/api/v1/audit/verify").then().statusCode(200)
                    .body("valid", org.hamcrest.Matchers.equalTo(false))
                    .body("brokenAtSeq", org.hamcrest.Matchers.equalTo((int) target))
                    .body("reason", org.hamcrest.Matchers.equalTo(
                            "content does not match its hash: the event was edited"));
            // the same, but passing the rewritten events off as unkeyed ones (written before the key existed)
            rewriteFrom(target, true);
            admin().get("/api/v1/audit/verify").then().statusCode(200)
                    .body("valid", org.hamcrest.Matchers.equalTo(false))
                    .body("brokenAtSeq", org.hamcrest.Matchers.equalTo((int) target))
                    .body("reason", org.hamcrest.Matchers.containsString("unkeyed but follows keyed events"));
        } finally {
            sql("DELETE FROM audit_event WHERE seq >= " + target);
            sql("INSERT INTO audit_event SELECT * FROM audit_saved");
            sql("DROP TABLE audit_saved");
            QuarkusTransaction.requiringNew().run(() -> {
                AuditEvent last = AuditEvent.<AuditEvent>find("order by seq desc").firstResult();
                AuditChainHead head = AuditChainHead.findById(AuditChainHead.ID);
                head.hash = last.hash;
                head.keyId = last.keyId;
            });
        }
        assertTrue(trail.verify().valid());
    }

    @Test
    @Order(13)
    void theExportCarriesTheKeyIdOfEveryEvent() {
        String body = admin().accept(AuditResource.NDJSON).get("/api/v1/audit?type=action.submitted").then().statusCode(200)
                .extract().asString();
        String id = keys.current().id();
        assertTrue(body.lines().count() > 100, body.length() + " bytes");
        assertEquals(16, id.length());
        assertTrue(body.lines().allMatch(l -> id.equals(readTree(l).path("keyId").asText())), "all under " + id);
    }

    /** Replaces the details of event {@code from} and rechains it and every later event with plain SHA-256. */
    private void rewriteFrom(long from, boolean dropKeyIds) {
        QuarkusTransaction.requiringNew().run(() -> {
            List<AuditEvent> events = AuditEvent.list("seq >= ?1 order by seq", from);
            AuditChainHead head = AuditChainHead.findById(AuditChainHead.ID,
                    jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            String prev = events.get(0).prevHash;
            events.get(0).details = "{\"rewritten\":true}";
            for (AuditEvent e : events) {
                e.prevHash = prev;
                if (dropKeyIds) {
                    e.keyId = null;
                }
                e.hash = AuditHash.unkeyed(e);
                prev = e.hash;
            }
            head.hash = prev;
            head.keyId = dropKeyIds ? null : head.keyId;
        });
    }

    private JsonNode readTree(String line) {
        return readTreeStatic(line);
    }

    static JsonNode readTreeStatic(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    /** Appends {@code n} chained events straight through JDBC (fast), exactly as AuditLog would. */
    private void insertChained(int n) throws Exception {
        QuarkusTransaction.requiringNew().run(() -> {
            AuditChainHead head = AuditChainHead.findById(AuditChainHead.ID,
                    jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO audit_event (event_id, occurred_at, type, agent_name, action_id, actor, details, seq,"
                            + " prev_hash, hash, key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                AuditKeys.Key key = keys.current();
                javax.crypto.Mac mac = key.mac();
                Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                for (int i = 0; i < n; i++) {
                    AuditEvent e = new AuditEvent();
                    e.eventId = UUID.randomUUID();
                    e.occurredAt = now;
                    e.type = "test.bulk";
                    e.agentName = "bulk-agent";
                    e.actor = "test";
                    e.details = "{\"i\":" + i + ",\"note\":\"" + "n".repeat(200) + "\"}";
                    e.seq = head.seq + 1;
                    e.prevHash = head.hash;
                    e.keyId = key.id();
                    e.hash = AuditHash.keyed(mac, e);
                    head.seq = e.seq;
                    head.hash = e.hash;
                    ps.setObject(1, e.eventId);
                    ps.setObject(2, e.occurredAt.atOffset(java.time.ZoneOffset.UTC));
                    ps.setString(3, e.type);
                    ps.setString(4, e.agentName);
                    ps.setObject(5, null);
                    ps.setString(6, e.actor);
                    ps.setString(7, e.details);
                    ps.setLong(8, e.seq);
                    ps.setString(9, e.prevHash);
                    ps.setString(10, e.hash);
                    ps.setString(11, e.keyId);
                    ps.addBatch();
                    if (i % 5000 == 4999) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            } catch (java.sql.SQLException ex) {
                throw new IllegalStateException(ex);
            }
        });
    }
}
