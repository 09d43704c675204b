package io.agentgate.mcp;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.uniqueName;
import static io.agentgate.mcp.McpClients.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.Api;
import io.agentgate.audit.AuditLog;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway end to end: a real MCP client (the SDK) on /mcp, a real upstream MCP server over HTTP that records
 * what it received, and the approvals made through the decision API.
 */
@QuarkusTest
class McpGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static UpstreamMcpServer upstream;
    private static String server;

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void upstream() throws Exception {
        if (upstream == null) {
            upstream = new UpstreamMcpServer();
            server = "bank" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
            admin().body(Map.of("url", upstream.url(), "headers", Map.of("X-Upstream-Key", "s3cret")))
                    .put("/api/v1/mcp/servers/" + server).then().statusCode(201);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
    }

    /** An agent whose transfers need alice's approval and who may use only these tools (tool-access). */
    private String agent(String name, Integer timeoutSeconds) {
        Map<String, Object> approval = new HashMap<>(Map.of("required", true,
                "rule", "action == '" + server + "__transfer'", "approvers", List.of("alice@example.com")));
        if (timeoutSeconds != null) {
            approval.put("timeoutSeconds", timeoutSeconds);
        }
        return Api.register(Map.of("name", name, "riskLevel", "MEDIUM", "approval", approval, "allowedActions",
                List.of(server + "__echo", server + "__rich", server + "__transfer", server + "__broken",
                        "search_knowledge_base")));
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args, Map.of("progressToken", UUID.randomUUID()
                .toString())));
    }

    private static String newest(String agent, String status) {
        List<String> ids = admin().get("/api/v1/actions?agent=" + agent + "&status=" + status).then()
                .statusCode(200).extract().path("items.id");
        return ids.isEmpty() ? null : ids.get(0);
    }

    private static long audits(String type, String id) {
        return QuarkusTransaction.requiringNew().call(() -> AuditLog.count(type, UUID.fromString(id)));
    }

    private static void decide(String id, String decision, String comment) {
        admin().body(Map.of("decision", decision, "decidedBy", "alice@example.com", "comment", comment))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(200);
    }

    @Test
    void upstreamToolsAreListedAsServerUnderscoreToolWithTheirSchemas() {
        try (McpSyncClient client = McpClients.connect(base, agent(uniqueName("lister"), null))) {
            Map<String, McpSchema.Tool> tools = new HashMap<>();
            client.listTools().tools().forEach(t -> tools.put(t.name(), t));
            McpSchema.Tool echo = tools.get(server + "__echo");
            assertNotNull(echo, "listed: " + tools.keySet());
            assertEquals("Echoes its text", echo.description());
            assertEquals(Map.of("type", "string"), ((Map<?, ?>) echo.inputSchema().get("properties")).get("text"));
            assertEquals(List.of("text"), echo.inputSchema().get("required"));
            for (String own : List.of("agentgate_request", "agentgate_status", "agentgate_report_result")) {
                assertTrue(tools.containsKey(own), own + " listed");
            }
        }
        admin().get("/api/v1/mcp/servers/" + server).then().statusCode(200)
                .body("reachable", org.hamcrest.Matchers.equalTo(true))
                .body("headers", org.hamcrest.Matchers.contains("X-Upstream-Key"))
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("s3cret")))
                .body("tools", org.hamcrest.Matchers.hasItem(server + "__transfer"));
    }

    @Test
    void allowedCallIsForwardedAndTheUpstreamResultComesBackUnchanged() throws Exception {
        String name = uniqueName("reader");
        try (McpSyncClient client = McpClients.connect(base, agent(name, null))) {
            int before = upstream.calls("rich").size();
            McpSchema.CallToolResult result = call(client, server + "__rich", Map.of());
            assertEquals(JSON.valueToTree(UpstreamMcpServer.RICH), JSON.valueToTree(result));
            assertEquals(before + 1, upstream.calls("rich").size());

            String id = newest(name, "ALLOWED");
            for (String type : List.of(AuditLog.SUBMITTED, CallBindings.PROPOSED, CallBindings.DECIDED,
                    CallBindings.EXECUTED, AuditLog.RESULT, CallBindings.RETURNED)) {
                assertEquals(1, audits(type, id), type);
            }
            // an upstream's own tool error is its result too: passed on as it came
            McpSchema.CallToolResult broken = call(client, server + "__broken", Map.of());
            assertTrue(broken.isError());
            assertEquals("disk full", text(broken));
        }
    }

    @Test
    void deniedCallIsAToolErrorNamingTheViolationAndNeverReachesTheUpstream() {
        try (McpSyncClient client = McpClients.connect(base, agent(uniqueName("denied"), null))) {
            McpSchema.CallToolResult result = call(client, server + "__wipe", Map.of());
            assertTrue(result.isError());
            assertTrue(text(result).contains("tool-access"), text(result));
            assertTrue(upstream.calls("wipe").isEmpty());
        }
    }

    @Test
    void heldCallRunsOnceWhenApprovedAndIdenticalRetriesShareIt() throws Exception {
        String name = uniqueName("payer");
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = McpClients.connect(base, agent(name, null), progress)) {
            Map<String, Object> args = Map.of("amount", 50, "to", "bob");
            CompletableFuture<McpSchema.CallToolResult> first = CompletableFuture.supplyAsync(
                    () -> call(client, server + "__transfer", args));
            await().atMost(Duration.ofSeconds(10)).until(() -> newest(name, "PENDING") != null);
            // the same call again while held (keys in another order): it attaches to the same action
            CompletableFuture<McpSchema.CallToolResult> retry = CompletableFuture.supplyAsync(
                    () -> call(client, server + "__transfer", Map.of("to", "bob", "amount", 50)));
            await().atMost(Duration.ofSeconds(10)).until(() -> !progress.isEmpty());
            String id = newest(name, "PENDING");
            List<String> pending = admin().get("/api/v1/actions?agent=" + name).then().extract().path("items.id");
            assertEquals(List.of(id), pending, "one action for both calls");
            assertTrue(upstream.calls("transfer").stream().noneMatch(r -> "bob".equals(r.arguments().get("to"))));

            decide(id, "APPROVED", "ok");
            McpSchema.CallToolResult result = first.get();
            assertFalse(Boolean.TRUE.equals(result.isError()), text(result));
            assertEquals("transferred 50 to bob", text(result));
            assertEquals("transferred 50 to bob", text(retry.get()));
            // after settlement the identical call replays the outcome: the upstream got it once
            McpSchema.CallToolResult replay = call(client, server + "__transfer", args);
            assertEquals("transferred 50 to bob", text(replay));
            assertEquals(true, replay.meta().get("io.agentgate/replayed"));
            assertEquals(1, upstream.calls("transfer").stream().filter(r -> "bob".equals(r.arguments().get("to")))
                    .count());
            for (String type : List.of(CallBindings.PROPOSED, CallBindings.DECIDED, CallBindings.EXECUTED,
                    AuditLog.RESULT)) {
                assertEquals(1, audits(type, id), type);
            }
        }
    }

    @Test
    void heldCallApprovedWithEditedArgumentsForwardsTheEdit() throws Exception {
        String name = uniqueName("edited");
        try (McpSyncClient client = McpClients.connect(base, agent(name, null))) {
            CompletableFuture<McpSchema.CallToolResult> held = CompletableFuture.supplyAsync(
                    () -> call(client, server + "__transfer", Map.of("amount", 900, "to", "carol")));
            await().atMost(Duration.ofSeconds(10)).until(() -> newest(name, "PENDING") != null);
            String id = newest(name, "PENDING");
            admin().body(Map.of("decision", "APPROVED", "decidedBy", "alice@example.com", "comment", "less",
                    "toolArgs", Map.of("amount", 90, "to", "carol")))
                    .post("/api/v1/actions/" + id + "/decision").then().statusCode(200);
            assertEquals("transferred 90 to carol", text(held.get()));
            List<UpstreamMcpServer.Received> got = upstream.calls("transfer").stream()
                    .filter(r -> "carol".equals(r.arguments().get("to"))).toList();
            assertEquals(1, got.size());
            assertEquals(90, ((Number) got.get(0).arguments().get("amount")).intValue());
        }
    }

    @Test
    void rejectedCallIsAToolErrorSayingWhoAndWhyAndTheUpstreamGetsNothing() throws Exception {
        String name = uniqueName("rejected");
        try (McpSyncClient client = McpClients.connect(base, agent(name, null))) {
            CompletableFuture<McpSchema.CallToolResult> held = CompletableFuture.supplyAsync(
                    () -> call(client, server + "__transfer", Map.of("amount", 7000, "to", "mallory")));
            await().atMost(Duration.ofSeconds(10)).until(() -> newest(name, "PENDING") != null);
            decide(newest(name, "PENDING"), "REJECTED", "not to mallory");
            McpSchema.CallToolResult result = held.get();
            assertTrue(result.isError());
            assertTrue(text(result).contains("Rejected by alice@example.com: not to mallory"), text(result));
            assertTrue(upstream.calls("transfer").stream().noneMatch(r -> "mallory".equals(r.arguments().get("to"))));
        }
    }

    @Test
    void timedOutCallFailsClosed() {
        String name = uniqueName("slow");
        try (McpSyncClient client = McpClients.connect(base, agent(name, 2))) {
            McpSchema.CallToolResult result = call(client, server + "__transfer", Map.of("amount", 1, "to", "tim"));
            assertTrue(result.isError());
            assertTrue(text(result).startsWith("Timed out"), text(result));
            assertTrue(upstream.calls("transfer").stream().noneMatch(r -> "tim".equals(r.arguments().get("to"))));
        }
    }

    @Test
    void callStillPendingAtTheLimitCarriesTheActionIdAndRunsOnRetryOnceApproved() {
        String name = uniqueName("patient");
        try (McpSyncClient client = McpClients.connect(base, agent(name, 300))) {
            Map<String, Object> args = Map.of("amount", 20, "to", "dave");
            McpSchema.CallToolResult pending = call(client, server + "__transfer", args);
            assertFalse(Boolean.TRUE.equals(pending.isError()));
            String id = (String) pending.meta().get("io.agentgate/actionId");
            assertEquals(newest(name, "PENDING"), id);
            assertEquals("PENDING", pending.meta().get("io.agentgate/status"));
            assertEquals("https://gate.example.test/dashboard/actions/" + id,
                    pending.meta().get("io.agentgate/dashboardUrl"));
            assertTrue(text(pending).contains("NOT run"), text(pending));
            assertTrue(upstream.calls("transfer").stream().noneMatch(r -> "dave".equals(r.arguments().get("to"))));

            McpSchema.CallToolResult status = client.callTool(new McpSchema.CallToolRequest("agentgate_status",
                    Map.of("id", id)));
            assertEquals("PENDING", ((Map<?, ?>) status.structuredContent()).get("status"));
            decide(id, "APPROVED", "fine");
            assertEquals("transferred 20 to dave", text(call(client, server + "__transfer", args)));
            assertEquals(1, upstream.calls("transfer").stream().filter(r -> "dave".equals(r.arguments().get("to")))
                    .count());
        }
    }

    @Test
    void upstreamFailureIsAToolErrorAndKeepsTheAuditRecord() throws Exception {
        String name = uniqueName("unlucky");
        String down = "down" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        UpstreamMcpServer doomed = new UpstreamMcpServer();
        admin().body(Map.of("url", doomed.url())).put("/api/v1/mcp/servers/" + down).then().statusCode(201);
        String key = Api.register(Map.of("name", name, "riskLevel", "LOW"));
        try (McpSyncClient client = McpClients.connect(base, key)) {
            doomed.close();
            McpSchema.CallToolResult result = call(client, down + "__echo", Map.of("text", "hello"));
            assertTrue(result.isError());
            assertTrue(text(result).contains("Upstream MCP server '" + down + "' failed"), text(result));
            String id = newest(name, "ALLOWED");
            for (String type : List.of(CallBindings.EXECUTED, AuditLog.RESULT, CallBindings.RETURNED)) {
                assertEquals(1, audits(type, id), type);
            }
        } finally {
            admin().delete("/api/v1/mcp/servers/" + down).then().statusCode(204);
        }
        // removed: its tools are gone from every list, and the admin API no longer knows it
        try (McpSyncClient client = McpClients.connect(base, key)) {
            assertTrue(client.listTools().tools().stream().noneMatch(t -> t.name().startsWith(down + "__")));
        }
        admin().get("/api/v1/mcp/servers/" + down).then().statusCode(404);
    }
}
