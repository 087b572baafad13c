#!/usr/bin/env bash
# The live-stream benchmark (docs/benchmarks.md): does fanning the log stream out to 50 clients slow the engine?
# Starts the server on a fresh data folder with a 3-node core scenario behind a webhook (each execution writes two log
# lines), drives POST /hooks/bench?wait=true with 16 connections (wrk when installed, else WebhookLoad) three times:
# without stream clients, with 50 clients on /api/v1/logs/stream (one of them never reading), and without again; prints
# requests/s and p99 of each, what the clients received, and the server's RSS and heap after a full GC.
# Usage: ./bench streams [seconds per run, default 15] [clients, default 50]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_RUN="${1:-15}"
CLIENTS="${2:-50}"
# shellcheck source=find-jdk.sh
source "$ROOT/scripts/find-jdk.sh"
JAVA="$(find_java)"
JDK_HOME="$(cd "$(dirname "$JAVA")/.." && pwd)"
(cd "$ROOT" && JAVA_HOME="$JDK_HOME" mvn -B -q -Dstyle.color=never -DskipTests -Djacoco.skip=true package -pl benchmarks,distribution -am >&2)
CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/classpath.txt")"
WORK="$(mktemp -d)"
PORT=18081
KEY="sb_bench_admin_key_0123456789abcdef"
trap 'kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

SB_PORT=$PORT SB_DATA_DIR="$WORK/data" SB_PLUGINS_DIR="$WORK/plugins" SB_ADMIN_KEY="$KEY" SB_IMPORT_EXAMPLES=false \
  SB_LOG_LEVEL=warn "$ROOT/scenario-builder" serve > "$WORK/serve.log" 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/health/live" > /dev/null; do sleep 0.05; done
SERVER_PID=$PID # the launcher execs the JVM
curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/scenarios" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d '{
  "id": "bench", "trigger": {"type": "webhook", "path": "bench", "method": "POST"},
  "nodes": [
    {"id": "receive", "integrationId": "core", "actionId": "set", "configuration": {"values": {"received": true}}},
    {"id": "shape", "integrationId": "core", "actionId": "transform", "configuration": {"expression": "{\"order\": input.body.n, \"ok\": input.received}"}},
    {"id": "reply", "integrationId": "core", "actionId": "noop"}
  ],
  "connections": [{"fromNodeId": "receive", "toNodeId": "shape"}, {"fromNodeId": "shape", "toNodeId": "reply"}]}' > /dev/null

load() {
  if command -v wrk > /dev/null; then
    wrk -t 2 -c 16 -d "${1}s" --latency -s "$ROOT/scripts/webhook.lua" "http://127.0.0.1:$PORT/hooks/bench?wait=true" \
      | grep -E "Requests/sec|99%|Non-2xx|errors"
  else
    "$JAVA" -cp "$CP" io.scenariobuilder.benchmarks.WebhookLoad "http://127.0.0.1:$PORT/hooks/bench?wait=true" 16 "$1" '{"n": 1}'
  fi
}
heap() {
  "$JDK_HOME/bin/jcmd" "$SERVER_PID" GC.run > /dev/null 2>&1 || true
  echo "server RSS $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$SERVER_PID/status"); heap after a full GC: $("$JDK_HOME/bin/jcmd" "$SERVER_PID" GC.heap_info 2>/dev/null | grep -oE 'used [0-9]+K' | head -1)"
}
echo "warm-up (discarded):"; load 10 > /dev/null
echo "== without stream clients"; load "$SECONDS_PER_RUN"; heap
echo "== with $CLIENTS clients on the log stream (one never reads)"
"$JAVA" -cp "$CP" io.scenariobuilder.benchmarks.StreamClients "ws://127.0.0.1:$PORT/api/v1/logs/stream?replay=0" "$KEY" "$CLIENTS" \
  "$(( SECONDS_PER_RUN + 4 ))" > "$WORK/clients.log" 2>&1 &
CLIENTS_PID=$!
sleep 2
load "$SECONDS_PER_RUN"; heap
wait "$CLIENTS_PID" || true
grep -E "connected|t=(5|10|15)s|never read" "$WORK/clients.log"
echo "stream metrics: $(curl -sf "http://127.0.0.1:$PORT/metrics" | grep -E '^sb_stream_(clients|dropped)' | tr '\n' ' ')"
echo "== without stream clients again"; load "$SECONDS_PER_RUN"; heap
