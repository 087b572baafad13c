# Sourced by ./scenario-builder and ./bench: finds a JDK 21 or newer without any set-up.
# Defines java_major PATH and find_java (prints the path of a suitable java, or nothing).

# The major version of the java at $1, or nothing.
java_major() {
  local v
  v="$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')" || return 0
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

