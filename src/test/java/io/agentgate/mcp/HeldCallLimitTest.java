package io.agentgate.mcp;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.uniqueName;
import static io.agentgate.mcp.McpClients.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.TestDatabase;
import io.agentgate.common.HoldLimits;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, finding 1 (MCP): one agent may hold only {@code agentgate.limits.mcp-calls.per-agent} calls waiting for a
 * decision; past it a call is a tool error naming its action (which stays pending and resumes when the identical call
 * is repeated), and {@code agentgate_status} with wait is refused the same way.
 */
@QuarkusTest
@TestProfile(HeldCallLimitTest.OneHeldCall.class)
class HeldCallLimitTest {

    public static class OneHeldCall implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestDatabase.own("held-call-limit", "agentgate.limits.mcp-calls.per-agent", "1",
                    "agentgate.limits.retry-after", "3S", "agentgate.mcp.call-wait", "30S");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    HoldLimits limits;

    @Test
    void anAgentPastItsHeldCallLimitGetsAToolErrorAndTheCallResumesLater() throws Exception {
        try (UpstreamMcpServer upstream = new UpstreamMcpServer()) {
            String server = "lim" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
            admin().body(Map.of("url", upstream.url())).put("/api/v1/mcp/servers/" + server).then().statusCode(201);
            String name = uniqueName("greedy");
            String key = Api.register(Map.of("name", name, "riskLevel", "MEDIUM", "approval", Map.of("required", true,
                    "rule", "action == '" + server + "__transfer'", "approvers", List.of("alice@example.com"))));
            try (McpSyncClient first = McpClients.connect(base, key); McpSyncClient second = McpClients.connect(base,
                    key)) {
                int before = limits.mcpCalls().held();
                CompletableFuture<McpSchema.CallToolResult> held = CompletableFuture.supplyAsync(() -> first.callTool(
                        new McpSchema.CallToolRequest(server + "__transfer", Map.of("amount", 1, "to", "ann"))));
                await().atMost(Duration.ofSeconds(20)).until(() -> limits.mcpCalls().held() == before + 1);

                Map<String, Object> args = Map.of("amount", 2, "to", "ben");
                McpSchema.CallToolResult refused = second.callTool(
                        new McpSchema.CallToolRequest(server + "__transfer", args));
                assertTrue(Boolean.TRUE.equals(refused.isError()), text(refused));
                assertTrue(text(refused).contains("Too many calls held") && text(refused).contains("in 3 s"),
                        text(refused));
                String refusedId = (String) refused.meta().get("io.agentgate/actionId");
                assertEquals("PENDING", admin().get("/api/v1/actions?agent=" + name + "&status=PENDING").then()
                        .extract().path("items.find { it.id == '" + refusedId + "' }.status"));
                McpSchema.CallToolResult status = second.callTool(new McpSchema.CallToolRequest("agentgate_status",
                        Map.of("id", refusedId, "wait", 5)));
                assertTrue(Boolean.TRUE.equals(status.isError()) && text(status).contains("Too many"), text(status));
                assertEquals(before + 1, limits.mcpCalls().held(), "the refused calls hold nothing");

                // the held call goes on as before; once it settled, its place is free
                String heldId = admin().get("/api/v1/actions?agent=" + name + "&status=PENDING").then().extract()
                        .path("items.find { it.id != '" + refusedId + "' }.id");
                decide(heldId);
                assertEquals("transferred 1 to ann", text(held.get()));
                await().atMost(Duration.ofSeconds(5)).until(() -> limits.mcpCalls().held() == before);

                // the refused call, repeated as it said, resumes its action: approved, it runs once
                decide(refusedId);
                McpSchema.CallToolResult again = second.callTool(new McpSchema.CallToolRequest(server + "__transfer",
                        args));
                assertFalse(Boolean.TRUE.equals(again.isError()), text(again));
                assertEquals("transferred 2 to ben", text(again));
            }
        }
    }

    private static void decide(String id) {
        admin().body(Map.of("decision", "APPROVED", "decidedBy", "alice@example.com"))
                .post("/api/v1/actions/" + id + "/decision").then().statusCode(200);
    }
}
