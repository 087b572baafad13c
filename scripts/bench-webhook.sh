#!/usr/bin/env bash
# The webhook benchmark (docs/benchmarks.md): measures the time from './scenario-builder serve' to its first answer
# (five starts on new data folders, five restarts), then starts it on a fresh data folder, saves a 3-node core
# scenario behind a webhook, and drives
# POST /hooks/bench?wait=true with 1 and 16 connections (WebhookLoad, a closed-loop client) and reads the server's RSS.
# Usage: ./bench webhook [seconds per run, default 15] [SB_FSYNC, default false]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_RUN="${1:-15}"
FSYNC="${2:-false}"
# shellcheck source=bench-common.sh
source "$ROOT/scripts/bench-common.sh"
PORT=18080
trap 'kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; cp "$WORK/serve.log" /tmp/last-serve.log; ls -la "$WORK/data" > /tmp/last-data.txt; rm -rf "$WORK"' EXIT

serve() { # serve DATA_DIR: starts the server in the background, sets PID
  SB_PORT=$PORT SB_DATA_DIR="$1" SB_PLUGINS_DIR="$WORK/plugins" SB_ADMIN_KEY="$KEY" SB_IMPORT_EXAMPLES=false \
    SB_FSYNC="$FSYNC" SB_LOG_LEVEL=warn SB_JAVA_OPTS="${SB_JAVA_OPTS:-}" "$ROOT/scenario-builder" serve > "$WORK/serve.log" 2>&1 &
  PID=$!
}
ready_ms() { # serve DATA_DIR; READY_MS: the ms from the process start to its first answered request
  local start_ns; start_ns=$(date +%s%N)
  serve "$1"
  wait_live "$PORT"
  READY_MS=$(( ($(date +%s%N) - start_ns) / 1000000 ))
}
stop() { kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; }

# Start times: five starts on new data folders (the schema is created) and five restarts on one folder,
# interleaved. The first start after a build also trains the AOT cache (JDK 25+): it is not counted.
ready_ms "$WORK/warm"; stop
fresh=(); again=()
for i in 1 2 3 4 5; do
  ready_ms "$WORK/fresh-$i"; stop; fresh+=("$READY_MS")
  ready_ms "$WORK/fresh-1"; stop; again+=("$READY_MS")
done
echo "ready, new data folder (ms):      ${fresh[*]}"
echo "ready, existing data folder (ms): ${again[*]}"

serve "$WORK/data"
until curl -sf "http://127.0.0.1:$PORT/health/live" > /dev/null; do sleep 0.01; done
curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/scenarios" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d '{
  "id": "bench", "trigger": {"type": "webhook", "path": "bench", "method": "POST"},
  "nodes": [
    {"id": "receive", "integrationId": "core", "actionId": "set", "configuration": {"values": {"received": true}}},
    {"id": "shape", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "{\"order\": input.body.n, \"ok\": input.received}"}},
    {"id": "reply", "integrationId": "core", "actionId": "noop"}
  ],
  "connections": [{"fromNodeId": "receive", "toNodeId": "shape"}, {"fromNodeId": "shape", "toNodeId": "reply"}]}' > /dev/null

# wrk (apt-get install wrk) when present: a C client leaves more of the machine to the server than a JVM one.
load() {
  if command -v wrk > /dev/null; then
    wrk -t "$(( $1 < 2 ? 1 : 2 ))" -c "$1" -d "${2}s" --latency -s "$ROOT/scripts/webhook.lua" \
      "http://127.0.0.1:$PORT/hooks/bench?wait=true" | grep -E "Requests/sec|Latency|50%|99%|requests in|Non-2xx|errors"
  else
    "$JAVA" -cp "$CP" io.scenariobuilder.benchmarks.WebhookLoad "http://127.0.0.1:$PORT/hooks/bench?wait=true" "$1" "$2" '{"n": 1}'
  fi
}
echo "warm-up (discarded):"; load 16 10
echo "1 connection:";   load 1 "$SECONDS_PER_RUN"
echo "16 connections:"; load 16 "$SECONDS_PER_RUN"
echo "server RSS: $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$PID/status"), peak $(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$PID/status")"
stored=$(curl -sf "http://127.0.0.1:$PORT/api/v1/executions?scenarioId=bench&status=completed&limit=1" -H "Authorization: Bearer $KEY" | head -c 200)
echo "latest stored execution: $stored"
