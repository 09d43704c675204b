package io.agentgate.mcp;

import static io.agentgate.Api.uniqueName;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.audit.AuditLog;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** /mcp itself: who may connect, and AgentGate's own tools answering like the agent API. */
@QuarkusTest
class McpServerToolsTest {

    private static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
             "capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}""";

    @TestHTTPResource("/")
    URI base;

    @Test
    void mcpWithoutAnAgentKeyIsRefused() {
        given().contentType(ContentType.JSON).accept("application/json, text/event-stream").body(INITIALIZE)
                .post("/mcp").then().statusCode(401);
        given().auth().oauth2("agk_not-a-key").contentType(ContentType.JSON)
                .accept("application/json, text/event-stream").body(INITIALIZE).post("/mcp").then().statusCode(401);
        // the admin token is a credential, but not an agent's: authenticated, not allowed
        given().auth().oauth2(Api.ADMIN_TOKEN).contentType(ContentType.JSON)
                .accept("application/json, text/event-stream").body(INITIALIZE).post("/mcp").then().statusCode(403);
    }

    @Test
    void ownToolsAnswerLikeTheAgentApi() {
        String name = uniqueName("mcp-own");
        String key = Api.register(Map.of("name", name, "riskLevel", "LOW", "approval", Map.of("required", true,
                "rule", "action == 'issue_refund'", "approvers", List.of("alice@example.com"))));
        try (McpSyncClient client = McpClients.connect(base, key)) {
            McpSchema.CallToolResult allowed = client.callTool(new McpSchema.CallToolRequest("agentgate_request",
                    Map.of("action", "search_knowledge_base", "context", Map.of("query", "refund policy"))));
            Map<?, ?> answer = (Map<?, ?>) allowed.structuredContent();
            assertEquals("ALLOWED", answer.get("status"), String.valueOf(answer));
            String id = (String) answer.get("id");

            McpSchema.CallToolResult reported = client.callTool(new McpSchema.CallToolRequest(
                    "agentgate_report_result", Map.of("id", id, "result", "found 3 articles")));
            assertTrue(!Boolean.TRUE.equals(reported.isError()), McpClients.text(reported));
            assertEquals(1L, (long) QuarkusTransaction.requiringNew().call(
                    () -> AuditLog.count(AuditLog.RESULT, UUID.fromString(id))));
            McpSchema.CallToolResult twice = client.callTool(new McpSchema.CallToolRequest(
                    "agentgate_report_result", Map.of("id", id, "result", "again")));
            assertTrue(twice.isError());
            assertTrue(McpClients.text(twice).contains("already recorded"), McpClients.text(twice));

            McpSchema.CallToolResult pending = client.callTool(new McpSchema.CallToolRequest("agentgate_request",
                    Map.of("action", "issue_refund", "context", Map.of("amount", 10), "wait", 1)));
            Map<?, ?> held = (Map<?, ?>) pending.structuredContent();
            assertEquals("PENDING", held.get("status"));
            assertTrue(held.get("deadline") != null && held.get("pollUrl") != null, String.valueOf(held));
            Api.admin().body(Map.of("decision", "REJECTED", "decidedBy", "alice@example.com", "comment", "no"))
                    .post("/api/v1/actions/" + held.get("id") + "/decision").then().statusCode(200);
            Map<?, ?> status = (Map<?, ?>) client.callTool(new McpSchema.CallToolRequest("agentgate_status",
                    Map.of("id", held.get("id"), "wait", 5))).structuredContent();
            assertEquals("REJECTED", status.get("status"));
            assertEquals("alice@example.com", status.get("decidedBy"));

            McpSchema.CallToolResult invalid = client.callTool(new McpSchema.CallToolRequest("agentgate_request",
                    Map.of("action", "no spaces allowed")));
            assertTrue(invalid.isError());
            assertTrue(McpClients.text(invalid).startsWith("Invalid request: action"), McpClients.text(invalid));
        }
    }
}
