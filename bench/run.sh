#!/usr/bin/env bash
# Builds the bench module (and what it needs, inside the reactor; nothing is installed into ~/.m2)
# and runs one benchmark class with the module's runtime class path. Used by run-journal.sh and
# run-sessions.sh; JAVA_OPTS adds JVM options or kaged settings (-Dkaged.storage.sqlite.synchronous=FULL).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
main="$1"
shift

mkdir -p "$root/bench/target"
build_log="$root/bench/target/run-build.log"
if ! mvn -B -q -pl bench -am package -DskipTests -Dspotless.check.skip=true >"$build_log" 2>&1; then
  cat "$build_log" >&2
  echo "bench/run.sh: the build failed (log: $build_log)" >&2
  exit 1
fi

classpath="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec java -Xmx1g -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener \
  -Dkaged.launcher="$root/bin/kaged" ${JAVA_OPTS:-} -cp "$classpath" "io.kaged.bench.$main" "$@"
