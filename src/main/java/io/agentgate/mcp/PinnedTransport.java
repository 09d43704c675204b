package io.agentgate.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.gate.CallbackTargets;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpTransportSessionNotFoundException;
import io.modelcontextprotocol.spec.ProtocolVersions;
import io.netty.buffer.ByteBufInputStream;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The Streamable HTTP transport of the gateway's MCP client to one upstream, pinned and bounded. Every connection of
 * the session goes to the address the SSRF guard checked when the session opened, never to what the name resolves to
 * later (DNS rebinding); TLS still verifies the certificate against the URL's host name. No message is read past
 * {@code agentgate.mcp.max-result-bytes}: at the limit the connection is closed and the request fails, in words.
 * JSON and event-stream answers are both read as they arrive; each message is parsed once, from its bytes.
 */
final class PinnedTransport implements McpClientTransport {

    private static final String JSON = "application/json";
    private static final String EVENT_STREAM = "text/event-stream";
    private static final String SESSION = "Mcp-Session-Id";
    private static final List<String> VERSIONS = List.of(ProtocolVersions.MCP_2024_11_05,
            ProtocolVersions.MCP_2025_03_26, ProtocolVersions.MCP_2025_06_18, ProtocolVersions.MCP_2025_11_25);

    private final ObjectMapper mapper;
    private final HttpClient http;
    private final CallbackTargets.Target target;
    private final Map<String, String> headers;
    private final long maxBytes;
    private final long timeoutMillis;
    private final AtomicReference<Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>>> handler =
            new AtomicReference<>();
    private volatile String session;
    private volatile boolean listening;
    private volatile boolean closed;

    PinnedTransport(Vertx vertx, CallbackTargets.Target target, Map<String, String> headers, ObjectMapper mapper,
            long maxBytes, Duration timeout) {
        this.target = target;
        this.headers = Map.copyOf(headers);
        this.mapper = mapper;
        this.maxBytes = maxBytes;
        this.timeoutMillis = timeout.toMillis();
        this.http = vertx.createHttpClient(new HttpClientOptions().setVerifyHost(true).setKeepAlive(true)
                .setMaxPoolSize(8));
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        this.handler.set(handler);
        return Mono.empty();
    }

    @Override
    public List<String> protocolVersions() {
        return VERSIONS;
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return Mono.deferContextual(context -> Mono.<Void>create(sink -> {
            if (closed) {
                sink.error(new UpstreamFailure("the session with the upstream is closed"));
                return;
            }
            String version = context.getOrDefault(McpAsyncClient.NEGOTIATED_PROTOCOL_VERSION,
                    ProtocolVersions.MCP_2025_06_18);
            Buffer body;
            try {
                body = Buffer.buffer(mapper.writeValueAsBytes(message));
            } catch (Exception e) {
                sink.error(new UpstreamFailure("the message could not be written as JSON"));
                return;
            }
            String sent = session;
            RequestOptions options = options(HttpMethod.POST, sent, version).setIdleTimeout(timeoutMillis)
                    .putHeader("Accept", JSON + ", " + EVENT_STREAM).putHeader("Content-Type", JSON);
            AtomicReference<HttpClientRequest> open = new AtomicReference<>();
            sink.onCancel(() -> {
                HttpClientRequest request = open.get();
                if (request != null) {
                    request.reset();
                }
            });
            http.request(options).onFailure(sink::error).onSuccess(request -> {
                open.set(request);
                request.response().onFailure(sink::error)
                        .onSuccess(response -> answered(response, sent, version, sink));
                request.end(body);
            });
        }));
    }

    private void answered(HttpClientResponse response, String sent, String version, MonoSink<Void> sink) {
        int status = response.statusCode();
        String named = response.getHeader(SESSION);
        if (named != null && status / 100 == 2 && !named.equals(session)) {
            session = named;
            listen(version);
        }
        if (status == 404 && sent != null) {
            session = null;
            discard(response);
            sink.error(new McpTransportSessionNotFoundException("the upstream no longer knows the session"));
            return;
        }
        if (status / 100 != 2) {
            discard(response);
            sink.error(new UpstreamFailure("the upstream answered HTTP " + status));
            return;
        }
        String type = response.getHeader("Content-Type") == null ? ""
                : response.getHeader("Content-Type").toLowerCase(Locale.ROOT);
        if (status == 202 || type.isEmpty() || "0".equals(response.getHeader("Content-Length"))) {
            discard(response);
            sink.success();
            return;
        }
        UpstreamAnswers.Reader reader;
        if (type.startsWith(EVENT_STREAM)) {
            reader = new UpstreamAnswers.EventStream(maxBytes);
        } else if (type.startsWith(JSON) || type.contains("+json")) {
            reader = new UpstreamAnswers.WholeBody(maxBytes, response.getHeader("Content-Length"));
        } else {
            discard(response);
            sink.error(new UpstreamFailure("the upstream answered with content type '" + type
                    + "', neither JSON nor an event stream"));
            return;
        }
        read(response, reader, error -> {
            if (error == null) {
                sink.success();
            } else {
                sink.error(error);
            }
        });
    }

