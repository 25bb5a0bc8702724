#!/bin/sh
# An "agent" for trying runs: it starts two subagent runs through the API with the scoped token kaged
# gives it (KAGED_URL, KAGED_TOKEN, KAGED_RUN_ID), then works in numbered steps, one per second.
#   bin/kaged run start -- docs/examples/parent-agent.sh
set -eu
for name in research review; do
  curl -sf -X POST "$KAGED_URL/v1/runs" \
    -H "Authorization: Bearer $KAGED_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"command\": [\"/bin/sh\", \"-c\", \"echo subagent $name of $KAGED_RUN_ID; sleep 2; echo $name done\"]}" \
    >/dev/null
  echo "started subagent $name"
done
step=1
while [ "$step" -le "${STEPS:-120}" ]; do
  echo "step $step"
  step=$((step + 1))
  sleep 1
done
echo "all steps done"
