#!/usr/bin/env bash
# History at scale (docs/benchmarks.md): fills an embedded store with executions (default 1,000,000) and measures
# opening it, listing with filters and a cursor, reading one execution, the size per execution, and the engine's
# write latency while retention prunes half of it. Usage: ./bench history [executions] [data folder]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench-common.sh
source "$ROOT/scripts/bench-common.sh"
trap 'rm -rf "$WORK"' EXIT
"$JAVA" --enable-native-access=ALL-UNNAMED -Xmx1g -cp "$CP" io.scenariobuilder.benchmarks.HistoryBench "${1:-1000000}" "${2:-$WORK/data}"
