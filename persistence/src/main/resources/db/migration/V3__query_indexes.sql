-- Indexes for GET /v1/stats by project (kaged stats --project, --by-project): counting sessions and runs
-- by project and state, and runs by project and exit code, reads only these indexes, never the tables.
-- The list routes need no new index: every filter column already has an index ending in id (V1), which
-- serves the filter, the id order and the keyset cursor (WHERE id > ?) at once.
CREATE INDEX runs_project_state ON runs (project, state, exit_code);
CREATE INDEX sessions_project_state ON sessions (project, state);
