-- PostgreSQL only, as V26: the Slack outbox's rows are written in the submitting transaction, before the writer sends
-- the batch's action rows, so their reference to the action is checked at commit; the Slack message and MCP task rows
-- likewise, so that no table referring to an action depends on the order of the writer's statements.
ALTER TABLE slack_outbox ALTER CONSTRAINT slack_outbox_action_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE slack_message ALTER CONSTRAINT slack_message_action_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE mcp_task ALTER CONSTRAINT mcp_task_action_id_fkey DEFERRABLE INITIALLY DEFERRED;
