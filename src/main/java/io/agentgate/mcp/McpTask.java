package io.agentgate.mcp;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * An MCP task (extension {@code io.modelcontextprotocol/tasks}) standing for a pending action: a held gateway call
 * ({@link Kind#CALL}) or an {@code agentgate_request} with {@code wait} ({@link Kind#REQUEST}). Its state moves only by
 * the conditional updates in {@link TaskStore}.
 */
@Entity
@Table(name = "mcp_task")
public class McpTask extends PanacheEntityBase {

    /** What the task completes with: the upstream tool's result, or the action's decision. */
    public enum Kind {
        CALL, REQUEST
    }

    /** WORKING: undecided (or decided, not yet settled); RUNNING: sent upstream; the rest are final. */
    public enum State {
        WORKING, RUNNING, COMPLETED, CANCELLED, FAILED;

        boolean isFinal() {
            return this == COMPLETED || this == CANCELLED || this == FAILED;
        }
    }

    @Id
    @Column(name = "task_id")
    public String taskId;

    @Column(name = "agent_id")
    public UUID agentId;

    @Column(name = "action_id")
    public UUID actionId;

    @Enumerated(EnumType.STRING)
    public Kind kind;

    @Column(name = "server_name")
    public String serverName;

    @Column(name = "tool_name")
    public String toolName;

    @Column(name = "session_id")
    public String sessionId;

    @Enumerated(EnumType.STRING)
    public State state;

    /** The tool result as MCP JSON once COMPLETED. */
    public String result;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public Instant deadline;

    @Column(name = "claimed_at")
    public Instant claimedAt;
}
