package io.agentgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A minimal Streamable HTTP MCP server on 127.0.0.1 whose tool {@code flood} streams a 15 MB result, generated as it
 * is written (the test JVM holds none of it): as JSON, as JSON with its length announced, or as one event of an event
 * stream. It records how many bytes each flood got out before the reader closed the connection.
 */
final class FloodingUpstream implements AutoCloseable {

    static final int FLOOD_BYTES = 15 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Bytes written by each flood that the reader cut off (the connection closed under it). */
    final List<Long> cutOff = new CopyOnWriteArrayList<>();
    /** Floods written to the end. */
    final List<Long> completed = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(12);

    FloodingUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setExecutor(threads);
        server.createContext("/mcp", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.sendResponseHeaders(exchange.getRequestMethod().equals("DELETE") ? 200 : 405, -1);
                return;
            }
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            String method = request.path("method").asText();
            JsonNode id = request.get("id");
            if (id == null) {
                exchange.sendResponseHeaders(202, -1);
                return;
            }
            switch (method) {
                case "initialize" -> {
                    exchange.getResponseHeaders().add("Mcp-Session-Id", "flood-session");
                    json(exchange, id, "{\"protocolVersion\":" + request.at("/params/protocolVersion")
                            + ",\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"flood\",\"version\":\"1\"}}");
                }
                case "tools/list" -> json(exchange, id, "{\"tools\":[{\"name\":\"flood\",\"inputSchema\":{\"type\":"
                        + "\"object\",\"properties\":{\"as\":{\"type\":\"string\"}}}},{\"name\":\"small\","
                        + "\"inputSchema\":{\"type\":\"object\"}}]}");
                case "tools/call" -> {
                    if (request.at("/params/name").asText().equals("small")) {
                        json(exchange, id, "{\"content\":[{\"type\":\"text\",\"text\":\"a small answer\"}]}");
                    } else {
                        flood(exchange, id, request.at("/params/arguments/as").asText("json"));
                    }
                }
                default -> json(exchange, id, "{}");
            }
        }
    }

    private static void json(HttpExchange exchange, JsonNode id, String result) throws IOException {
        byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    /** 15 MB of text in one result, 64 KiB at a time. */
    private void flood(HttpExchange exchange, JsonNode id, String as) throws IOException {
        boolean events = as.equals("sse");
        byte[] head = ((events ? "event: message\ndata: " : "") + "{\"jsonrpc\":\"2.0\",\"id\":" + id
                + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\"}]}}" + (events ? "\n\n" : "")).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", events ? "text/event-stream" : "application/json");
        exchange.sendResponseHeaders(200, as.equals("json-with-length") ? head.length + FLOOD_BYTES + tail.length : 0);
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, (byte) 'x');
        long written = 0;
        OutputStream out = exchange.getResponseBody();
        try {
            out.write(head);
            written += head.length;
            for (int sent = 0; sent < FLOOD_BYTES; sent += block.length) {
                out.write(block, 0, Math.min(block.length, FLOOD_BYTES - sent));
                written += Math.min(block.length, FLOOD_BYTES - sent);
            }
            out.write(tail);
            out.flush();
            completed.add(written + tail.length);
        } catch (IOException closedUnderUs) {
            cutOff.add(written);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
