-- Keyed audit chain: an event's hash is an HMAC-SHA256 under the audit key (agentgate.audit.key, kept outside the
-- database), and the event records the id of that key (derived from the key), so older keys can verify after a
-- rotation. Events chained before this version keep key_id NULL: plain SHA-256, verified as unkeyed. The head
-- records the key of the event it points at (NULL: unkeyed, or nothing chained yet); a checkpoint the key it is
-- signed with (NULL: the older signature derived from agentgate.links.secret).
ALTER TABLE audit_event ADD COLUMN key_id VARCHAR(16);
ALTER TABLE audit_chain_head ADD COLUMN key_id VARCHAR(16);
ALTER TABLE audit_checkpoint ADD COLUMN key_id VARCHAR(16);
