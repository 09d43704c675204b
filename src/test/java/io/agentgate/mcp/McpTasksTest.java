package io.agentgate.mcp;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.uniqueName;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentgate.Api;
import io.agentgate.audit.AuditLog;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MCP Tasks (extension io.modelcontextprotocol/tasks) through /mcp with a raw JSON-RPC client that declares the
 * extension, a real upstream MCP server behind the gateway, and decisions made through the API.
 */
@QuarkusTest
class McpTasksTest {

    private static UpstreamMcpServer upstream;
    private static String server;

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void upstream() throws Exception {
        if (upstream == null) {
            upstream = new UpstreamMcpServer();
            server = "bank" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
            admin().body(Map.of("url", upstream.url())).put("/api/v1/mcp/servers/" + server).then().statusCode(201);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
    }

    private String agent(String name, Integer timeoutSeconds) {
        Map<String, Object> approval = new HashMap<>(Map.of("required", true,
                "rule", "action == '" + server + "__transfer' || action == 'pay'", "approvers",
                List.of("alice@example.com")));
        if (timeoutSeconds != null) {
            approval.put("timeoutSeconds", timeoutSeconds);
        }
        return Api.register(Map.of("name", name, "riskLevel", "MEDIUM", "approval", approval, "allowedActions",
                List.of(server + "__transfer", "pay")));
    }

    private static void decide(String actionId, String decision, String comment, Map<String, Object> edit) {
        Map<String, Object> body = new HashMap<>(Map.of("decision", decision, "decidedBy", "alice@example.com",
                "comment", comment));
        if (edit != null) {
            body.put("toolArgs", edit);
        }
        admin().body(body).post("/api/v1/actions/" + actionId + "/decision").then().statusCode(200);
    }

    private static long audits(String type, String actionId) {
        return QuarkusTransaction.requiringNew().call(() -> AuditLog.count(type, UUID.fromString(actionId)));
    }

    private List<String> transfersTo(String to) {
        return upstream.calls("transfer").stream().filter(r -> to.equals(r.arguments().get("to")))
                .map(r -> String.valueOf(r.arguments().get("amount"))).toList();
    }

    /** A transfer held for approval, answered with a task (CreateTaskResult). */
    private JsonNode heldTransfer(TaskClient client, int amount, String to) throws Exception {
        JsonNode created = client.callTool(server + "__transfer", Map.of("amount", amount, "to", to), true)
                .path("result");
        assertEquals("task", created.path("resultType").asText(), created.toString());
        assertEquals("working", created.path("status").asText());
        assertEquals(43, created.path("taskId").asText().length(), "256 random bits, base64url");
        assertEquals(2000, created.path("pollIntervalMs").asLong());
        assertFalse(created.has("content"), "a CreateTaskResult, not a tool result: " + created);
        return created;
    }

    private static String actionOf(JsonNode task) {
        return task.path("_meta").path("io.agentgate/actionId").asText();
    }

    /** Polls (honouring no interval: the test is impatient) until the task is no longer working. */
    private static JsonNode until(TaskClient client, String taskId) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(
                () -> client.task("tasks/get", taskId).path("result"), t -> !"working".equals(t.path("status")
                        .asText()));
    }

