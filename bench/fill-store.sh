#!/usr/bin/env bash
# Fills the store of the current KAGED_HOME / KAGED_DATABASE_URL (found as `kaged serve` finds it) with
# made-up history: runs with their journal events and output, sessions and audit rows. The daemon must
# be stopped. --help lists the options:
#   bench/fill-store.sh                                   # 100,000 runs, 1,000,000 audit rows, 300 sessions
#   KAGED_HOME=/tmp/kaged-demo bench/fill-store.sh --runs 5000 --audit 50000
#   KAGED_DATABASE_URL=postgres://kaged@localhost/kaged bench/fill-store.sh
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" fill.FillStore "$@"
