package io.agentgate.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Issue 21, finding 15: what the gateway says about a failure names what happened, never a Java class. */
class UpstreamFailureWordsTest {

    @Test
    void failuresAreSaidInWordsWithoutJavaClassNames() {
        List<Throwable> failures = List.of(
                new CompletionException(new RuntimeException("Client failed to initialize by explicit API call",
                        new ConnectException("Connection refused: /127.0.0.1:9"))),
                new TimeoutException(),
                new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(-32602, "unknown tool: wipe", null)),
                new PinnedTransport.TooLarge(1024),
                new NullPointerException(),
                new IllegalStateException(new java.io.IOException()),
                new RuntimeException(new java.util.ConcurrentModificationException()));
        List<String> said = failures.stream().map(Upstream::cause).toList();
        assertEquals(List.of(
                "could not connect to the upstream (Connection refused: /127.0.0.1:9)",
                "no answer in time (agentgate.mcp.upstream-timeout)",
                "the upstream answered with an error: unknown tool: wipe",
                "the upstream's answer passed agentgate.mcp.max-result-bytes (1024 bytes); AgentGate stopped reading it"
                        + " and closed the connection",
                "an unexpected failure inside AgentGate",
                "the connection to the upstream failed",
                "an unexpected failure inside AgentGate"), said);
        said.forEach(text -> assertFalse(McpFrontDoorTest.JAVA_CLASS.matcher(text).find(), text));
    }
}
