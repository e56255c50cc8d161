# Helpers shared by the bench scripts (bench/run.sh, bench/fleet/run.sh, bench/data-api.sh,
# bench/memory.sh): sourced, never run. A script sets BENCH_TAG (its log prefix) and BENCH_SCRIPT
# (how it is called) first, and PLATFORM, CONTROL_DB, KEEP, OWN_DATABASES (and RAW, once it has a
# raw-output directory) before it calls drop_databases, start_run or end_run; start_run installs
# the script's cleanup().

# The harness's own settings, named after the bench (mesh, gate, sessions): PostgreSQL as postgres
# on 127.0.0.1 unless PG* say otherwise, a control database, platform and admin token that are this
# bench's alone, and the gateway's address on PORT. Call it before anything that uses them.
bench_defaults() {
  PGHOST="${PGHOST:-127.0.0.1}"
  PGPORT="${PGPORT:-5432}"
  PGUSER="${PGUSER:-postgres}"
  export PGHOST PGPORT PGUSER PGAPPNAME="cairn-bench-$1-harness"
  CONTROL_DB="cairn_bench_$1"
  PLATFORM="bench$1"
  ADMIN_TOKEN="bench$1-$(openssl rand -hex 16)"
  BASE="http://127.0.0.1:$PORT"
  START_TIMEOUT=120
  OWN_DATABASES=0
}

# Deletes a run's NATS key-value bucket (quiet when the server or the bucket is gone); needs the
# server built (its jars in server/target/lib).
drop_nats_bucket() {  # NATS_URL BUCKET
  [[ -d "$root/server/target/lib" ]] || return 0
  "$JAVA_HOME/bin/java" -cp "$root/server/target/lib/*" "$bench/src/DropBucket.java" "$1" "$2" >/dev/null 2>&1 || true
}

