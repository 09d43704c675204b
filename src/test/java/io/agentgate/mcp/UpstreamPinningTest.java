package io.agentgate.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.agentgate.gate.CallbackTargets;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, finding 4 (DNS rebinding): the upstream's name is checked once when a session opens, and every connection
 * of the session goes to the address that was checked. The URL's host is {@code localhost}, so anything that looked
 * the name up again (the system resolver) would reach the loopback listener that stands for the internal service;
 * the test's resolver answers the real upstream's address first and loopback after that.
 */
class UpstreamPinningTest {

    private static final String SECRET = "Bearer upstream-secret";

    private Vertx vertx;
    private UpstreamMcpServer upstream;
    private HttpServer loopback;
    private final List<String> reachedLoopback = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        // the real upstream on 127.0.0.2 (standing for a public address), the trap on 127.0.0.1 at the same port
        upstream = new UpstreamMcpServer("127.0.0.2");
        loopback = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), upstream.port()), 0);
        loopback.createContext("/", exchange -> {
            reachedLoopback.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders()
                    .getFirst("Authorization"));
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        loopback.start();
    }

    @AfterEach
    void stop() throws Exception {
        loopback.stop(0);
        upstream.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static McpSettings settings(boolean allowPrivate) {
        return new McpSettings() {
            public Duration callWait() {
                return Duration.ofSeconds(6);
            }

            public Duration progressInterval() {
                return Duration.ofSeconds(1);
            }

            public Duration replayWindow() {
                return Duration.ofMinutes(10);
            }

            public boolean allowPrivate() {
                return allowPrivate;
            }

            public Duration upstreamTimeout() {
                return Duration.ofSeconds(10);
            }

            public MemorySize maxResultBytes() {
                return new MemorySize(BigInteger.valueOf(1 << 20));
            }

            public Duration refreshInterval() {
                return Duration.ofMinutes(5);
            }
        };
    }

    @Test
    void everyConnectionOfASessionGoesToTheCheckedAddressNotToWhatTheNameResolvesToLater() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        CallbackTargets.HostLookup rebinding = host -> new InetAddress[] {
                InetAddress.getByName(lookups.getAndIncrement() == 0 ? "127.0.0.2" : "127.0.0.1")};
        Upstream pinned = new Upstream("pinned", "http://localhost:" + upstream.port() + "/mcp",
                Map.of("Authorization", SECRET), settings(true), u -> {
                }, vertx, rebinding);
        try {
            List<McpSchema.Tool> tools = pinned.refresh().get(20, TimeUnit.SECONDS);
            assertTrue(tools.stream().anyMatch(t -> t.name().equals("echo")), String.valueOf(tools));
            for (int i = 0; i < 5; i++) {
                McpSchema.CallToolResult result = pinned.call("echo", Map.of("text", "hi " + i))
                        .get(20, TimeUnit.SECONDS);
                assertEquals("echo: hi " + i, McpClients.text(result));
            }
            pinned.refresh().get(20, TimeUnit.SECONDS);
        } finally {
            pinned.close();
        }
        assertEquals(5, upstream.calls("echo").size());
        assertEquals(1, lookups.get(), "the name is looked up once, when the session opens");
        assertEquals(List.of(), reachedLoopback, "nothing, and no bearer header, reached the loopback listener");
    }

    @Test
    void aNewSessionChecksTheNameAgainAndRefusesLoopbackBeforeConnecting() throws Exception {
        CallbackTargets.HostLookup loopbackNow = host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        Upstream refused = new Upstream("rebound", "http://localhost:" + upstream.port() + "/mcp",
                Map.of("Authorization", SECRET), settings(false), u -> {
                }, vertx, loopbackNow);
        try {
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> refused.call("echo", Map.of("text", "x")).get(20, TimeUnit.SECONDS));
            String why = Upstream.cause(failed);
            assertTrue(why.contains("resolves to 127.0.0.1") && why.contains("agentgate.mcp.allow-private"), why);
            assertFalse(McpFrontDoorTest.JAVA_CLASS.matcher(why).find(), why);
        } finally {
            refused.close();
        }
        assertEquals(List.of(), reachedLoopback);
        assertEquals(0, upstream.calls("echo").size());
    }
}
