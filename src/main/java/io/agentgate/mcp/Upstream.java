package io.agentgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.gate.CallbackTargets;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpTransportSessionNotFoundException;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import reactor.core.publisher.Mono;

/**
 * One registered upstream MCP server: its client session (the MCP Java SDK's client over a {@link PinnedTransport}),
 * opened on first use and again after a failure, and the tools it last listed. The URL is checked against the SSRF
 * guard when a session opens, and every connection of the session goes to the address that was checked (DNS can
 * change between registration and use, and between one connection and the next).
 */
final class Upstream {

    private static final Logger LOG = Logger.getLogger(Upstream.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    final String name;
    final String url;
    final Map<String, String> headers;
    private final McpSettings settings;
    private final Consumer<Upstream> toolsChanged;
    private final Vertx vertx;
    private final CallbackTargets.HostLookup lookup;

    private CompletableFuture<McpAsyncClient> client;
    private volatile List<McpSchema.Tool> tools = List.of();
    private volatile String problem = "not connected yet";

    Upstream(String name, String url, Map<String, String> headers, McpSettings settings,
            Consumer<Upstream> toolsChanged, Vertx vertx, CallbackTargets.HostLookup lookup) {
        this.vertx = vertx;
        this.lookup = lookup;
        this.name = name;
        this.url = url;
        this.headers = Map.copyOf(headers);
        this.settings = settings;
        this.toolsChanged = toolsChanged;
    }

    /** The tools it listed the last time it was reached. */
    List<McpSchema.Tool> tools() {
        return tools;
    }

    /** Why it could not be reached the last time, or null when it answered. */
    String problem() {
        return problem;
    }

    /** Whether two registrations would talk to the same server the same way. */
    boolean sameAs(String otherUrl, Map<String, String> otherHeaders) {
        return url.equals(otherUrl) && headers.equals(otherHeaders);
    }

    /** Connects if needed and reads the tool list again (all pages); completes with the tools. */
    CompletableFuture<List<McpSchema.Tool>> refresh() {
        return connected().thenCompose(c -> listAll(c, null, new ArrayList<>()).toFuture())
                .thenApply(listed -> {
                    tools = List.copyOf(listed);
                    problem = null;
                    toolsChanged.accept(this);
                    return tools;
                })
                .whenComplete((listed, error) -> {
                    if (error != null) {
                        failed(error);
                    }
                });
    }

    /** Sends one tools/call; completes with the upstream's result (an upstream tool error is a result too). */
    CompletableFuture<McpSchema.CallToolResult> call(String tool, Map<String, Object> arguments) {
        var request = new McpSchema.CallToolRequest(tool, arguments, null);
        return connected().thenCompose(c -> c.callTool(request).timeout(settings.upstreamTimeout())
                        // the upstream forgot our session (it restarted) and ran nothing: once more, in a new one
                        .onErrorResume(McpTransportSessionNotFoundException.class,
                                lost -> c.callTool(request).timeout(settings.upstreamTimeout()))
                        .toFuture())
                .whenComplete((result, error) -> {
                    if (error != null && !answeredAlone(error)) {
                        failed(error);
                    } else if (error != null) {
                        LOG.warnf("mcp: upstream %s, call of %s: %s", name, tool, cause(error));
                    }
                });
    }

    /** A failure of this call alone (the upstream's JSON-RPC error, an answer over the limit): the session is fine. */
    private static boolean answeredAlone(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof McpError || cause instanceof PinnedTransport.TooLarge;
    }

    void close() {
        CompletableFuture<McpAsyncClient> c;
        synchronized (this) {
            c = client;
            client = null;
        }
        if (c != null) {
            c.thenAccept(McpAsyncClient::close);
        }
    }

    private Mono<List<McpSchema.Tool>> listAll(McpAsyncClient c, String cursor, List<McpSchema.Tool> into) {
        return c.listTools(cursor).timeout(settings.upstreamTimeout()).flatMap(page -> {
            if (page.tools() != null) {
                into.addAll(page.tools());
            }
            String next = page.nextCursor();
            return next == null || next.isEmpty() || into.size() > 10_000 ? Mono.just(into) : listAll(c, next, into);
        });
    }

    private synchronized CompletableFuture<McpAsyncClient> connected() {
        if (client != null && !client.isCompletedExceptionally()) {
            return client;
        }
        Object target = CallbackTargets.resolve(url, settings.allowPrivate(), lookup);
        if (target instanceof String why) {
            return CompletableFuture.failedFuture(new UpstreamRefused("upstream '" + name + "' URL "
                    + why.replace("agentgate.webhooks.allow-private", "agentgate.mcp.allow-private")));
        }
        var transport = new PinnedTransport(vertx, (CallbackTargets.Target) target, headers, MAPPER,
                settings.maxResultBytes().asLongValue(), settings.upstreamTimeout());
        McpAsyncClient created = McpClient.async(transport)
                .clientInfo(new McpSchema.Implementation("agentgate-gateway", "1"))
                .requestTimeout(settings.upstreamTimeout())
                .initializationTimeout(settings.upstreamTimeout())
                .toolsChangeConsumer(listed -> Mono.fromRunnable(() -> {
                    tools = List.copyOf(listed);
                    toolsChanged.accept(this);
                }))
                .build();
        client = created.initialize().timeout(settings.upstreamTimeout()).toFuture().thenApply(init -> {
            LOG.infof("mcp: connected to upstream %s (%s %s)", name, init.serverInfo().name(),
                    init.serverInfo().version());
            return created;
        });
        client.whenComplete((c, error) -> {
            if (error != null) {
                created.close();
            }
        });
        return client;
    }

    /** The upstream's result as MCP JSON, exactly as the SDK read it. */
    static JsonNode toJson(McpSchema.CallToolResult result) {
        return MAPPER.valueToTree(result);
    }

    /** What went wrong, in one line of plain words (never a Java class), for tool errors and the audit trail. */
    static String cause(Throwable error) {
        Throwable outer = error;
        while ((outer instanceof CompletionException || outer instanceof ExecutionException)
                && outer.getCause() != null) {
            outer = outer.getCause();
        }
        // the most telling failure in the chain (the SDK wraps a refused connection in "failed to initialize")
        Throwable t = outer;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause() == t ? null : t.getCause()) {
            String known = known(t);
            if (known != null) {
                return known;
            }
        }
        return words(outer) == null ? "an unexpected failure inside AgentGate" : words(outer);
    }

