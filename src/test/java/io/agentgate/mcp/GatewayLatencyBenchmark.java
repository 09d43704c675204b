package io.agentgate.mcp;

import static io.agentgate.Api.admin;
import static io.agentgate.Api.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentgate.Api;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the gateway adds to one ALLOWED tool call: the same {@code echo} call made by one MCP client directly to
 * the upstream and by another through AgentGate's /mcp (authentication, policy evaluation, the action and its audit
 * events committed before the call is forwarded and after it returns), one call at a time, alternating. Only in
 * {@code ./mvnw -Pbenchmark test -Dtest=GatewayLatencyBenchmark}; it prints its figures and asserts none.
 */
@QuarkusTest
@Tag("benchmark")
@TestProfile(GatewayLatencyBenchmark.FileDatabase.class)
class GatewayLatencyBenchmark {

    static final int WARMUP = 1_000;
    static final int ROUNDS = 3_000;

    /** The embedded default's H2 file database (every commit on disk), not the tests' in-memory one. */
    public static class FileDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path dir = Path.of("target", "mcp-benchmark");
            try (Stream<Path> old = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return Map.of("quarkus.datasource.jdbc.url", "jdbc:h2:file:" + dir.toAbsolutePath().resolve("db")
                    + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000", "quarkus.log.category.\"io.agentgate\".level", "WARN");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void addedLatencyOfAForwardedAllowedCall() throws Exception {
        try (UpstreamMcpServer upstream = new UpstreamMcpServer()) {
            String server = "bench";
            admin().body(Map.of("url", upstream.url())).put("/api/v1/mcp/servers/" + server).then().statusCode(201);
            String key = Api.register(Map.of("name", uniqueName("bench"), "riskLevel", "LOW"));
            URI up = URI.create(upstream.url());
            var transport = HttpClientStreamableHttpTransport.builder("http://" + up.getRawAuthority())
                    .endpoint(up.getRawPath()).jsonMapper(McpClients.JSON).build();
            try (McpSyncClient direct = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
                    McpSyncClient gated = McpClients.connect(base, key)) {
                direct.initialize();
                var viaUpstream = new McpSchema.CallToolRequest("echo", Map.of("text", "hello"));
                var viaGateway = new McpSchema.CallToolRequest(server + "__echo", Map.of("text", "hello"));
                assertEquals(McpClients.text(direct.callTool(viaUpstream)),
                        McpClients.text(gated.callTool(viaGateway)));
                for (int i = 0; i < WARMUP; i++) {
                    direct.callTool(viaUpstream);
                    gated.callTool(viaGateway);
                }
                long[] directNanos = new long[ROUNDS];
                long[] gatedNanos = new long[ROUNDS];
                for (int i = 0; i < ROUNDS; i++) {
                    // alternate which goes first, so neither always meets a warm or a cold moment
                    if (i % 2 == 0) {
                        directNanos[i] = time(direct, viaUpstream);
                        gatedNanos[i] = time(gated, viaGateway);
                    } else {
                        gatedNanos[i] = time(gated, viaGateway);
                        directNanos[i] = time(direct, viaUpstream);
                    }
                }
                Arrays.sort(directNanos);
                Arrays.sort(gatedNanos);
                System.out.printf("%nMCP gateway latency, %d sequential echo calls after %d warm-up (ms)%n", ROUNDS,
                        WARMUP);
                System.out.printf("| | p50 | p90 | p99 |%n|---|---|---|---|%n");
                System.out.printf("| upstream directly | %.2f | %.2f | %.2f |%n", ms(directNanos, 50),
                        ms(directNanos, 90), ms(directNanos, 99));
                System.out.printf("| through the gateway | %.2f | %.2f | %.2f |%n", ms(gatedNanos, 50),
                        ms(gatedNanos, 90), ms(gatedNanos, 99));
                System.out.printf("| added by the gateway | %.2f | %.2f | %.2f |%n",
                        ms(gatedNanos, 50) - ms(directNanos, 50), ms(gatedNanos, 90) - ms(directNanos, 90),
                        ms(gatedNanos, 99) - ms(directNanos, 99));
            }
            admin().delete("/api/v1/mcp/servers/" + server).then().statusCode(204);
        }
    }

    private static long time(McpSyncClient client, McpSchema.CallToolRequest request) {
        long started = System.nanoTime();
        McpSchema.CallToolResult result = client.callTool(request);
        long took = System.nanoTime() - started;
        if (Boolean.TRUE.equals(result.isError())) {
            throw new AssertionError("call failed: " + McpClients.text(result));
        }
        return took;
    }

    private static double ms(long[] sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1_000_000.0;
    }
}
