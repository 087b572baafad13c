#!/usr/bin/env bash
# The soak (docs/benchmarks.md): a server in its own process under mixed webhook load while faults hit it at random
# (SIGKILL and restart, the database locked past the busy timeout, a full disk when a tmpfs can be mounted), then a
# check of the invariants over the whole store: every acknowledged execution stored and ended, none left running,
# no completed node run again. It is SoakTest: one minute of it runs in 'mvn verify'.
# Usage: ./bench soak [minutes, default 10; half on SQLite, half on PostgreSQL]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=find-jdk.sh
source "$ROOT/scripts/find-jdk.sh"
JAVA="$(find_java)"
JDK_HOME="$(cd "$(dirname "$JAVA")/.." && pwd)"
cd "$ROOT"
JAVA_HOME="$JDK_HOME" mvn -B -q -Dstyle.color=never -Djacoco.skip=true -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsb.soak.minutes="${1:-10}" verify -pl platform-server -am
