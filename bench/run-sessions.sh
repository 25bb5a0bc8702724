#!/usr/bin/env bash
# The session benchmark (io.kaged.bench.SessionBench) against a real daemon it starts with
# bin/kaged serve on the SQLite default in a temporary home:
#   bench/run-sessions.sh                          # 3 starts, 100 sessions, cat of 200 MiB
#   bench/run-sessions.sh --cat-mb 20 --sessions 10
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" SessionBench "$@"
