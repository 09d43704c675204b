package io.agentgate.mcp;

import io.agentgate.audit.AuditLog;
import io.agentgate.gate.ActionView;
import io.agentgate.gate.ActionWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tasks' rows ({@code mcp_task}) and the audit events of their calls, each written with the state change it
 * records. Every write goes through the {@link ActionWriter} and is one conditional UPDATE, so of two instances (or two
 * polls) that see the same approval exactly one claims the call for sending upstream. Blocking: worker threads only.
 */
@ApplicationScoped
public class TaskStore {

    @Inject
    ActionWriter writer;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    /** The task by its id, as committed now; empty when there is none. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    Optional<McpTask> find(String taskId) {
        McpTask t = McpTask.findById(taskId);
        if (t == null) {
            return Optional.empty();
        }
        McpTask.getEntityManager().detach(t);
        return Optional.of(t);
    }

    /** Stores a new task (committed when this returns) and records "proposed" for a gateway call. */
    void create(McpTask t, String agentName) {
        writer.call(() -> {
            t.persist();
            if (t.kind != McpTask.Kind.CALL) {
                return null;
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("server", t.serverName);
            details.put("tool", t.toolName);
            details.put("status", "PENDING");
            details.put("answer", "task");
            audit.record(CallBindings.PROPOSED, agentName, t.actionId, "agent:" + agentName, details);
            return null;
        });
    }

    /**
     * Claims the approved call for sending (WORKING -> RUNNING), recording "decided" and "executed" in the same
     * transaction; false when another instance or poll claimed or settled it first.
     */
    boolean claim(McpTask t, String agentName, ActionView decided) {
        return writer.call(() -> {
            Instant now = now();
            int updated = McpTask.update("state = ?1, claimedAt = ?2, updatedAt = ?2 where taskId = ?3 and state = ?4",
                    McpTask.State.RUNNING, now, t.taskId, McpTask.State.WORKING);
            if (updated == 0) {
                return false;
            }
            t.state = McpTask.State.RUNNING;
            t.claimedAt = now;
            audit.record(CallBindings.DECIDED, agentName, t.actionId, decided.decidedBy(), decision(decided));
            Map<String, Object> executed = new LinkedHashMap<>();
            executed.put("server", t.serverName);
            executed.put("tool", t.toolName);
            executed.put("after", "approval");
            executed.put("answer", "task");
            audit.record(CallBindings.EXECUTED, agentName, t.actionId, "agent:" + agentName, executed);
            return true;
        });
    }

    /**
     * Moves the task from {@code from} (and, for RUNNING, that claim) to {@code to} with its result, recording
     * "returned" (and running {@code alsoRecord} in the same transaction); false when it had moved on already.
     */
    boolean settle(McpTask t, McpTask.State from, McpTask.State to, String result, String agentName,
            Map<String, Object> returned, Runnable alsoRecord) {
        return writer.call(() -> {
            Instant now = now();
            int updated = from == McpTask.State.RUNNING
                    ? McpTask.update("state = ?1, result = ?2, updatedAt = ?3 where taskId = ?4 and state = ?5 "
                            + "and claimedAt = ?6", to, result, now, t.taskId, from, t.claimedAt)
                    : McpTask.update("state = ?1, result = ?2, updatedAt = ?3 where taskId = ?4 and state = ?5",
                            to, result, now, t.taskId, from);
            if (updated == 0) {
                return false;
            }
            if (alsoRecord != null) {
                alsoRecord.run();
            }
            if (returned != null) {
                audit.record(CallBindings.RETURNED, agentName, t.actionId, "agent:" + agentName, returned);
            }
            return true;
        });
    }

    static Map<String, Object> decision(ActionView decided) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("decision", decided.status());
        details.put("by", decided.decidedBy());
        details.put("comment", decided.comment());
        details.put("decidedAt", decided.decidedAt());
        return details;
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
