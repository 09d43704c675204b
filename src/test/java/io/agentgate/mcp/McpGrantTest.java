package io.agentgate.mcp;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.uniqueName;
import static io.agentgate.mcp.McpClients.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.agentgate.Api;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Issue 22: a same-arguments grant given on a held MCP call lets the identical tool call pass, and no other. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpGrantTest {

    @TestHTTPResource("/")
    URI base;

    private UpstreamMcpServer upstream;
    private String server;

    @BeforeAll
    void start() throws Exception {
        RestAssured.port = base.getPort();
        upstream = new UpstreamMcpServer();
        server = "grants" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        admin().body(Map.of("url", upstream.url())).put("/api/v1/mcp/servers/" + server).then().statusCode(201);
    }

    @AfterAll
    void stop() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aSameArgumentsGrantLetsTheIdenticalToolCallPass() throws Exception {
        String name = uniqueName("mcp-granted");
        String tool = server + "__transfer";
        String key = Api.register(Map.of("name", name, "riskLevel", "MEDIUM", "approval", Map.of("required", true,
                "rule", "action == '" + tool + "'", "approvers", List.of("alice@example.com")),
                "allowedActions", List.of(tool)));
        try (McpSyncClient client = McpClients.connect(base, key)) {
            CompletableFuture<McpSchema.CallToolResult> held = CompletableFuture.supplyAsync(() -> client.callTool(
                    new McpSchema.CallToolRequest(tool, Map.of("amount", 40, "to", "acme"))));
            String id = await().atMost(Duration.ofSeconds(10)).until(() -> newestPending(name), v -> v != null);
            String grantId = admin().body(Map.of("decision", "APPROVED", "decidedBy", "alice@example.com",
                    "grant", Map.of("scope", "same-arguments", "for", "PT1H", "maxUses", 20)))
                    .post("/api/v1/actions/" + id + "/decision").then().statusCode(200).extract().path("grantId");
            assertNotNull(grantId);
            assertEquals("transferred 40 to acme", text(held.get(20, TimeUnit.SECONDS)));

            // the identical call (keys in another order) passes at once, by the grant; in a session of its own, as
            // within one session an identical call is the same call (its binding replays the first result)
            Map<String, Object> same = new LinkedHashMap<>();
            same.put("to", "acme");
            same.put("amount", 40);
            McpSchema.CallToolResult again;
            try (McpSyncClient next = McpClients.connect(base, key)) {
                again = next.callTool(new McpSchema.CallToolRequest(tool, same));
            }
            assertFalse(Boolean.TRUE.equals(again.isError()), text(again));
            assertEquals("transferred 40 to acme", text(again));
            assertEquals(2, upstream.calls("transfer").size());
            List<String> allowed = admin().get("/api/v1/actions?agent=" + name + "&status=ALLOWED").then()
                    .statusCode(200).extract().path("items.id");
            assertEquals(1, allowed.size());
            admin().get("/api/v1/grants/" + grantId).then().statusCode(200).body("uses",
                    org.hamcrest.Matchers.equalTo(1));

            // other arguments are held for a person
            CompletableFuture<McpSchema.CallToolResult> other = CompletableFuture.supplyAsync(() -> client.callTool(
                    new McpSchema.CallToolRequest(tool, Map.of("amount", 41, "to", "acme"))));
            String heldAgain = await().atMost(Duration.ofSeconds(10)).until(() -> newestPending(name),
                    v -> v != null);
            admin().body(Map.of("decision", "REJECTED", "decidedBy", "alice@example.com"))
                    .post("/api/v1/actions/" + heldAgain + "/decision").then().statusCode(200);
            McpSchema.CallToolResult refused = other.get(20, TimeUnit.SECONDS);
            assertEquals(Boolean.TRUE, refused.isError(), text(refused));
            assertEquals(2, upstream.calls("transfer").size(), "the other call never ran");
        }
    }

    private static String newestPending(String agent) {
        List<String> ids = admin().get("/api/v1/actions?agent=" + agent + "&status=PENDING").then().statusCode(200)
                .extract().path("items.id");
        return ids.isEmpty() ? null : ids.get(0);
    }
}
