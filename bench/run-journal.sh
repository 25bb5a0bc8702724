#!/usr/bin/env bash
# Builds and runs the journal benchmark (io.kaged.bench.JournalBench) on SQLite and an embedded
# PostgreSQL it starts itself. Run from anywhere; arguments go to the benchmark (--help lists them):
#   bench/run-journal.sh
#   bench/run-journal.sh --engines sqlite --events 100 --recovery-events 10000
# JAVA_OPTS adds JVM options, e.g. JAVA_OPTS=-XX:StartFlightRecording=filename=bench.jfr, or kaged
# settings as system properties, e.g. JAVA_OPTS=-Dkaged.storage.sqlite.synchronous=NORMAL.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Packages bench and what it needs inside the reactor (nothing is installed into ~/.m2);
# bench's package phase writes its runtime class path to bench/target/classpath.txt.
# Maven's output is kept in a log and shown only if the build fails.
mkdir -p "$root/bench/target"
build_log="$root/bench/target/run-journal-build.log"
if ! mvn -B -q -pl bench -am package -DskipTests -Dspotless.check.skip=true >"$build_log" 2>&1; then
  cat "$build_log" >&2
  echo "run-journal.sh: the build failed (log: $build_log)" >&2
  exit 1
fi

classpath="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec java -Xmx1g -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener ${JAVA_OPTS:-} -cp "$classpath" io.kaged.bench.JournalBench "$@"
