-- Approver groups: an agent's approvers may name group:<name>; every member of the group may decide.
CREATE TABLE account_group (
    account_id UUID         NOT NULL,
    group_name VARCHAR(100) NOT NULL,
    CONSTRAINT account_group_pk PRIMARY KEY (account_id, group_name),
    CONSTRAINT account_group_account_fk FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE
);
CREATE INDEX account_group_name_idx ON account_group (group_name);
