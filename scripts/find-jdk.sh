# Sourced by ./scenario-builder and ./bench: finds a JDK 21 or newer without any set-up.
# Defines java_major PATH and find_java (prints the path of a suitable java, or nothing).

# The major version of the java at $1, or nothing. Read from the JDK's release file when it has one (no JVM to
# start: a launcher that asks each candidate JVM spends about 100 ms per candidate), else asked of the JVM.
java_major() {
  local v home
  home="$(cd "$(dirname "$(readlink -f "$1" 2>/dev/null || printf '%s' "$1")")/.." 2>/dev/null && pwd)" || home=""
  if [[ -n "$home" && -f "$home/release" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$home/release" | head -n 1)"
    if [[ -n "$v" ]]; then
      printf '%s' "${v#1.}"
      return 0
    fi
  fi
  v="$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')" || return 0
  v="${v#1.}"
  printf '%s' "${v%%.*}"
}

# A java of version 21 or newer: JAVA_HOME first, then the newest under /usr/lib/jvm and the usual places, then PATH.
find_java() {
  local candidate major best="" best_major=0
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    major="$(java_major "$JAVA_HOME/bin/java")"
    if [[ -n "$major" && "$major" -ge 21 ]]; then
      printf '%s' "$JAVA_HOME/bin/java"
      return 0
    fi
    printf '%s\n' "scenario-builder: JAVA_HOME=$JAVA_HOME is Java ${major:-unknown}; looking for Java 21 or newer elsewhere" >&2
  fi
  for candidate in /usr/lib/jvm/*/bin/java /usr/java/*/bin/java /opt/java/*/bin/java /opt/*/bin/java \
                   "$HOME"/.sdkman/candidates/java/*/bin/java /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java; do
    [[ -x "$candidate" ]] || continue
    major="$(java_major "$candidate")"
    if [[ -n "$major" && "$major" -ge 21 && "$major" -gt "$best_major" ]]; then
      best="$candidate"
      best_major="$major"
    fi
  done
  if [[ -z "$best" ]] && command -v java >/dev/null 2>&1; then
    major="$(java_major "$(command -v java)")"
    if [[ -n "$major" && "$major" -ge 21 ]]; then
      best="$(command -v java)"
    fi
  fi
  [[ -n "$best" ]] && printf '%s' "$best"
}

