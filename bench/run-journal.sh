#!/usr/bin/env bash
# The journal benchmark (io.kaged.bench.JournalBench) on SQLite and an embedded PostgreSQL it starts
# itself; arguments go to the benchmark (--help lists them):
#   bench/run-journal.sh
#   bench/run-journal.sh --engines sqlite --events 100 --recovery-events 10000
#   JAVA_OPTS=-Dkaged.storage.sqlite.synchronous=FULL bench/run-journal.sh
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" JournalBench "$@"