    /**
     * Reads the answer as it arrives; each complete message is parsed and handed to the client in order, off the
     * event loop. Past the limit the connection is closed at once and {@code done} gets the failure.
     */
    private void read(HttpClientResponse response, UpstreamAnswers.Reader reader, Consumer<Throwable> done) {
        AtomicReference<CompletableFuture<Void>> tail = new AtomicReference<>(CompletableFuture.completedFuture(null));
        Consumer<Buffer> message = bytes -> tail.set(tail.get().thenRunAsync(() -> deliver(bytes),
                Infrastructure.getDefaultWorkerPool()));
        boolean[] failed = {false};
        Consumer<Throwable> fail = error -> {
            if (!failed[0]) {
                failed[0] = true;
                response.request().reset();
                done.accept(error);
            }
        };
        try {
            reader.start(message);
        } catch (UpstreamFailure e) {
            fail.accept(e);
            return;
        }
        response.handler(chunk -> {
            if (!failed[0]) {
                try {
                    reader.accept(chunk);
                } catch (UpstreamFailure e) {
                    fail.accept(e);
                }
            }
        });
        response.exceptionHandler(error -> fail.accept(error));
        response.endHandler(v -> {
            if (failed[0]) {
                return;
            }
            try {
                reader.end();
            } catch (UpstreamFailure e) {
                fail.accept(e);
                return;
            }
            tail.get().whenComplete((nothing, error) -> done.accept(error instanceof CompletionException c
                    && c.getCause() != null ? c.getCause() : error));
        });
    }

    private void deliver(Buffer bytes) {
        Object parsed;
        try (InputStream in = new ByteBufInputStream(bytes.getByteBuf())) {
            parsed = mapper.readValue(in, Object.class);
        } catch (Exception e) {
            throw new UpstreamFailure("the upstream's answer is not valid JSON");
        }
        List<?> messages = parsed instanceof List<?> batch ? batch : List.of(parsed == null ? Map.of() : parsed);
        var client = handler.get();
        for (Object one : messages) {
            McpSchema.JSONRPCMessage m = message(one);
            if (client != null) {
                client.apply(Mono.just(m)).subscribe(null, error -> {
                });
            }
        }
    }

    private McpSchema.JSONRPCMessage message(Object value) {
        if (value instanceof Map<?, ?> map) {
            if (map.containsKey("method") && map.containsKey("id")) {
                return mapper.convertValue(map, McpSchema.JSONRPCRequest.class);
            }
            if (map.containsKey("method")) {
                return mapper.convertValue(map, McpSchema.JSONRPCNotification.class);
            }
            if (map.containsKey("result") || map.containsKey("error")) {
                return mapper.convertValue(map, McpSchema.JSONRPCResponse.class);
            }
        }
        throw new UpstreamFailure("the upstream sent something that is no JSON-RPC message");
    }

    /** The stream on which the upstream sends notifications and requests of its own; optional for the server. */
    private void listen(String version) {
        if (listening || closed) {
            return;
        }
        listening = true;
        RequestOptions options = options(HttpMethod.GET, session, version).putHeader("Accept", EVENT_STREAM);
        http.request(options).onSuccess(request -> {
            request.response().onSuccess(response -> {
                String type = response.getHeader("Content-Type");
                if (response.statusCode() / 100 != 2 || type == null || !type.startsWith(EVENT_STREAM)) {
                    discard(response);
                    return;
                }
                read(response, new UpstreamAnswers.EventStream(maxBytes), error -> listening = false);
            });
            request.end();
        }).onFailure(error -> listening = false);
    }

    private RequestOptions options(HttpMethod method, String sessionId, String version) {
        RequestOptions options = new RequestOptions().setMethod(method)
                .setHost(target.uri().getHost().replace("[", "").replace("]", "")).setPort(target.port())
                .setURI(pathAndQuery()).setSsl("https".equalsIgnoreCase(target.uri().getScheme()))
                // the checked address, not a new lookup of the host name
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(target.address(), target.port())))
                .setConnectTimeout(timeoutMillis);
        headers.forEach(options::putHeader);
        options.putHeader("Cache-Control", "no-cache").putHeader("MCP-Protocol-Version", version);
        if (sessionId != null) {
            options.putHeader(SESSION, sessionId);
        }
        return options;
    }

    private String pathAndQuery() {
        String path = target.uri().getRawPath() == null || target.uri().getRawPath().isEmpty() ? "/"
                : target.uri().getRawPath();
        return target.uri().getRawQuery() == null ? path : path + "?" + target.uri().getRawQuery();
    }

    private static void discard(HttpClientResponse response) {
        response.handler(chunk -> {
        });
        response.exceptionHandler(error -> {
        });
        response.endHandler(v -> {
        });
        if (response.getHeader("Content-Length") == null && !"chunked".equalsIgnoreCase(
                response.getHeader("Transfer-Encoding"))) {
            return;
        }
        long length = UpstreamAnswers.parse(response.getHeader("Content-Length"));
        if (length < 0 || length > 64 * 1024) {
            response.request().reset(); // not worth reading to keep the connection
        }
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.defer(() -> {
            closed = true;
            String ended = session;
            session = null;
            if (ended == null) {
                http.close();
                return Mono.empty();
            }
            return Mono.<Void>create(sink -> http.request(options(HttpMethod.DELETE, ended,
                            ProtocolVersions.MCP_2025_06_18).setIdleTimeout(timeoutMillis))
                    .compose(HttpClientRequest::send)
                    .onComplete(done -> {
                        http.close();
                        sink.success();
                    }));
        });
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return mapper.convertValue(data, mapper.getTypeFactory().constructType(typeRef.getType()));
    }



    /** The upstream answered in a way AgentGate will not take; the message says how, in words. */
    static class UpstreamFailure extends RuntimeException {
        UpstreamFailure(String message) {
            super(message);
        }
    }

    /** A message over the limit: this call failed, the session (on other connections) is fine. */
    static final class TooLarge extends UpstreamFailure {
        TooLarge(long maxBytes) {
            super("the upstream's answer passed agentgate.mcp.max-result-bytes (" + maxBytes + " bytes); AgentGate "
                    + "stopped reading it and closed the connection");
        }
    }
}
