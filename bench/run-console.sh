#!/usr/bin/env bash
# The web console benchmark (io.kaged.bench.ConsoleBench): a real daemon (bin/kaged serve, SQLite default,
# temporary home) and its console in Debian's headless chromium, side by side in the same run and browser
# with a bare pty4j-to-WebSocket bridge serving the same xterm.js: keystroke-to-echo p50/p99, the time to
# render a cat of 20 MiB, and the console's first load. Needs chromium and chromium-driver (apt), and
# node and npm (the console's build, whose node_modules also serve the bridge's xterm.js).
#   bench/run-console.sh                       # 500 keys (after 100), 20 MiB, best of 2 renders, 5 first loads
#   bench/run-console.sh --keys 200 --mb 5 --rounds 1
exec "$(dirname "${BASH_SOURCE[0]}")/run.sh" ConsoleBench "$@"
