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
 * A held gateway call bound to its action: the approval releases this call only, once. The state only moves by the
 * conditional updates in {@link CallBindings} (HELD -> EXECUTING -> SETTLED, or HELD -> SETTLED for a refusal).
 */
@Entity
@Table(name = "mcp_call")
public class CallBinding extends PanacheEntityBase {

    /** HELD: waiting for the decision; EXECUTING: sent to the upstream; SETTLED: the outcome is stored. */
    public enum State {
        HELD, EXECUTING, SETTLED
    }

    @Id
    @Column(name = "binding_key")
    public String bindingKey;

    @Column(name = "action_id")
    public UUID actionId;

    @Column(name = "agent_id")
    public UUID agentId;

    @Column(name = "server_name")
    public String serverName;

    @Column(name = "tool_name")
    public String toolName;

    @Column(name = "args_hash")
    public String argsHash;

    @Column(name = "session_id")
    public String sessionId;

    @Enumerated(EnumType.STRING)
    public State state;

    /** What the agent got, as MCP JSON ({@code content}, {@code isError}, ...), once settled. */
    public String outcome;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "claimed_at")
    public Instant claimedAt;

    @Column(name = "settled_at")
    public Instant settledAt;
}
