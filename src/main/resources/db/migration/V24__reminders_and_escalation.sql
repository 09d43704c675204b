-- Reminders and escalation (issue 22): an agent's approval settings may remind the approvers who have not voted
-- once, and escalate to more approvers (people or group:<name>), after so many seconds of a pending action.
ALTER TABLE agent ADD COLUMN remind_after_seconds INTEGER;
ALTER TABLE agent ADD COLUMN escalate_after_seconds INTEGER;
ALTER TABLE agent ADD COLUMN escalate_to VARCHAR(20000) DEFAULT '[]' NOT NULL;

-- One row per pending action whose agent reminds or escalates, written in the submitting transaction. A sweep
-- claims a due step with one conditional UPDATE (reminded_at / escalated_at from NULL), so it happens once across
-- restarts and instances; its due time is cleared then, and when the action ends before it came due, so the
-- sweep's query (remind_at <= now OR escalate_at <= now) reads only steps still to come.
CREATE TABLE approval_follow_up (
    action_id     UUID PRIMARY KEY REFERENCES action (id),
    remind_at     TIMESTAMP WITH TIME ZONE,
    reminded_at   TIMESTAMP WITH TIME ZONE,
    escalate_at   TIMESTAMP WITH TIME ZONE,
    escalated_at  TIMESTAMP WITH TIME ZONE,
    escalate_to   VARCHAR(20000) DEFAULT '[]' NOT NULL
);
CREATE INDEX approval_follow_up_remind_ix ON approval_follow_up (remind_at);
CREATE INDEX approval_follow_up_escalate_ix ON approval_follow_up (escalate_at);
