#!/usr/bin/env bash
# The workspace snapshot benchmark (io.kaged.bench.WorkspaceBench) on a generated folder in a
# temporary directory: first and unchanged snapshots, the disk an unchanged checkpoint adds, and a
# snapshot, diff and restore after 1% of the files changed.
#   bench/run-workspaces.sh                              # 10,000 files, 200 MiB, 5 unchanged rounds
#   bench/run-workspaces.sh --files 50000 --mb 1000 --rounds 3
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" WorkspaceBench "$@"
