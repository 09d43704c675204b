-- MCP Tasks (issue 25): a held gateway call, or an agentgate_request with wait, answered with a task handle
-- (extension io.modelcontextprotocol/tasks) when the client declared the extension on its request. The row is
-- written before the answer, so tasks/get resolves on any instance; the state moves only by conditional UPDATEs:
-- WORKING -> RUNNING (the approved call claimed for sending upstream, once) -> COMPLETED, WORKING -> COMPLETED (a
-- refusal, or a request's decision), WORKING -> CANCELLED (tasks/cancel).
CREATE TABLE mcp_task (
    -- 256 random bits, base64url: the unguessable handle the client polls with
    task_id      VARCHAR(64)  NOT NULL PRIMARY KEY,
    agent_id     UUID         NOT NULL,
    action_id    UUID         NOT NULL REFERENCES action (id),
    kind         VARCHAR(16)  NOT NULL,
    -- the upstream tool of a gateway call (null for an agentgate_request)
    server_name  VARCHAR(40),
    tool_name    VARCHAR(200),
    -- the MCP session that created it, for notifications/tasks while it is connected to this instance
    session_id   VARCHAR(200),
    state        VARCHAR(16)  NOT NULL,
    -- the tool result (CallToolResult JSON) once COMPLETED, at most agentgate.mcp.max-result-bytes
    result       TEXT,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    -- the action's deadline: the task's ttlMs is deadline - created_at
    deadline     TIMESTAMP WITH TIME ZONE NOT NULL,
    -- when the approved call was claimed for sending (state RUNNING)
    claimed_at   TIMESTAMP WITH TIME ZONE,
    CONSTRAINT mcp_task_kind_ck CHECK (kind IN ('CALL', 'REQUEST')),
    CONSTRAINT mcp_task_state_ck CHECK (state IN ('WORKING', 'RUNNING', 'COMPLETED', 'CANCELLED', 'FAILED'))
);
CREATE INDEX mcp_task_action_ix ON mcp_task (action_id);