log() { printf '[%s %s] %s\n' "$BENCH_TAG" "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
now_us() { echo "${EPOCHREALTIME/./}"; }   # wall clock in microseconds, without forking
psql_q() { psql -X -v ON_ERROR_STOP=1 -At -d "${2:-postgres}" -c "$1"; }
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Percentiles of the numbers on stdin (one per line), nearest rank: prints "n min p50 p90 p99 max".
stats() {
  sort -g | awk '{ v[NR] = $1 }
    function p(q,   r) { r = int(q / 100 * NR); if (r < q / 100 * NR) r++; if (r < 1) r = 1; return v[r] }
    END { if (NR == 0) { print "0 - - - - -"; exit } print NR, v[1], p(50), p(90), p(99), v[NR] }'
}

# Fixed-point arithmetic through awk: calc '<expression>' prints the result with 2 decimals.
calc() { awk "BEGIN { x = $1; printf \"%.2f\", x }"; }

# stop_process PID NAME [SECONDS]: SIGTERM, then SIGKILL after SECONDS (default 30); waits for it.
stop_process() {
  local pid="$1" secs="${3:-30}" deadline
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(( $(now_us) + secs * 1000000 ))
  while kill -0 "$pid" 2>/dev/null && (( $(now_us) < deadline )); do sleep 0.01; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$2 ($pid) did not stop in $secs s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true   # SIGTERM makes the JVM exit with 143
}

# The gateway the script started (GW_PID), given GW_STOP_SECS (default 30) to finish.
stop_gateway() {
  [[ -n "${GW_PID:-}" ]] || return 0
  stop_process "$GW_PID" gateway "${GW_STOP_SECS:-30}"
  GW_PID=""
}

# Drops the platform's databases, its template databases and ready copies, the control database and
# the platform's role. Templates (cairn_tpl_<hash>) and ready copies (cairn_rdy_<random>) are found
# three ways, so that a killed run's are found too: the control database's templates and
# ready_copies tables, the names Cairn derives from the platform and each stored bundle's checksum,
# and any cairn_tpl_% or cairn_rdy_% database owned by the platform's role.
drop_databases() {
  local templates="" dbs="" roles="" have_control="" role="cairn_$PLATFORM"
  have_control="$(psql_q "SELECT 1 FROM pg_database WHERE datname = '$CONTROL_DB'")"
  if [[ -n "$have_control" ]]; then
    templates="$(psql_q "SELECT database_name FROM templates WHERE platform = '$PLATFORM'
                         UNION SELECT 'cairn_tpl_' || left(encode(sha256(convert_to(platform || E'\n' || checksum, 'UTF8')), 'hex'), 40)
                               FROM schema_versions WHERE platform = '$PLATFORM'
                         UNION SELECT database FROM ready_copies WHERE platform = '$PLATFORM'" "$CONTROL_DB" 2>/dev/null || true)"
    roles="$(psql_q "SELECT role_name FROM platform_roles WHERE platform = '$PLATFORM'" "$CONTROL_DB" 2>/dev/null || true)"
    dbs="$(psql_q "SELECT name FROM databases WHERE platform = '$PLATFORM'" "$CONTROL_DB" 2>/dev/null || true)"
  fi
  if [[ -n "$(psql_q "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" ]]; then
    roles="$(printf '%s\n%s\n' "$roles" "$role")"
    templates="$(printf '%s\n%s\n' "$templates" "$(psql_q "SELECT datname FROM pg_database
        WHERE (datname LIKE 'cairn\_tpl\_%' OR datname LIKE 'cairn\_rdy\_%') AND datdba = (SELECT oid FROM pg_roles WHERE rolname = '$role')")")"
  fi
  # Only names that exist as databases: a control database may also list databases that never
  # were (bench/memory.sh registers thousands as rows only), and each needless DROP costs time
  # and a NOTICE.
  dbs="$(comm -12 <(printf '%s\n%s\n' "$dbs" "$(psql_q "SELECT datname FROM pg_database WHERE datname LIKE '${PLATFORM}\_%'")" | grep -v '^$' | sort -u) \
                  <(psql_q "SELECT datname FROM pg_database" | sort -u) || true)"
  templates="$(printf '%s\n' "$templates" | grep -v '^$' | sort -u || true)"
  templates="$(for t in $templates; do psql_q "SELECT datname FROM pg_database WHERE datname = '$t'"; done)"
  roles="$(printf '%s\n' "$roles" | grep -v '^$' | sort -u || true)"
  # One psql session for all the drops (a thousand psql start-ups take minutes); no ON_ERROR_STOP:
  # DROP DATABASE cannot run in a transaction block, so each statement commits on its own.
  local errors="${RAW:-/tmp}/drop.err" db
  {
    for db in $dbs; do echo "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE);"; done
    for db in $templates; do
      echo "ALTER DATABASE \"$db\" WITH IS_TEMPLATE false;"
      echo "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE);"
    done
    [[ -n "$have_control" ]] && echo "DROP DATABASE IF EXISTS \"$CONTROL_DB\" WITH (FORCE);"
    # The platform's role owned the databases above; it goes last.
    for db in $roles; do echo "DROP ROLE IF EXISTS \"$db\";"; done
  } | psql -X -q -d postgres -f - >/dev/null 2>"$errors" || true
  [[ -s "$errors" ]] && log "drop warnings: $(head -3 "$errors")"
  local n_dbs n_tpl left
  n_dbs="$(printf '%s\n' $dbs | grep -c . || true)"
  n_tpl="$(printf '%s\n' $templates | grep -c . || true)"
  log "dropped: $n_dbs ${PLATFORM}_* databases, $n_tpl templates${have_control:+, $CONTROL_DB}${roles:+, role(s) $(echo $roles)}"
  left="$(psql_q "SELECT count(*) FROM pg_database WHERE datname LIKE '${PLATFORM}\_%' OR datname = '$CONTROL_DB'")"
  [[ "$left" == 0 ]] || log "warning: $left databases are still there (run $0 cleanup again)"
}

# await_200 PID WHAT URL [CURL_ARGS...]: polls URL until it answers 200 (every AWAIT_POLL seconds,
# default 0.05); returns 1 as soon as the process PID has exited, dies after START_TIMEOUT seconds.
await_200() {
  local pid="$1" what="$2" url="$3" t0 code
  shift 3
  t0="$(now_us)"
  while :; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" "$url" || true)"
    [[ "$code" == 200 ]] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    (( $(now_us) - t0 < START_TIMEOUT * 1000000 )) || die "no 200 from $what after ${START_TIMEOUT}s"
    sleep "${AWAIT_POLL:-0.05}"
  done
}

# describe_machine: what a report says about where it ran: pg_version, pg_max_conn, cpu_model,
# mem_total, gw_java_home and jdk_version (the JDK ./cairn runs the gateway on), git_rev (with a
# note when the server has uncommitted changes), load_before, and busy_before: other processes using
# CPU right now (top's second sample covers the last second; its first one averages since boot).
describe_machine() {
  pg_version="$(psql_q "SHOW server_version")"
  pg_max_conn="$(psql_q "SHOW max_connections")"
  cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  mem_total="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  gw_java_home="$(cd "$root" && ./cairn java-home)"
  jdk_version="$("$gw_java_home/bin/java" -version 2>&1 | head -1)"
  git_rev="$(cd "$root" && git rev-parse --short HEAD)$(cd "$root" && git diff --quiet HEAD -- server || echo ' (server has uncommitted changes)')"
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  busy_before="$(top -b -n 2 -d 1 -w 200 | awk '/^ *PID / { block++; next }
    block == 2 && $9 + 0 >= 5 { printf "%s%s %s%%", sep, $12, $9; sep = ", " }')"
}

# refuse_leftovers: a run never starts over a control database, platform databases or a platform
# role it did not make (an earlier run's are dropped with `$BENCH_SCRIPT cleanup`).
refuse_leftovers() {
  local leftovers
  leftovers="$(psql_q "SELECT string_agg(datname, ' ') FROM pg_database
                       WHERE datname = '$CONTROL_DB' OR datname LIKE '${PLATFORM}\_%'")"
  [[ -z "$leftovers" ]] || die "databases from an earlier run exist (${leftovers:0:200}…): run $BENCH_SCRIPT cleanup first"
  [[ -z "$(psql_q "SELECT 1 FROM pg_roles WHERE rolname = 'cairn_$PLATFORM'")" ]] ||
    die "role cairn_$PLATFORM exists from an earlier run: run $BENCH_SCRIPT cleanup first"
}

# new_report SUFFIX: sets stamp (YYYY-MM-DD-HHMM<SUFFIX>), REPORT (bench/results/$stamp.md) and RAW
# (the folder of raw outputs beside it, made now); seconds are added when a report of that minute
# exists.
new_report() {
  stamp="$(date +%Y-%m-%d-%H%M)$1"
  [[ -e "$bench/results/$stamp.md" ]] && stamp="$(date +%Y-%m-%d-%H%M%S)$1"
  REPORT="$bench/results/$stamp.md"
  RAW="$bench/results/$stamp"
  mkdir -p "$RAW"
  log "raw outputs in $RAW"
}

# build_server: sets JAR, the server jar, built first if missing or older than the sources (with the
# JDK ./cairn runs on). Another build (./mvnw verify) may be rewriting server/target at the same
# moment, so a failed build is retried; build logs go to $RAW.
build_server() {
  local attempt jdk
  JAR="$root/server/target/cairn-server.jar"
  for attempt in 1 2 3; do
    [[ ! -f "$JAR" || -n "$(find "$root/pom.xml" "$root/server/pom.xml" "$root/server/src/main" -newer "$JAR" -print -quit)" ]] || return 0
    log "building the server (attempt $attempt)"
    jdk="$(cd "$root" && ./cairn java-home)" || die "no JDK 21+ found for the build"
    if (cd "$root" && JAVA_HOME="$jdk" ./mvnw -B -q -pl server -am -DskipTests package) >"$RAW/build-$attempt.log" 2>&1; then
      touch "$JAR"   # as ./cairn does, so that it does not build again
      return 0
    fi
    (( attempt < 3 )) || die "build failed: $(tail -5 "$RAW/build-$attempt.log")"
    sleep 30
  done
}

# set_gateway_env EXTRA...: sets the array gateway_env, the environment every script starts
# `./cairn serve` with: its own control database, port and admin token, the connection cap, the
# application name its connections are counted by, no .env of the worktree; plus EXTRA (NAME=value).
set_gateway_env() {
  gateway_env=(
    DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/postgres"
    CONTROL_DB="$CONTROL_DB"
    GATEWAY_PORT="$PORT"
    ADMIN_TOKEN="$ADMIN_TOKEN"
    MAX_TOTAL_CONNECTIONS="$MAX_TOTAL"
    APPLICATION_NAME="$APP_NAME"
    LOG_LEVEL="${LOG_LEVEL:-info}"
    CAIRN_ENV_FILE="$RAW/no-such.env"
    "$@"
  )
}

# start_run ARGS...: what every script does with its arguments. `cleanup` drops what a killed or
# KEEP=1 run left and exits; anything else is a usage error. Then the traps: the script's own
# cleanup() on exit, a log line for a failing command, exit codes for Ctrl-C and SIGTERM.
start_run() {
  if [[ "${1:-}" == "cleanup" ]]; then
    drop_databases
    exit 0
  elif [[ $# -gt 0 ]]; then
    echo "usage: $BENCH_SCRIPT [cleanup]   (knobs are environment variables, see bench/README.md)" >&2
    exit 2
  fi
  trap cleanup EXIT
  set -E   # the ERR trap also fires inside functions and command substitutions
  trap 'log "command failed at line $LINENO: $BASH_COMMAND"' ERR
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# end_run RC: the last step of every script's cleanup(): the databases it made are dropped (kept
# with KEEP=1), a failure says where its raw outputs are, and the script exits with RC.
end_run() {
  local rc="$1"
  if [[ "$OWN_DATABASES" == 1 ]]; then
    if [[ "$KEEP" == 1 ]]; then
      log "KEEP=1: databases kept; drop them with: $BENCH_SCRIPT cleanup"
    else
      log "dropping what the run created"
      drop_databases
    fi
  fi
  [[ $rc -ne 0 ]] && log "exit status $rc${RAW:+; raw outputs in $RAW}"
  exit "$rc"
}
