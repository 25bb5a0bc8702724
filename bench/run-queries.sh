#!/usr/bin/env bash
# The query benchmark (io.kaged.bench.QueryBench): fills a store (100,000 runs, 1,000,000 audit rows) on
# SQLite and on an embedded PostgreSQL, starts the real daemon (bin/kaged serve) on each and measures
# p50/p99/max of list pages, deep cursor pages and /v1/stats over HTTP. --help lists the options:
#   bench/run-queries.sh                                   # both engines, ~15 min with the fills
#   bench/run-queries.sh --engines sqlite --work /tmp/qb   # keeps the filled store for the next run
#   bench/run-queries.sh --runs 10000 --audit 100000 --requests 50
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" QueryBench "$@"
