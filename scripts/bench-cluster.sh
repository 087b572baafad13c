#!/usr/bin/env bash
# Cluster throughput (docs/benchmarks.md): durable executions per second of the 5-node core scenario on an embedded
# PostgreSQL, with 1, 2 and 3 server instances sharing it (each a store, a cluster membership and an engine).
# Usage: ./bench cluster [seconds per run, default 15] [executions in flight, default 500]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench-common.sh
source "$ROOT/scripts/bench-common.sh"
trap 'rm -rf "$WORK"' EXIT
"$JAVA" --enable-native-access=ALL-UNNAMED -Dguice_custom_class_loading=CHILD -Xmx1g -cp "$CP" \
  io.scenariobuilder.benchmarks.ClusterBench "${1:-15}" "${2:-500}"