    private static String known(Throwable cause) {
        String message = words(cause);
        String detail = message == null ? "" : " (" + message + ")";
        if (cause instanceof TimeoutException || cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "no answer in time (agentgate.mcp.upstream-timeout)";
        }
        if (cause instanceof McpError mcp) {
            var rpc = mcp.getJsonRpcError();
            return "the upstream answered with an error: " + (rpc != null && rpc.message() != null ? rpc.message()
                    : "(no message)");
        }
        if (cause instanceof UpstreamRefused || cause instanceof PinnedTransport.UpstreamFailure) {
            return message;
        }
        if (cause instanceof McpTransportSessionNotFoundException) {
            return "the upstream no longer knows the session";
        }
        if (cause instanceof ConnectException) {
            return "could not connect to the upstream" + detail;
        }
        if (cause instanceof UnknownHostException) {
            return "the upstream's host does not resolve";
        }
        if (cause instanceof javax.net.ssl.SSLException) {
            return "the TLS connection to the upstream failed" + detail;
        }
        if (cause instanceof IOException || cause instanceof io.vertx.core.VertxException) {
            return "the connection to the upstream failed" + detail;
        }
        return null;
    }

    private static String words(Throwable cause) {
        String message = cause.getMessage();
        // new Exception(cause) takes the cause's class name and message as its own: that is no word for anyone
        boolean borrowed = message != null && cause.getCause() != null && message.equals(cause.getCause().toString());
        return message == null || message.isBlank() || borrowed ? null : message;
    }

    private void failed(Throwable error) {
        problem = cause(error);
        // the next use opens a new session: the old one may be gone on the upstream's side
        close();
        LOG.warnf("mcp: upstream %s: %s", name, problem);
    }

    /** The SSRF guard refused the upstream's URL. */
    static final class UpstreamRefused extends RuntimeException {
        UpstreamRefused(String message) {
            super(message);
        }
    }
}
