-- Counters every instance of a cluster shares (PostgreSQL); a single instance (H2) keeps them in memory and leaves
-- these tables empty.
-- Rate limits: one row per admitted action while it is inside its window; window_key is a hash of agent, action
-- and limit.
CREATE TABLE rate_hit (
    window_key  VARCHAR(64) NOT NULL,
    expires_at  BIGINT      NOT NULL
);
CREATE INDEX rate_hit_key_ix ON rate_hit (window_key, expires_at);

-- Login throttling: failures per account (kind 'account', lower-case user) and per client address ('address').
CREATE TABLE login_attempt (
    kind          VARCHAR(16)  NOT NULL,
    login_key     VARCHAR(320) NOT NULL,
    failures      INTEGER      NOT NULL,
    window_start  TIMESTAMP WITH TIME ZONE NOT NULL,
    locked_until  TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (kind, login_key)
);
