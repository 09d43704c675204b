-- EU AI Act compliance record per agent: what people declare for Art. 9-15 (met or not, with their evidence).
-- What AgentGate can see for itself (audit chain, retention, approval gate, policies) is derived at report time
-- and never stored here. One row per agent; every change is also a compliance.updated audit event.
CREATE TABLE compliance_record (
    agent_id                      UUID PRIMARY KEY REFERENCES agent (id),
    risk_management               BOOLEAN       NOT NULL,
    risk_management_evidence      VARCHAR(2000),
    data_governance               BOOLEAN       NOT NULL,
    data_governance_evidence      VARCHAR(2000),
    technical_documentation       BOOLEAN       NOT NULL,
    technical_documentation_evidence VARCHAR(2000),
    record_keeping                BOOLEAN       NOT NULL,
    record_keeping_evidence       VARCHAR(2000),
    transparency                  BOOLEAN       NOT NULL,
    transparency_evidence         VARCHAR(2000),
    human_oversight               BOOLEAN       NOT NULL,
    human_oversight_evidence      VARCHAR(2000),
    accuracy_robustness           BOOLEAN       NOT NULL,
    accuracy_robustness_evidence  VARCHAR(2000),
    responsible                   VARCHAR(320),
    updated_at                    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by                    VARCHAR(400)  NOT NULL,
    version                       BIGINT        NOT NULL
);
