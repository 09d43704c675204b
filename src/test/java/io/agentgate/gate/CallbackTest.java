package io.agentgate.gate;

import io.agentgate.TestDatabase;
import static io.agentgate.Api.admin;
import static io.agentgate.Api.agent;
import static io.agentgate.Api.uniqueName;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.agentgate.audit.AuditLog;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Signed callbacks to a real HTTP receiver in the test JVM. */
@QuarkusTest
@TestProfile(CallbackTest.LocalReceiver.class)
class CallbackTest {

    /** The receiver listens on loopback, so private targets are allowed here; quick retries. */
    public static class LocalReceiver implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestDatabase.own("callbacks",
                    "agentgate.governance-file", "",
                    "agentgate.webhooks.allow-private", "true",
                    "agentgate.webhooks.poll-interval", "200ms",
                    "agentgate.webhooks.initial-backoff", "200ms",
                    "agentgate.webhooks.max-attempts", "4");
        }
    }

    record Received(Map<String, String> headers, String body) {
    }

    @Inject
    CallbackOutbox outbox;

    HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresToGive = new AtomicInteger();

    @BeforeEach
    void startReceiver() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var h = exchange.getRequestHeaders();
            received.add(new Received(Map.of("id", h.getFirst("webhook-id"), "timestamp",
                    h.getFirst("webhook-timestamp"), "signature", h.getFirst("webhook-signature")), body));
            int status = failuresToGive.getAndDecrement() > 0 ? 503 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopReceiver() {
        server.stop(0);
    }

    private String hookUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private static Map<String, Object> gatedAgent(String name) {
        return Map.of("name", name, "riskLevel", "HIGH", "approval",
                Map.of("required", true, "approvers", List.of("alice@example.com")));
    }

    @Test
    void decisionIsPostedSignedWithTheAgentsSecret() throws Exception {
        var created = admin().body(gatedAgent(uniqueName("hooked"))).post("/api/v1/agents").then().statusCode(201)
                .extract();
        String key = created.path("apiKey");
        String secret = created.path("webhookSecret");
        assertTrue(secret.startsWith("whsec_"));
        String id = agent(key).body(Map.of("action", "book_meeting", "callbackUrl", hookUrl()))
                .post("/api/v1/actions").then().statusCode(202).extract().path("id");
        admin().body(Map.of("decision", "APPROVED", "decidedBy", "alice@example.com"))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(200);

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        Received r = received.get(0);
        String expected = WebhookSignature.sign(secret, r.headers().get("id"),
                Long.parseLong(r.headers().get("timestamp")), r.body());
        assertEquals(expected, r.headers().get("signature"));
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertEquals("action.decided", body.get("type").asText());
        assertEquals(id, body.get("data").get("id").asText());
        assertEquals("APPROVED", body.get("data").get("status").asText());
        await().atMost(Duration.ofSeconds(3)).until(() -> QuarkusTransaction.requiringNew().call(() ->
                AuditLog.count(CallbackOutbox.DELIVERED, UUID.fromString(id))) == 1);
    }

    @Test
    void failedDeliveriesAreRetriedWithTheSameWebhookId() {
        failuresToGive.set(2);
        String key = admin().body(gatedAgent(uniqueName("retry"))).post("/api/v1/agents").then().statusCode(201)
                .extract().path("apiKey");
        String id = agent(key).body(Map.of("action", "book_meeting", "callbackUrl", hookUrl()))
                .post("/api/v1/actions").then().statusCode(202).extract().path("id");
        agent(key).post("/api/v1/actions/" + id + "/cancel").then().statusCode(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
        assertEquals(1, received.stream().map(r -> r.headers().get("id")).distinct().count());
        await().atMost(Duration.ofSeconds(3)).until(() -> outbox.forAction(UUID.fromString(id)).get(0).status
                == OutboxCallback.Status.DELIVERED);
        OutboxCallback row = outbox.forAction(UUID.fromString(id)).get(0);
        assertEquals(3, row.attempts);
    }

    @Test
    void aReceiverThatNeverAnswersIsGivenUpAfterTheLastAttempt() {
        failuresToGive.set(100);
        String key = admin().body(gatedAgent(uniqueName("down"))).post("/api/v1/agents").then().statusCode(201)
                .extract().path("apiKey");
        String id = agent(key).body(Map.of("action", "book_meeting", "callbackUrl", hookUrl()))
                .post("/api/v1/actions").then().statusCode(202).extract().path("id");
        admin().body(Map.of("decision", "REJECTED", "decidedBy", "alice@example.com"))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> outbox.forAction(UUID.fromString(id)).get(0).status
                == OutboxCallback.Status.FAILED);
        assertEquals(4, received.size());
        assertEquals(1L, (long) QuarkusTransaction.requiringNew().call(() ->
                AuditLog.count(CallbackOutbox.FAILED, UUID.fromString(id))));
    }
}
