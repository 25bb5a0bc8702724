#!/usr/bin/env bash
# The run benchmark (io.kaged.bench.RunBench) against real daemons it starts with bin/kaged serve in
# temporary homes, on SQLite and on an embedded PostgreSQL it starts:
#   bench/run-runs.sh                         # 5000 short runs, 32 in flight
#   bench/run-runs.sh --runs 20000 --in-flight 64 --engines sqlite
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" RunBench "$@"
