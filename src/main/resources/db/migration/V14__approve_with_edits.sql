-- Approve with edits. tool_args keeps what the agent submitted; approved_tool_args is what an approver changed them
-- to, set only when the action is APPROVED with an edit (NULL: the submitted arguments run).
ALTER TABLE action ADD COLUMN approved_tool_args VARCHAR(1048576);
-- The arguments an approval proposed (NULL: it approved them as they stood). With a quorum only the first approval
-- may carry an edit; later approvals approve that edit.
ALTER TABLE approval_vote ADD COLUMN tool_args VARCHAR(1048576);
