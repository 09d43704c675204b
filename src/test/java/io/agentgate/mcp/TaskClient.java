package io.agentgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A raw JSON-RPC client of /mcp over Streamable HTTP that follows the tasks extension's messages (the MCP Java SDK
 * has no client for the extension): it declares {@code io.modelcontextprotocol/tasks} in each request's
 * {@code _meta["io.modelcontextprotocol/clientCapabilities"]} unless told not to.
 */
final class TaskClient implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final URI endpoint;
    private final String apiKey;
    private final AtomicInteger ids = new AtomicInteger();
    private String session;
    /** Messages the server sent on this session's GET stream, once {@link #listen()} opened it. */
    final List<JsonNode> streamed = new CopyOnWriteArrayList<>();

    /** An initialized session of the agent with this key. */
    TaskClient(URI base, String apiKey) throws Exception {
        this.endpoint = URI.create(base.getScheme() + "://" + base.getRawAuthority() + "/mcp");
        this.apiKey = apiKey;
        ObjectNode params = JSON.createObjectNode().put("protocolVersion", "2025-06-18");
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "tasks-test").put("version", "1");
        HttpResponse<String> init = post(message("initialize", params), null);
        session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> initialized = post(JSON.createObjectNode().put("jsonrpc", "2.0")
                .put("method", "notifications/initialized"), session);
        if (initialized.statusCode() / 100 != 2) {
            throw new IllegalStateException("initialized: " + initialized.statusCode());
        }
    }

    String session() {
        return session;
    }

    /** tools/call, declaring the extension or not; the JSON-RPC response. */
    JsonNode callTool(String name, Object arguments, boolean declare) throws Exception {
        ObjectNode params = JSON.createObjectNode().put("name", name);
        params.set("arguments", JSON.valueToTree(arguments));
        return request("tools/call", declare ? declared(params) : params);
    }

    /** A tasks/* request declaring the extension, on this session; the JSON-RPC response. */
    JsonNode task(String method, String taskId) throws Exception {
        return request(method, declared(JSON.createObjectNode().put("taskId", taskId)));
    }

    /** Any request on this session; the JSON-RPC response. */
    JsonNode request(String method, ObjectNode params) throws Exception {
        HttpResponse<String> answer = post(message(method, params), session);
        return parse(answer);
    }

    /** Sends a request without any MCP session header (as a client of another instance, or sessionless). */
    JsonNode withoutSession(String method, ObjectNode params) throws Exception {
        return parse(post(message(method, params), null));
    }

    /** Opens the session's GET event stream; what arrives on it goes to {@link #streamed}. */
    void listen() {
        HttpRequest get = HttpRequest.newBuilder(endpoint).header("Authorization", "Bearer " + apiKey)
                .header("Accept", "text/event-stream").header("Mcp-Session-Id", session).GET().build();
        HTTP.sendAsync(get, HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(line -> {
            if (line.startsWith("data:")) {
                try {
                    streamed.add(JSON.readTree(line.substring(5).trim()));
                } catch (IOException ignored) {
                    // not JSON: not a message
                }
            }
        }));
    }

    static ObjectNode declared(ObjectNode params) {
        params.putObject("_meta").putObject("io.modelcontextprotocol/clientCapabilities").putObject("extensions")
                .putObject("io.modelcontextprotocol/tasks");
        return params;
    }

    private ObjectNode message(String method, ObjectNode params) {
        ObjectNode m = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", ids.incrementAndGet())
                .put("method", method);
        m.set("params", params);
        return m;
    }

    private HttpResponse<String> post(JsonNode body, String sessionId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (sessionId != null) {
            request.header("Mcp-Session-Id", sessionId);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON-RPC response in a JSON body or in an event stream (the last message carrying an id). */
    private static JsonNode parse(HttpResponse<String> answer) throws IOException {
        String type = answer.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("text/event-stream")) {
            return JSON.readTree(answer.body());
        }
        JsonNode found = null;
        for (String line : (Iterable<String>) Stream.of(answer.body().split("\n"))::iterator) {
            if (line.startsWith("data:")) {
                JsonNode m = JSON.readTree(line.substring(5).trim());
                if (m.has("id") && (m.has("result") || m.has("error"))) {
                    found = m;
                }
            }
        }
        if (found == null) {
            throw new IllegalStateException("no response in the stream: " + answer.body());
        }
        return found;
    }

    @Override
    public void close() throws Exception {
        HttpRequest delete = HttpRequest.newBuilder(endpoint).header("Authorization", "Bearer " + apiKey)
                .header("Mcp-Session-Id", session).DELETE().build();
        HTTP.send(delete, HttpResponse.BodyHandlers.discarding());
    }
}
