-- Dashboard lists at millions of actions: each list reads one index range in its display order and stops at
-- the page size (keyset paging), optionally narrowed to one agent; the policy filter probes violations by policy.
-- Pending: by deadline, soonest first (replaces the narrower (status, deadline) index, which the sweeper also uses).
CREATE INDEX action_status_deadline_id_ix ON action (status, deadline, id);
DROP INDEX action_status_deadline_ix;
-- Timed out, and Resolved filtered to one status: newest decision first.
CREATE INDEX action_status_decided_ix ON action (status, decided_at, id);
-- Resolved (approved, rejected, cancelled together): newest decision first; undecided rows have no decided_at.
CREATE INDEX action_decided_ix ON action (decided_at, id);
-- The same lists for one agent.
CREATE INDEX action_agent_status_deadline_ix ON action (agent_name, status, deadline, id);
CREATE INDEX action_agent_status_decided_ix ON action (agent_name, status, decided_at, id);
CREATE INDEX action_agent_decided_ix ON action (agent_name, decided_at, id);
-- "Which actions did this policy object to": the policy filter and the violations page.
CREATE INDEX violation_policy_action_ix ON violation (policy, action_id);
CREATE INDEX violation_severity_created_ix ON violation (severity, created_at);
-- An action's votes and mails (detail page) are found through their unique (action_id, ...) constraints.
