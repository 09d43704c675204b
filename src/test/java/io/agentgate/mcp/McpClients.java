package io.agentgate.mcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real MCP client (the MCP Java SDK over Streamable HTTP) on AgentGate's /mcp, as an agent with its key. */
final class McpClients {

    static final JacksonMcpJsonMapper JSON = new JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper());

    private McpClients() {
    }

    /** An initialized client; progress notifications it receives go to {@code progress}. */
    static McpSyncClient connect(URI base, String apiKey, List<McpSchema.ProgressNotification> progress) {
        String root = base.getScheme() + "://" + base.getRawAuthority();
        var transport = HttpClientStreamableHttpTransport.builder(root).endpoint("/mcp").jsonMapper(JSON)
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + apiKey)).build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
                .clientInfo(new McpSchema.Implementation("gateway-test", "1"))
                .progressConsumer(progress::add).build();
        client.initialize();
        return client;
    }

    static McpSyncClient connect(URI base, String apiKey) {
        return connect(base, apiKey, new CopyOnWriteArrayList<>());
    }

    /** The first text of a result. */
    static String text(McpSchema.CallToolResult result) {
        return result.content().stream().filter(c -> c instanceof McpSchema.TextContent)
                .map(c -> ((McpSchema.TextContent) c).text()).findFirst().orElse("");
    }
}
