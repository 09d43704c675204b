package io.agentgate.mcp;

import io.agentgate.agent.AgentRequest;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkiverse.mcp.server.ToolManager;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Shows each upstream's tools on {@code /mcp} as {@code <server>__<tool>} with the upstream's description, title,
 * annotations and input schema, and routes their calls to the {@link Gateway}. Output schemas are not advertised: a
 * held call's "still pending" answer carries no structured content (the upstream's structured content itself passes
 * through unchanged).
 */
@ApplicationScoped
public class GatewayTools {

    private static final Logger LOG = Logger.getLogger(GatewayTools.class);
    static final String SEPARATOR = "__";
    private static final Pattern TOOL_NAME = Pattern.compile(AgentRequest.ACTION);

    @Inject
    ToolManager manager;

    @Inject
    Gateway gateway;

    /** server -> (exposed name -> the upstream tool it shows) */
    private final Map<String, Map<String, McpSchema.Tool>> shown = new HashMap<>();

    /** The names under which this server's tools are shown, sorted. */
    public synchronized List<String> exposed(String server) {
        return shown.getOrDefault(server, Map.of()).keySet().stream().sorted().toList();
    }

    /** Shows the upstream's current tools: new ones are added, changed ones replaced, vanished ones removed. */
    synchronized void publish(Upstream upstream) {
        Map<String, McpSchema.Tool> before = shown.getOrDefault(upstream.name, Map.of());
        Map<String, McpSchema.Tool> after = new HashMap<>();
        for (McpSchema.Tool tool : upstream.tools()) {
            String name = upstream.name + SEPARATOR + tool.name();
            if (!TOOL_NAME.matcher(name).matches()) {
                LOG.warnf("mcp: upstream %s tool '%s' not shown: its gateway name must be 1-100 letters, digits, "
                        + "'.', '_', ':' or '-'", upstream.name, tool.name());
                continue;
            }
            after.put(name, tool);
        }
        before.forEach((name, tool) -> {
            if (!Objects.equals(after.get(name), tool)) {
                manager.removeTool(name);
            }
        });
        after.forEach((name, tool) -> {
            if (!Objects.equals(before.get(name), tool)) {
                register(upstream.name, name, tool);
            }
        });
        shown.put(upstream.name, after);
    }

    /** Removes every tool of the server. */
    synchronized void withdraw(String server) {
        Map<String, McpSchema.Tool> gone = shown.remove(server);
        if (gone != null) {
            gone.keySet().forEach(manager::removeTool);
        }
    }

    private void register(String server, String name, McpSchema.Tool tool) {
        if (manager.getTool(name) != null) {
            manager.removeTool(name);
        }
        var definition = manager.newTool(name)
                .setDescription(tool.description() == null ? "Tool " + tool.name() + " of MCP server " + server
                        : tool.description())
                .setInputSchema(tool.inputSchema())
                .setAsyncHandler(args -> gateway.call(server, tool.name(), name, args));
        if (tool.title() != null) {
            definition.setTitle(tool.title());
        }
        McpSchema.ToolAnnotations a = tool.annotations();
        if (a != null) {
            // the protocol's defaults for hints the upstream left out
            definition.setAnnotations(new ToolManager.ToolAnnotations(a.title(),
                    Boolean.TRUE.equals(a.readOnlyHint()), !Boolean.FALSE.equals(a.destructiveHint()),
                    Boolean.TRUE.equals(a.idempotentHint()), !Boolean.FALSE.equals(a.openWorldHint())));
        }
        definition.register();
    }
}
