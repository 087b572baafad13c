# Sourced by the bench scripts: finds a JDK 21+, builds the benchmarks and the distribution, and sets
# JAVA, JDK_HOME, CP (the benchmark client's class path), WORK (a temporary folder) and KEY (the admin key).
# shellcheck source=find-jdk.sh
source "$ROOT/scripts/find-jdk.sh"
JAVA="$(find_java)"
JDK_HOME="$(cd "$(dirname "$JAVA")/.." && pwd)"
(cd "$ROOT" && JAVA_HOME="$JDK_HOME" mvn -B -q -Dstyle.color=never -DskipTests -Djacoco.skip=true package -pl benchmarks,distribution -am >&2)
CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/classpath.txt")"
WORK="$(mktemp -d)"
KEY="sb_bench_admin_key_0123456789abcdef"

wait_live() { # wait_live PORT: until the server on PORT answers /health/live
  until curl -sf "http://127.0.0.1:$1/health/live" > /dev/null; do sleep 0.005; done
}