    @Test
    void heldCallApprovedAfterItsSessionEndedRunsUpstreamOnceAndCompletesOnAnyPoll() throws Exception {
        String name = uniqueName("tasker");
        String key = agent(name, 600);
        JsonNode created;
        try (TaskClient first = new TaskClient(base, key)) {
            created = heldTransfer(first, 5, "erin");
            String taskId = created.path("taskId").asText();
            String actionId = actionOf(created);
            Instant createdAt = Instant.parse(created.path("createdAt").asText());
            JsonNode action = Api.agent(key).get("/api/v1/actions/" + actionId).then().statusCode(200).extract()
                    .as(JsonNode.class);
            assertEquals(Duration.between(createdAt, Instant.parse(action.path("deadline").asText())).toMillis(),
                    created.path("ttlMs").asLong(), 1000.0, "ttlMs: the action's deadline");
            JsonNode working = first.task("tasks/get", taskId).path("result");
            assertEquals("complete", working.path("resultType").asText());
            assertEquals("working", working.path("status").asText());
            String message = working.path("statusMessage").asText();
            assertTrue(message.contains("alice@example.com") && message.contains("since " + createdAt), message);
            assertTrue(transfersTo("erin").isEmpty(), "nothing ran while pending");
        } // the session ends: the task lives on

        decide(actionOf(created), "APPROVED", "fine", null);
        try (TaskClient second = new TaskClient(base, key)) {
            String taskId = created.path("taskId").asText();
            List<CompletableFuture<JsonNode>> polls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                polls.add(CompletableFuture.supplyAsync(() -> until(second, taskId)));
            }
            for (CompletableFuture<JsonNode> poll : polls) {
                JsonNode done = poll.get();
                assertEquals("completed", done.path("status").asText(), done.toString());
                assertEquals("transferred 5 to erin", done.path("result").path("content").path(0).path("text")
                        .asText(), done.toString());
                assertFalse(done.path("result").path("isError").asBoolean());
            }
            assertEquals(List.of("5"), transfersTo("erin"), "the upstream ran the call exactly once");
            assertEquals(1, audits(CallBindings.EXECUTED, actionOf(created)));
            assertEquals(1, audits(AuditLog.RESULT, actionOf(created)));
            JsonNode sessionless = second.withoutSession("tasks/get", TaskClient.declared(TaskClient.JSON
                    .createObjectNode().put("taskId", taskId))).path("result");
            assertEquals("completed", sessionless.path("status").asText(), "state is in the database only");
        }
    }

    @Test
    void anEditedApprovalReachesTheUpstreamAsEdited() throws Exception {
        try (TaskClient client = new TaskClient(base, agent(uniqueName("edited"), 600))) {
            JsonNode created = heldTransfer(client, 900, "frank");
            decide(actionOf(created), "APPROVED", "90, not 900", Map.of("amount", 90, "to", "frank"));
            JsonNode done = until(client, created.path("taskId").asText());
            assertEquals("transferred 90 to frank", done.path("result").path("content").path(0).path("text")
                    .asText(), done.toString());
            assertEquals(List.of("90"), transfersTo("frank"));
        }
    }

    @Test
    void aRejectedCallCompletesAsAToolErrorSayingWhoRejected() throws Exception {
        try (TaskClient client = new TaskClient(base, agent(uniqueName("rejected"), 600))) {
            JsonNode created = heldTransfer(client, 7000, "mallory");
            decide(actionOf(created), "REJECTED", "not to mallory", null);
            JsonNode done = until(client, created.path("taskId").asText());
            assertEquals("completed", done.path("status").asText(), "a tool error is no protocol failure");
            assertTrue(done.path("result").path("isError").asBoolean());
            String text = done.path("result").path("content").path(0).path("text").asText();
            assertTrue(text.contains("Rejected by alice@example.com: not to mallory"), text);
            assertTrue(transfersTo("mallory").isEmpty());
        }
    }

    @Test
    void aTimedOutCallCompletesAsAToolErrorSayingTheDeadlinePassed() throws Exception {
        try (TaskClient client = new TaskClient(base, agent(uniqueName("slowtask"), 2))) {
            JsonNode created = heldTransfer(client, 1, "tim");
            long ttl = created.path("ttlMs").asLong();
            assertTrue(ttl > 0 && ttl <= 2000, "the action's 2 s deadline, from the task's creation: " + ttl);
            JsonNode done = until(client, created.path("taskId").asText());
            assertTrue(done.path("result").path("isError").asBoolean(), done.toString());
            assertTrue(done.path("result").path("content").path(0).path("text").asText().startsWith("Timed out"));
            assertTrue(transfersTo("tim").isEmpty());
        }
    }

    @Test
    void tasksCancelCancelsThePendingActionAndTheTask() throws Exception {
        String key = agent(uniqueName("canceller"), 600);
        try (TaskClient client = new TaskClient(base, key)) {
            JsonNode created = heldTransfer(client, 3, "carl");
            String taskId = created.path("taskId").asText();
            JsonNode ack = client.task("tasks/cancel", taskId);
            assertEquals("complete", ack.path("result").path("resultType").asText(), ack.toString());
            Api.agent(key).get("/api/v1/actions/" + actionOf(created)).then().statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("CANCELLED"));
            assertEquals(1, audits(AuditLog.CANCELLED, actionOf(created)));
            assertEquals("cancelled", client.task("tasks/get", taskId).path("result").path("status").asText());
            assertTrue(transfersTo("carl").isEmpty());
        }
    }

    @Test
    void aClaimLostMidCallIsReportedAndNeverSentAgain() throws Exception {
        try (TaskClient client = new TaskClient(base, agent(uniqueName("crashed"), 600))) {
            JsonNode created = heldTransfer(client, 8, "luke");
            String taskId = created.path("taskId").asText();
            // as an instance leaves it when it stops after claiming the call, before storing the answer
            Instant claimed = Instant.now().minus(Duration.ofMinutes(5));
            QuarkusTransaction.requiringNew().run(() -> McpTask.update("state = ?1, claimedAt = ?2 where taskId = ?3",
                    McpTask.State.RUNNING, claimed, taskId));
            decide(actionOf(created), "APPROVED", "ok", null);
            JsonNode done = until(client, taskId);
            assertEquals("completed", done.path("status").asText(), done.toString());
            assertTrue(done.path("result").path("isError").asBoolean());
            String text = done.path("result").path("content").path(0).path("text").asText();
            assertTrue(text.contains("may or may not have run") && text.contains("does not send it again"), text);
            // a negative: it must hold throughout a while (the creating instance also reacts to the decision)
            await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3))
                    .until(() -> transfersTo("luke").isEmpty());
        }
    }

    @Test
    void anotherAgentCannotSeeOrCancelTheTask() throws Exception {
        String key = agent(uniqueName("owner"), 600);
        try (TaskClient owner = new TaskClient(base, key);
                TaskClient other = new TaskClient(base, agent(uniqueName("snoop"), 600))) {
            JsonNode created = heldTransfer(owner, 4, "olga");
            String taskId = created.path("taskId").asText();
            for (String method : List.of("tasks/get", "tasks/cancel", "tasks/update")) {
                JsonNode refused = other.task(method, taskId);
                assertEquals(-32602, refused.path("error").path("code").asInt(), method + ": " + refused);
                assertEquals("Failed to retrieve task: Task not found", refused.path("error").path("message")
                        .asText());
            }
            Api.agent(key).get("/api/v1/actions/" + actionOf(created)).then().statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("PENDING"));
            assertEquals("working", owner.task("tasks/get", taskId).path("result").path("status").asText());
            assertEquals(-32602, owner.task("tasks/get", "A".repeat(43)).path("error").path("code").asInt());
        }
    }

    @Test
    void aClientWithoutTheExtensionIsHeldAsBeforeAndGetsNoTaskMethods() throws Exception {
        String name = uniqueName("classic");
        try (TaskClient client = new TaskClient(base, agent(name, 600))) {
            CompletableFuture<JsonNode> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.callTool(server + "__transfer", Map.of("amount", 6, "to", "gina"), false);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            String id = await().atMost(Duration.ofSeconds(10)).until(() -> pending(name), v -> v != null);
            decide(id, "APPROVED", "ok", null);
            JsonNode result = held.get().path("result");
            assertFalse(result.has("resultType") && "task".equals(result.path("resultType").asText()));
            assertEquals("transferred 6 to gina", result.path("content").path(0).path("text").asText(),
                    result.toString());
            JsonNode undeclared = client.request("tasks/get", TaskClient.JSON.createObjectNode().put("taskId", "x"));
            assertEquals(TaskMethods.MISSING_CAPABILITY, undeclared.path("error").path("code").asInt());
            assertTrue(undeclared.path("error").path("data").path("requiredCapabilities").path("extensions")
                    .has(McpTasks.EXTENSION), undeclared.toString());
            assertEquals(-32601, client.task("tasks/result", "x").path("error").path("code").asInt());
        }
    }

    @Test
    void aWaitingAgentgateRequestIsATaskThatCompletesWithTheDecisionAndIsNotified() throws Exception {
        try (TaskClient client = new TaskClient(base, agent(uniqueName("asker"), 600))) {
            client.listen();
            JsonNode created = client.callTool("agentgate_request", Map.of("action", "pay", "context",
                    Map.of("amount", 10), "wait", 60), true).path("result");
            assertEquals("task", created.path("resultType").asText(), created.toString());
            decide(actionOf(created), "APPROVED", "go", null);
            JsonNode done = until(client, created.path("taskId").asText());
            assertEquals("completed", done.path("status").asText());
            assertEquals("APPROVED", done.path("result").path("structuredContent").path("status").asText(),
                    done.toString());
            assertEquals("alice@example.com", done.path("result").path("structuredContent").path("decidedBy")
                    .asText());
            JsonNode told = await().atMost(Duration.ofSeconds(10)).until(() -> client.streamed.stream()
                    .filter(m -> "notifications/tasks".equals(m.path("method").asText())).findFirst()
                    .orElse(null), m -> m != null);
            assertEquals(created.path("taskId").asText(), told.path("params").path("taskId").asText());
            assertEquals("completed", told.path("params").path("status").asText());
        }
    }

    private static String pending(String agent) {
        List<String> ids = admin().get("/api/v1/actions?agent=" + agent + "&status=PENDING").then()
                .statusCode(200).extract().path("items.id");
        return ids.isEmpty() ? null : ids.get(0);
    }
}
