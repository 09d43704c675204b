-- MCP gateway: upstream MCP servers registered by an admin (or the governance file), and the binding of each held
-- tool call to its action, so an approval releases exactly one call, once.
CREATE TABLE mcp_server (
    name        VARCHAR(40)   NOT NULL PRIMARY KEY,
    url         VARCHAR(2000) NOT NULL,
    -- JSON object of extra request headers (e.g. the upstream's own Authorization); never shown by the API
    headers     VARCHAR(65536) NOT NULL,
    source      VARCHAR(16)   NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by  VARCHAR(320)  NOT NULL,
    CONSTRAINT mcp_server_source_ck CHECK (source IN ('API', 'GOVERNANCE'))
);

-- One row per identical held call: binding_key is a hash of agent, MCP session, server, tool and the canonical
-- arguments. A retry finds the row: it attaches while the action is pending, replays the stored outcome once settled.
CREATE TABLE mcp_call (
    binding_key VARCHAR(64)   NOT NULL PRIMARY KEY,
    action_id   UUID          NOT NULL REFERENCES action (id),
    agent_id    UUID          NOT NULL,
    server_name VARCHAR(40)   NOT NULL,
    tool_name   VARCHAR(200)  NOT NULL,
    args_hash   VARCHAR(64)   NOT NULL,
    session_id  VARCHAR(200)  NOT NULL,
    state       VARCHAR(16)   NOT NULL,
    -- the answer the agent got (tool result or tool error, as MCP JSON), replayed to an identical retry; a result
    -- over 1 MiB is kept as a tool error saying so
    outcome     VARCHAR(1048576),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    -- when the approved call was sent to the upstream (state EXECUTING), and when its outcome was stored (SETTLED)
    claimed_at  TIMESTAMP WITH TIME ZONE,
    settled_at  TIMESTAMP WITH TIME ZONE,
    CONSTRAINT mcp_call_state_ck CHECK (state IN ('HELD', 'EXECUTING', 'SETTLED'))
);
CREATE INDEX mcp_call_action_ix ON mcp_call (action_id);
