-- The approval rule in plain words: approver mail shows it instead of the CEL expression.
ALTER TABLE agent ADD COLUMN approval_description VARCHAR(500);
