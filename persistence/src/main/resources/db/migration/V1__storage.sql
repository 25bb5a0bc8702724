-- kaged schema, version 1. One history for SQLite and PostgreSQL: portable SQL only; the binary
-- column type is the placeholder ${blob} (BLOB / BYTEA). Ids are app-generated sortable strings
-- (UUIDv7), times are integer epoch milliseconds, JSON is TEXT validated by the application.

-- Event journal: one row per event; the payload is Pekko-serialized (serializer id, manifest, bytes).
CREATE TABLE journal (
    persistence_id  VARCHAR(255) NOT NULL,
    sequence_nr     BIGINT       NOT NULL,
    writer_uuid     VARCHAR(64)  NOT NULL,
    write_timestamp BIGINT       NOT NULL,
    event_manifest  VARCHAR(255) NOT NULL,
    ser_id          INTEGER      NOT NULL,
    ser_manifest    VARCHAR(255) NOT NULL,
    payload         ${blob}      NOT NULL,
    tags            VARCHAR(1024),
    PRIMARY KEY (persistence_id, sequence_nr)
);

-- Highest sequence number deleted per id, so the highest number never goes back after a delete.
CREATE TABLE journal_deletions (
    persistence_id VARCHAR(255) NOT NULL PRIMARY KEY,
    deleted_to     BIGINT       NOT NULL
);

-- Snapshots (checkpoints' state).
CREATE TABLE snapshot (
    persistence_id VARCHAR(255) NOT NULL,
    sequence_nr    BIGINT       NOT NULL,
    created_at     BIGINT       NOT NULL,
    ser_id         INTEGER      NOT NULL,
    ser_manifest   VARCHAR(255) NOT NULL,
    payload        ${blob}      NOT NULL,
    PRIMARY KEY (persistence_id, sequence_nr)
);

-- Projects group sessions and runs by name; config is validated JSON.
CREATE TABLE projects (
    id         VARCHAR(36)  NOT NULL PRIMARY KEY,
    name       VARCHAR(200) NOT NULL UNIQUE,
    config     TEXT         NOT NULL,
    created_at BIGINT       NOT NULL,
    updated_at BIGINT       NOT NULL
);

-- Prompt texts: every edit is a new row (never an update in place).
CREATE TABLE prompt_versions (
    id         VARCHAR(36)  NOT NULL PRIMARY KEY,
    project_id VARCHAR(36)  NOT NULL REFERENCES projects (id),
    name       VARCHAR(200) NOT NULL,
    version    INTEGER      NOT NULL,
    body       TEXT         NOT NULL,
    author     VARCHAR(200) NOT NULL,
    created_at BIGINT       NOT NULL,
    UNIQUE (project_id, name, version)
);

-- Query table of sessions, projected from session events in the journal's transaction.
CREATE TABLE sessions (
    id               VARCHAR(36)  NOT NULL PRIMARY KEY,
    name             VARCHAR(200),
    project          VARCHAR(200),
    state            VARCHAR(20)  NOT NULL,
    command          TEXT         NOT NULL,
    cwd              TEXT,
    env              TEXT,
    term_cols        INTEGER      NOT NULL,
    term_rows        INTEGER      NOT NULL,
    restart_policy   VARCHAR(20)  NOT NULL,
    os_pid           INTEGER,
    exit_code        INTEGER,
    restarts         INTEGER      NOT NULL DEFAULT 0,
    transcript_bytes BIGINT       NOT NULL DEFAULT 0,
    created_at       BIGINT       NOT NULL,
    updated_at       BIGINT       NOT NULL,
    started_at       BIGINT,
    ended_at         BIGINT
);
CREATE INDEX sessions_state ON sessions (state, id);
CREATE INDEX sessions_project ON sessions (project, id);
CREATE INDEX sessions_created ON sessions (created_at, id);

-- Query table of agent runs; parent_id makes the subagent tree.
CREATE TABLE runs (
    id           VARCHAR(36)  NOT NULL PRIMARY KEY,
    parent_id    VARCHAR(36)  REFERENCES runs (id),
    session_id   VARCHAR(36),
    project      VARCHAR(200),
    state        VARCHAR(20)  NOT NULL,
    command      TEXT         NOT NULL,
    command_name VARCHAR(255) NOT NULL,
    cwd          TEXT,
    env          TEXT,
    input        TEXT,
    timeout_ms   BIGINT,
    retries      INTEGER      NOT NULL DEFAULT 0,
    attempts     INTEGER      NOT NULL DEFAULT 0,
    exit_code    INTEGER,
    created_at   BIGINT       NOT NULL,
    updated_at   BIGINT       NOT NULL,
    started_at   BIGINT,
    ended_at     BIGINT
);
CREATE INDEX runs_parent ON runs (parent_id, id);
CREATE INDEX runs_state ON runs (state, id);
CREATE INDEX runs_project ON runs (project, id);
CREATE INDEX runs_created ON runs (created_at, id);
CREATE INDEX runs_exit_code ON runs (exit_code, id);
CREATE INDEX runs_command_name ON runs (command_name, id);

-- Named points in a run's or session's life; each refers to a snapshot by sequence number.
CREATE TABLE checkpoints (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    owner_kind  VARCHAR(10)  NOT NULL,
    owner_id    VARCHAR(36)  NOT NULL,
    sequence_nr BIGINT       NOT NULL,
    label       VARCHAR(200),
    reason      VARCHAR(20)  NOT NULL,
    created_at  BIGINT       NOT NULL
);
CREATE INDEX checkpoints_owner ON checkpoints (owner_id, created_at);

-- Append-only audit log: who asked what, when, and how it ended.
CREATE TABLE audit (
    id      VARCHAR(36)  NOT NULL PRIMARY KEY,
    at      BIGINT       NOT NULL,
    actor   VARCHAR(200) NOT NULL,
    kind    VARCHAR(64)  NOT NULL,
    subject VARCHAR(255),
    outcome VARCHAR(20)  NOT NULL,
    detail  TEXT
);
CREATE INDEX audit_kind ON audit (kind, id);
CREATE INDEX audit_subject ON audit (subject, id);
CREATE INDEX audit_at ON audit (at, id);

-- Terminal output of sessions and stdout/stderr of runs, in batches, oldest dropped first.
CREATE TABLE transcripts (
    owner_id  VARCHAR(36) NOT NULL,
    chunk_seq BIGINT      NOT NULL,
    stream    VARCHAR(10) NOT NULL,
    at        BIGINT      NOT NULL,
    data      ${blob}     NOT NULL,
    PRIMARY KEY (owner_id, chunk_seq)
);
