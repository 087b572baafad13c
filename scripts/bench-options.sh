#!/usr/bin/env bash
# The dynamic-fields benchmark (docs/benchmarks.md): how fast cached options are answered over HTTP.
# Starts the server on a fresh data folder (the built-in catalog plugin is there), asks once for the products of a
# category (the miss, fetched by the plugin), then drives POST .../fields/product/options with 16 connections (and 1)
# for the given seconds, every answer from the cache; prints requests/s and latency percentiles, and the cache's
# counters from /metrics.
# Usage: ./bench options [seconds per run, default 15]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_RUN="${1:-15}"
# shellcheck source=bench-common.sh
source "$ROOT/scripts/bench-common.sh"
PORT=18083
trap 'kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

SB_PORT=$PORT SB_DATA_DIR="$WORK/data" SB_PLUGINS_DIR="$WORK/plugins" SB_ADMIN_KEY="$KEY" SB_IMPORT_EXAMPLES=false \
  SB_LOG_LEVEL=warn "$ROOT/scenario-builder" serve > "$WORK/serve.log" 2>&1 &
PID=$!
wait_live "$PORT"
URL="http://127.0.0.1:$PORT/api/v1/integrations/catalog/actions/pick-item/fields/product/options"
BODY='{"values": {"category": "keyboards"}}'
echo "the first answer (a miss: the plugin fetches): $(curl -sf -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  -d "$BODY" -o /dev/null -w '%{http_code} in %{time_total} s' "$URL")"
load() { # load CONNECTIONS SECONDS
  "$JAVA" -Dload.header="Authorization: Bearer $KEY" -cp "$CP" io.scenariobuilder.benchmarks.WebhookLoad "$URL" "$1" "$2" "$BODY"
}
echo "warm-up (discarded):"; load 16 10 > /dev/null
echo "== 16 connections, every answer cached"; load 16 "$SECONDS_PER_RUN"
echo "== 1 connection, every answer cached"; load 1 "$SECONDS_PER_RUN"
echo "cache: $(curl -sf "http://127.0.0.1:$PORT/metrics" | grep -E '^sb_options_(cache_total|cache_entries|fetch_duration_seconds_count)' | tr '\n' ' ')"
echo "server RSS $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$PID/status")"
