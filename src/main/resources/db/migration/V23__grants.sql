-- Grants (standing approvals): an approver's approval that lets later submissions of the same agent and action
-- (for SAME_ARGUMENTS, with the same canonical arguments' digest) pass the review step, until it expires, is used
-- up, is revoked, or the policy set changes (policy_version is the digest of the set it was given under).
-- uses only ever grows by one conditional UPDATE guarded by the limits; revoked_at is set once.
CREATE TABLE approval_grant (
    id              UUID PRIMARY KEY,
    agent_id        UUID          NOT NULL REFERENCES agent (id),
    agent_name      VARCHAR(100)  NOT NULL,
    action          VARCHAR(100)  NOT NULL,
    scope           VARCHAR(16)   NOT NULL,
    args_digest     VARCHAR(64),
    arguments       VARCHAR(1048576),
    policy_version  VARCHAR(64)   NOT NULL,
    severity        VARCHAR(16)   NOT NULL,
    source_action_id UUID         NOT NULL REFERENCES action (id),
    granted_by      VARCHAR(320)  NOT NULL,
    granted_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    max_uses        INTEGER,
    uses            INTEGER       NOT NULL DEFAULT 0,
    last_used_at    TIMESTAMP WITH TIME ZONE,
    revoked_at      TIMESTAMP WITH TIME ZONE,
    revoked_by      VARCHAR(320),
    CONSTRAINT approval_grant_scope_ck CHECK (scope IN ('SAME_ARGUMENTS', 'SAME_ACTION')),
    CONSTRAINT approval_grant_digest_ck CHECK (scope <> 'SAME_ARGUMENTS' OR args_digest IS NOT NULL),
    CONSTRAINT approval_grant_severity_ck CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
    CONSTRAINT approval_grant_uses_ck CHECK (max_uses IS NULL OR (max_uses >= 1 AND uses <= max_uses))
);

-- the submit path's index is loaded from the unexpired, unrevoked rows; the Grants page lists them by expiry
CREATE INDEX approval_grant_expires_ix ON approval_grant (expires_at, id);
CREATE INDEX approval_grant_agent_ix ON approval_grant (agent_name, granted_at);

-- the grant an action passed by (ALLOWED without a person); NULL for every other action
ALTER TABLE action ADD COLUMN grant_id UUID;
