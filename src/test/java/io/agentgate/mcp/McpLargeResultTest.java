package io.agentgate.mcp;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.uniqueName;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, finding 3: an upstream that answers a tool call with 15 MB (the test limit is
 * {@code agentgate.mcp.max-result-bytes=1M}). The gate stops reading at the limit and closes the connection, the agent
 * gets a tool error in words, and the gate stays healthy, also with several such answers at once.
 */
@QuarkusTest
class McpLargeResultTest {

    private static FloodingUpstream upstream;
    private static String server;

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void register() throws Exception {
        if (upstream == null) {
            upstream = new FloodingUpstream();
            server = "flood" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
            admin().body(Map.of("url", upstream.url())).put("/api/v1/mcp/servers/" + server).then().statusCode(201)
                    .body("reachable", org.hamcrest.Matchers.equalTo(true));
        }
    }

    @AfterAll
    static void stop() {
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
    }

    private static McpSchema.CallToolResult flood(McpSyncClient client, String as) {
        return client.callTool(new McpSchema.CallToolRequest(server + "__flood", Map.of("as", as)));
    }

    private static void assertCleanToolError(McpSchema.CallToolResult result) {
        String text = McpClients.text(result);
        assertTrue(Boolean.TRUE.equals(result.isError()), text);
        assertTrue(text.contains("agentgate.mcp.max-result-bytes (1048576 bytes)"), text);
        assertTrue(text.contains("stopped reading it and closed the connection"), text);
        assertFalse(McpFrontDoorTest.JAVA_CLASS.matcher(text).find(), text);
        assertTrue(text.length() < 1000, "the error carries none of the flood: " + text.length());
    }

    @Test
    void aFifteenMegabyteAnswerIsACleanToolErrorAndTheConnectionIsClosedAtTheLimit() {
        try (McpSyncClient client = McpClients.connect(base, Api.openAgent(uniqueName("flooded")))) {
            for (String as : List.of("json", "sse", "json-with-length")) {
                int before = upstream.cutOff.size();
                assertCleanToolError(flood(client, as));
                // the upstream could not write its 15 MB: the gate closed the connection instead of reading on
                await().atMost(Duration.ofSeconds(20)).until(() -> upstream.cutOff.size() > before);
                long written = upstream.cutOff.get(before);
                // socket buffers on loopback take several MB: what counts is that the rest never could be written
                assertTrue(written < FloodingUpstream.FLOOD_BYTES, as + ": " + written + " bytes got out");
            }
            assertEquals(List.of(), upstream.completed, "no flood was read to its end");
            // the same session goes on working
            assertEquals("a small answer", McpClients.text(client.callTool(
                    new McpSchema.CallToolRequest(server + "__small", Map.of()))));
        }
    }

    @Test
    void severalFloodsAtOnceLeaveTheGateHealthy() throws Exception {
        String key = Api.openAgent(uniqueName("flooders"));
        int parallel = 8;
        ExecutorService agents = Executors.newFixedThreadPool(parallel);
        List<McpSyncClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < parallel; i++) {
                clients.add(McpClients.connect(base, key));
            }
            List<CompletableFuture<McpSchema.CallToolResult>> calls = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                McpSyncClient client = clients.get(i);
                String as = i % 2 == 0 ? "json" : "sse";
                calls.add(CompletableFuture.supplyAsync(() -> flood(client, as), agents));
            }
            for (CompletableFuture<McpSchema.CallToolResult> call : calls) {
                assertCleanToolError(call.get(60, TimeUnit.SECONDS));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> upstream.cutOff.size() >= parallel);
            long most = upstream.cutOff.stream().mapToLong(Long::longValue).max().orElseThrow();
            System.out.printf("mcp floods: %d x %d MB at once; the most any got out before its connection was closed:"
                    + " %d KiB%n", parallel, FloodingUpstream.FLOOD_BYTES >> 20, most >> 10);
            assertTrue(most < FloodingUpstream.FLOOD_BYTES, most + " bytes");
            given().get("/q/health/live").then().statusCode(200);
            given().get("/q/health/ready").then().statusCode(200);
            assertEquals("a small answer", McpClients.text(clients.get(0).callTool(
                    new McpSchema.CallToolRequest(server + "__small", Map.of()))));
            assertEquals(List.of(), upstream.completed, "no flood was read to its end");
        } finally {
            clients.forEach(McpSyncClient::close);
            agents.shutdownNow();
        }
    }
}
