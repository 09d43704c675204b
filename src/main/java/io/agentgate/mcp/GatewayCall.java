package io.agentgate.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.agent.AgentProfile;
import io.quarkiverse.mcp.server.Progress;

/**
 * One {@code tools/call} of an upstream tool through the gateway.
 *
 * @param exposed  the name the agent called, {@code <server>__<tool>}: the action and toolName of its action
 * @param session  the MCP session (the {@code Mcp-Session-Id} of the agent's connection)
 * @param argsHash SHA-256 of the canonical arguments (object keys sorted, no whitespace)
 * @param key      the binding key: SHA-256 of agent, session, server, tool and {@code argsHash}. Identical retries
 *                 share it
 * @param tasks    whether the request declared the tasks extension ({@code io.modelcontextprotocol/tasks}): held, it
 *                 is answered with a task instead
 */
record GatewayCall(AgentProfile agent, String session, String server, String tool, String exposed,
        ObjectNode arguments, String argsHash, String key, Progress progress, boolean tasks) {
}
