#!/usr/bin/env bash
# Crash soak: the suite's kill -9 test (io.kaged.daemon.crash.KillNineIT) with more cycles. Builds the
# jar inside the reactor (nothing is installed into ~/.m2), then kills the real `kaged serve` under
# run and session load N times per engine and checks what must survive (see docs/benchmarks.md).
#   bench/run-crash.sh                          # 50 kills per engine, SQLite and PostgreSQL
#   bench/run-crash.sh --cycles 200 --engines sqlite
#   bench/run-crash.sh --seed 123456789         # replay the random choices of an earlier run
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cycles=50
engines=""
seed=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cycles) cycles="$2"; shift 2 ;;
    --engines) engines="$2"; shift 2 ;;
    --seed) seed=(-Dkaged.crash.seed="$2"); shift 2 ;;
    *) echo "usage: bench/run-crash.sh [--cycles N] [--engines sqlite,postgresql] [--seed S]" >&2; exit 2 ;;
  esac
done

cd "$root"
mkdir -p bench/target
log="$root/bench/target/run-crash.log"
echo "crash soak: $cycles kill -9 cycles per engine${engines:+ ($engines)}; build and test log: $log" >&2
status=0
mvn -B -pl daemon -am verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
  -Dit.test=KillNineIT -Dkaged.crash.cycles="$cycles" -Dkaged.crash.engines="$engines" "${seed[@]}" >"$log" 2>&1 \
  || status=$?
reports="$root/daemon/target/failsafe-reports"
cat "$reports/io.kaged.daemon.crash.KillNineIT-output.txt" 2>/dev/null || true
if [ "$status" -ne 0 ]; then
  grep -v '^\s*at ' "$reports/io.kaged.daemon.crash.KillNineIT.txt" 2>/dev/null || tail -50 "$log"
  echo "crash soak: FAILED (daemon logs: daemon/target/crash-logs)" >&2
  exit "$status"
fi
echo "crash soak: passed" >&2
