-- PostgreSQL only: the rows that reference an action check that reference when their transaction commits, so the
-- writer may send a batch's action rows in one statement just before the commit, after the rows that reference
-- them (mail outbox, follow-ups, ...). A reference to a missing action still fails the commit.
ALTER TABLE violation ALTER CONSTRAINT violation_action_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE approval_vote ALTER CONSTRAINT approval_vote_action_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE mail_outbox ALTER CONSTRAINT mail_outbox_action_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE callback_outbox ALTER CONSTRAINT callback_outbox_action_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE mcp_call ALTER CONSTRAINT mcp_call_action_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE approval_grant ALTER CONSTRAINT approval_grant_source_action_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE approval_follow_up ALTER CONSTRAINT approval_follow_up_action_id_fkey DEFERRABLE INITIALLY DEFERRED;
