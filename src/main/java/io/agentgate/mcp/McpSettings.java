package io.agentgate.mcp;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The MCP server at {@code /mcp} and its gateway to upstream MCP servers, prefix {@code agentgate.mcp}. */
@ConfigMapping(prefix = "agentgate.mcp")
public interface McpSettings {

    /**
     * How long a held gateway call waits for its decision before it answers "still pending" with the action id.
     * 3.5 minutes: under the 4-5 minute limits common MCP clients put on one tool call.
     */
    @WithDefault("210S")
    Duration callWait();

    /** How often a held call sends an MCP progress notification (when the client asked for progress). */
    @WithDefault("10S")
    Duration progressInterval();

    /**
     * How long after a held call settled an identical retry (same agent, MCP session, tool and arguments) gets the
     * settled outcome replayed instead of becoming a new action.
     */
    @WithDefault("10M")
    Duration replayWindow();

    /** Allow upstream URLs that resolve to loopback, link-local or private addresses (off: SSRF protection). */
    @WithDefault("false")
    boolean allowPrivate();

    /** Longest wait for an upstream's answer to one call (and to connecting and listing its tools). */
    @WithDefault("60S")
    Duration upstreamTimeout();

    /**
     * The largest message read from an upstream (one tool result, JSON or one event of an event stream). Past it the
     * gate stops reading, closes the connection and answers the call with a tool error. 4 MiB: results this large
     * are already more than an agent's context takes.
     */
    @WithDefault("4M")
    MemorySize maxResultBytes();

    /** How often every upstream's tool list is read again (and registrations made on other instances applied). */
    @WithDefault("5M")
    Duration refreshInterval();
}
