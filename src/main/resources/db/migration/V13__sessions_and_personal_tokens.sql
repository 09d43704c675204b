-- Hardening: a generated dashboard session key that every instance and restart finds, server-side session
-- revocation, disabled accounts, and personal API tokens of dashboard users.

-- Secrets the service generates itself (never logged). 'session-key' encrypts dashboard session cookies when the
-- operator configures none; the first instance to start inserts it, every other one reads it.
CREATE TABLE server_secret (
    name       VARCHAR(64)  PRIMARY KEY,
    secret     VARCHAR(200) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A session cookie issued before sessions_valid_after no longer opens the dashboard (logout, password change,
-- disabling). A disabled account cannot log in and its sessions and tokens stop working.
ALTER TABLE account ADD COLUMN sessions_valid_after TIMESTAMP WITH TIME ZONE;
ALTER TABLE account ADD COLUMN disabled BOOLEAN DEFAULT FALSE NOT NULL;

-- Personal API tokens: a dashboard user (or a CLI acting for them) decides by API as themselves. Only a SHA-256
-- hash is stored; the token is shown once.
CREATE TABLE personal_token (
    id           UUID PRIMARY KEY,
    account_id   UUID         NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    name         VARCHAR(100) NOT NULL,
    token_hash   VARCHAR(64)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at TIMESTAMP WITH TIME ZONE,
    revoked_at   TIMESTAMP WITH TIME ZONE,
    CONSTRAINT personal_token_hash_uk UNIQUE (token_hash)
);
CREATE INDEX personal_token_account_ix ON personal_token (account_id);

-- Votes cast with a personal token are their own channel.
ALTER TABLE approval_vote DROP CONSTRAINT approval_vote_channel_ck;
ALTER TABLE approval_vote ADD CONSTRAINT approval_vote_channel_ck CHECK (channel IN ('MAIL', 'DASHBOARD', 'API', 'TOKEN'));
