-- Approvals: the permission requests of ACP agents (session/request_permission), kept in step with the
-- run events ApprovalRequested and ApprovalDecided by the journal's projection. tool_call and options are
-- the agent's JSON as it sent them; decided_by is "operator NAME", "policy RULE" or "cancel-turn".
CREATE TABLE approvals (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    run_id       VARCHAR(64)  NOT NULL,
    project      VARCHAR(200),
    tool_call    TEXT         NOT NULL,
    options      TEXT         NOT NULL,
    state        VARCHAR(16)  NOT NULL,
    outcome      VARCHAR(16),
    option_id    TEXT,
    option_kind  VARCHAR(32),
    decided_by   TEXT,
    requested_at BIGINT       NOT NULL,
    decided_at   BIGINT
);
CREATE INDEX approvals_state ON approvals (state, id);
CREATE INDEX approvals_run ON approvals (run_id, id);
