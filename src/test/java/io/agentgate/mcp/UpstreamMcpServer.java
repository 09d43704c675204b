package io.agentgate.mcp;

import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;

/**
 * A real upstream MCP server for the gateway tests: the MCP Java SDK's server over its Streamable HTTP servlet
 * transport, in an embedded Tomcat on 127.0.0.1. It records every tools/call it receives, so a test can show what
 * reached it (and what did not).
 *
 * <p>Tools: {@code echo} (text), {@code rich} (text with annotations, an image, structured content and {@code _meta}:
 * everything the gateway must pass through unchanged), {@code transfer} (amount, to), {@code wipe} (for denials) and
 * {@code broken} (answers with an upstream tool error).
 */
final class UpstreamMcpServer implements AutoCloseable {

    /** One tools/call as the upstream received it. */
    record Received(String tool, Map<String, Object> arguments) {
    }

    static final McpSchema.CallToolResult RICH = new McpSchema.CallToolResult(List.of(
            new McpSchema.TextContent(new McpSchema.Annotations(List.of(McpSchema.Role.USER), 0.5), "rich answer",
                    Map.of("com.example/trace", "t-1")),
            new McpSchema.ImageContent(null, "iVBORw0KGgo=", "image/png")),
            false, Map.of("rows", List.of(Map.of("id", 1, "name", "one")), "total", 1),
            Map.of("com.example/cost", 3));

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final Tomcat tomcat;
    private final McpSyncServer server;
    private final int port;
    private final String address;

    UpstreamMcpServer() throws Exception {
        this("127.0.0.1");
    }

    /** On a loopback address of the test's choice (127.0.0.1 unless a test needs two listeners on one port). */
    UpstreamMcpServer(String address) throws Exception {
        this.address = address;
        // one JVM runs tests in Quarkus' class loader and plain ones in the application's: Tomcat's URL handler
        // factory (for war: URLs, unused here) can be installed only once per JVM
        org.apache.catalina.webresources.TomcatURLStreamHandlerFactory.disable();
        var json = new JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper());
        var transport = HttpServletStreamableServerTransportProvider.builder().jsonMapper(json).mcpEndpoint("/mcp")
                .build();
        server = McpServer.sync(transport).serverInfo("test-upstream", "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .jsonMapper(json)
                .tools(tool("echo", "Echoes its text", Map.of("text", Map.of("type", "string")), List.of("text"),
                                args -> McpSchema.CallToolResult.builder()
                                        .addTextContent("echo: " + args.get("text")).build()),
                        tool("rich", "Answers with every kind of content", Map.of(), List.of(), args -> RICH),
                        tool("transfer", "Moves money", Map.of("amount", Map.of("type", "number"),
                                "to", Map.of("type", "string")), List.of("amount", "to"),
                                args -> McpSchema.CallToolResult.builder()
                                        .addTextContent("transferred " + args.get("amount") + " to " + args.get("to"))
                                        .build()),
                        tool("wipe", "Deletes everything", Map.of(), List.of(),
                                args -> McpSchema.CallToolResult.builder().addTextContent("wiped").build()),
                        tool("broken", "Always fails", Map.of(), List.of(),
                                args -> McpSchema.CallToolResult.builder().addTextContent("disk full")
                                        .isError(true).build()))
                .build();
        Path base = Files.createTempDirectory("upstream-mcp");
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setHostname(address);
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", address);
        Context context = tomcat.addContext("", base.toString());
        Wrapper servlet = Tomcat.addServlet(context, "mcp", transport);
        servlet.setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "mcp");
        tomcat.start();
        port = tomcat.getConnector().getLocalPort();
    }

    String url() {
        return "http://" + address + ":" + port + "/mcp";
    }

    int port() {
        return port;
    }

    /** Calls received for this tool, in order. */
    List<Received> calls(String tool) {
        return received.stream().filter(r -> r.tool().equals(tool)).toList();
    }

    private McpServerFeatures.SyncToolSpecification tool(String name, String description,
            Map<String, Object> properties, List<String> required,
            java.util.function.Function<Map<String, Object>, McpSchema.CallToolResult> answer) {
        Map<String, Object> schema = Map.of("type", "object", "properties", properties, "required", required);
        return McpServerFeatures.SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder(name, schema).description(description).build())
                .callHandler((exchange, request) -> {
                    Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
                    received.add(new Received(name, args));
                    return answer.apply(args);
                })
                .build();
    }

    @Override
    public void close() throws LifecycleException {
        server.closeGracefully();
        tomcat.stop();
        tomcat.destroy();
    }
}
