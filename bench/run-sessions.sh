#!/usr/bin/env bash
# The session benchmark (io.kaged.bench.SessionBench) against a real daemon it starts with
# bin/kaged serve on the SQLite default in a temporary home:
# once with bin/kaged's JVM flags and once with the JDK's defaults, one after the other:
#   bench/run-sessions.sh                          # 3 starts, 100 sessions, cat of 200 MiB, per flag set
#   bench/run-sessions.sh --cat-mb 20 --sessions 10
#   bench/run-sessions.sh --flag-sets kaged        # bin/kaged's flags only
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" SessionBench "$@"
