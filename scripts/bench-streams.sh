#!/usr/bin/env bash
# The live-stream benchmark (docs/benchmarks.md): does fanning the log stream out to 50 clients slow the engine?
# Starts the server on a fresh data folder with a 3-node core scenario behind a webhook (each execution writes two log
# lines), drives POST /hooks/bench?wait=true with 16 connections (wrk when installed, else WebhookLoad) three times:
# in five runs as fast as the server answers: without stream clients, with one client that never reads, with 50 clients
# on /api/v1/logs/stream (one of them never reading), without, and with 50 again (alternated, so that drift shows);
# then two runs paced to 10,000 lines a second (the issue's case), without and with the 50 clients. Prints requests/s and p99 of
# each, the server's CPU seconds, what the clients received, and the server's RSS and live heap. Retention is set
# out of the way (its first prune would fall into a run); a client that takes nothing for 5 s is closed.
# Usage: ./bench streams [seconds per run, default 15] [clients, default 50]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_RUN="${1:-15}"
CLIENTS="${2:-50}"
# shellcheck source=bench-common.sh
source "$ROOT/scripts/bench-common.sh"
PORT=18081
trap 'kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

SB_PORT=$PORT SB_DATA_DIR="$WORK/data" SB_PLUGINS_DIR="$WORK/plugins" SB_ADMIN_KEY="$KEY" SB_IMPORT_EXAMPLES=false \
  SB_LOG_LEVEL=warn SB_RETENTION_PER_SCENARIO=100000000 SB_STREAM_STALL_MS=5000 "$ROOT/scenario-builder" serve > "$WORK/serve.log" 2>&1 &
PID=$!
wait_live "$PORT"
SERVER_PID=$PID # the launcher execs the JVM
curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/scenarios" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d '{
  "id": "bench", "trigger": {"type": "webhook", "path": "bench", "method": "POST"},
  "nodes": [
    {"id": "receive", "integrationId": "core", "actionId": "set", "configuration": {"values": {"received": true}}},
    {"id": "shape", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "{\"order\": input.body.n, \"ok\": input.received}"}},
    {"id": "reply", "integrationId": "core", "actionId": "noop"}
  ],
  "connections": [{"fromNodeId": "receive", "toNodeId": "shape"}, {"fromNodeId": "shape", "toNodeId": "reply"}]}' > /dev/null

load() { # load SECONDS [RATE]: closed-loop (as fast as the server answers), or paced to RATE requests a second
  if [[ -z "${2:-}" ]] && command -v wrk > /dev/null; then
    wrk -t 2 -c 16 -d "${1}s" --latency -s "$ROOT/scripts/webhook.lua" "http://127.0.0.1:$PORT/hooks/bench?wait=true" \
      | grep -E "Requests/sec|99%|Non-2xx|errors"
  else
    "$JAVA" -cp "$CP" io.scenariobuilder.benchmarks.WebhookLoad "http://127.0.0.1:$PORT/hooks/bench?wait=true" 16 "$1" '{"n": 1}' ${2:-}
  fi
}
heap() { # the server's RSS, and its live objects (the class histogram takes them after a full GC)
  local live
  live=$("$JDK_HOME/bin/jcmd" "$SERVER_PID" GC.class_histogram 2>/dev/null | awk '/^Total/ {printf "%.1f MB", $3 / 1048576}')
  echo "server RSS $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$SERVER_PID/status"); live heap after a full GC: ${live:-unknown}"
}
cpu() { # the server's CPU seconds so far (user + system)
  awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$SERVER_PID/stat"
}
run() { # run [RATE]: a load run, with the server's CPU seconds it took
  local before; before=$(cpu)
  load "$SECONDS_PER_RUN" "${1:-}"
  echo "server CPU during the run: $(awk -v a="$before" -v b="$(cpu)" 'BEGIN {printf "%.1f s", b - a}')"
  heap
}
clients() { # clients N LOG: N stream clients (the first never reads) for a run, in the background
  "$JAVA" -cp "$CP" io.scenariobuilder.benchmarks.StreamClients "ws://127.0.0.1:$PORT/api/v1/logs/stream?replay=0" "$KEY" "$1" \
    "$(( SECONDS_PER_RUN + 4 ))" > "$2" 2>&1 &
  CLIENTS_PID=$!
  until grep -q "connected" "$2" 2>/dev/null; do sleep 0.1; done
}
with_clients() { # with_clients N [RATE]: a load run while N clients read the log stream
  clients "$1" "$WORK/clients.log"
  run "${2:-}"
  wait "$CLIENTS_PID" || true
  grep -E "t=(5|10|15|20|30)s|never read|own CPU" "$WORK/clients.log"
  echo "stream metrics: $(curl -sf "http://127.0.0.1:$PORT/metrics" | grep -E '^sb_stream_(clients|dropped)' | tr '\n' ' ')"
}
echo "warm-up (discarded):"; load 10 > /dev/null
echo "== 1. without stream clients"; run
echo "== 2. with one client on the log stream that never reads"; with_clients 1
echo "== 3. with $CLIENTS clients on the log stream (one never reads)"; with_clients "$CLIENTS"
echo "== 4. without stream clients"; run
echo "== 5. with $CLIENTS clients on the log stream (one never reads)"; with_clients "$CLIENTS"
# The issue's case: 10,000 lines a second (5,000 executions of two lines each), with and without the clients.
echo "== 6. paced to 5,000 executions/s (10,000 lines/s), without stream clients"; run 5000
echo "== 7. paced to 5,000 executions/s (10,000 lines/s), with $CLIENTS clients (one never reads)"; with_clients "$CLIENTS" 5000
