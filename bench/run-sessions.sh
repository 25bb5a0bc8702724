#!/usr/bin/env bash
# Builds and runs the session benchmark (io.kaged.bench.SessionBench) against a real daemon it starts
# as a child process on the SQLite default in a temporary home. Arguments go to the benchmark:
#   bench/run-sessions.sh                          # 3 starts, 100 sessions, cat of 200 MiB
#   bench/run-sessions.sh --cat-mb 20 --sessions 10
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Packages bench and what it needs inside the reactor (nothing is installed into ~/.m2);
# bench's package phase writes its runtime class path to bench/target/classpath.txt.
# Maven's output is kept in a log and shown only if the build fails.
mkdir -p "$root/bench/target"
build_log="$root/bench/target/run-sessions-build.log"
if ! mvn -B -q -pl bench -am package -DskipTests -Dspotless.check.skip=true >"$build_log" 2>&1; then
  cat "$build_log" >&2
  echo "run-sessions.sh: the build failed (log: $build_log)" >&2
  exit 1
fi

classpath="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec java -Xmx1g -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener -Dkaged.launcher="$root/bin/kaged" ${JAVA_OPTS:-} -cp "$classpath" io.kaged.bench.SessionBench "$@"
