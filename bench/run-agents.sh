#!/usr/bin/env bash
# The ACP run benchmark (io.kaged.bench.AgentBench) against real daemons it starts with bin/kaged serve, on
# SQLite and on an embedded PostgreSQL: session/update throughput into the journal as a ratio to the same
# agent writing to /dev/null, and the permission round trip decided by a project policy (p50/p99):
#   bench/run-agents.sh                                    # 20,000 updates a turn, 3 turns (after 20), 300 permissions (after 1,800)
#   bench/run-agents.sh --warm-asks 20                     # the permissions of a cold daemon
#   bench/run-agents.sh --updates 5000 --rounds 3 --asks 100 --engines sqlite
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" AgentBench "$@"
