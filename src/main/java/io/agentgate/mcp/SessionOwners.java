package io.agentgate.mcp;

import io.quarkiverse.mcp.server.runtime.ConnectionManager;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which agent opened each MCP session of this instance ({@code Mcp-Session-Id}): a session belongs to it alone.
 * Sessions live in the instance that opened them, and so does this map; ids the MCP server has forgotten (ended,
 * idle too long) are swept out.
 */
@ApplicationScoped
public class SessionOwners {

    @Inject
    ConnectionManager connections;

    private final ConcurrentHashMap<String, UUID> owners = new ConcurrentHashMap<>();

    /** Records the agent that opened the session (the answer to its initialize named it). */
    void opened(String session, UUID agentId) {
        owners.putIfAbsent(session, agentId);
    }

    /** Binds a session to the agent unless another agent has it; whether it is this agent's now. */
    boolean claim(String session, UUID agentId) {
        return agentId.equals(owners.computeIfAbsent(session, s -> connections.has(s) ? agentId : null));
    }

    /** Whether the session exists here and was opened by this agent. */
    boolean ownedBy(String session, UUID agentId) {
        return agentId != null && agentId.equals(owners.get(session));
    }

    void ended(String session) {
        owners.remove(session);
    }

    @Scheduled(every = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        owners.keySet().removeIf(session -> !connections.has(session));
    }
}
