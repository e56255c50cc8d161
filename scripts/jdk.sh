# Sourced by ./cairn, .ci/run and the bench scripts: the one place that finds the JDK Cairn runs on.
#
#   JAVA_HOME="$(find_java_home)" || exit 1   # assign, then export: `export X="$(...)"` hides a failure
#   export JAVA_HOME
#
# find_java_home prints the newest JDK 21+ among JAVA_HOME, /usr/lib/jvm, /opt/java, macOS's JDKs and
# the `java` on the PATH; when there is none it says so in one line on stderr and returns 1.

java_version() { # prints the feature version of the JDK at $1 (a JAVA_HOME), or 0
  local v=""
  # The release file answers without starting a JVM (each start costs ~100 ms).
  [[ -f "$1/release" ]] && v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -1)"
  [[ -n "$v" ]] || v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -1)"
  echo "${v:-0}"
}

find_java_home() {
  local candidates=() best="" best_version=0 home version
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  for home in /usr/lib/jvm/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [[ -x "$home/bin/java" ]] && candidates+=("$home")
  done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in "${candidates[@]}"; do
    [[ -x "$home/bin/java" ]] || continue
    version="$(java_version "$home")"
    if [[ "${version:-0}" -gt "$best_version" ]]; then best="$home"; best_version="$version"; fi
  done
  if [[ "$best_version" -lt 21 ]]; then
    echo "cairn: needs a JDK 21 or newer (the newest found: ${best_version/#0/none}); install one or set JAVA_HOME" >&2
    return 1
  fi
  echo "$best"
}
