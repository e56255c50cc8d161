#!/usr/bin/env bash
# MEMORY benchmark: does the gateway's memory, thread count and connection count stay bounded with
# TENANTS + EXTRA registered databases (10,000 by default) while /call load spreads over TENANTS
# real tenant databases (1,000) whose pools close after POOL_IDLE_SECS idle and reopen? Samples
# heap after a full GC, committed heap, RSS, threads, the gateway's PostgreSQL connections and its
# open pools every SAMPLE_S seconds, and checks that threads, connections and pools come back to
# where they were once the load stops. Writes bench/results/YYYY-MM-DD-HHMM-memory.md (raw outputs
# in bench/results/YYYY-MM-DD-HHMM-memory/) and prints it. Everything it creates in PostgreSQL is
# dropped at the end, also on failure or Ctrl-C.
#
# usage: bench/memory.sh            run the benchmark (knobs below, as environment variables)
#        bench/memory.sh cleanup    drop what a KEEP=1 or killed run left behind
#
# See bench/README.md ("MEMORY benchmark") for what each number means.
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"

# ---- knobs -------------------------------------------------------------------------------------
TENANTS="${TENANTS:-1000}"              # real tenant databases (POST /database/create), all under load
EXTRA="${EXTRA:-9000}"                  # more databases registered as control-database rows only
EXTRA_PCT="${EXTRA_PCT:-2}"             # % of /call requests that name a record-only database
DURATION="${DURATION:-300}"             # seconds of load
SAMPLE_S="${SAMPLE_S:-10}"              # seconds between two samples (each one runs a full GC)
CONNECTIONS="${CONNECTIONS:-16}"        # wrk connections
WRK_THREADS="${WRK_THREADS:-2}"         # wrk threads
WRK_TIMEOUT="${WRK_TIMEOUT:-30}"        # wrk's per-request timeout, seconds (see "slow 404" in README)
POOL_IDLE_SECS="${POOL_IDLE_SECS:-5}"   # POOL_IDLE_TIMEOUT_SECS: short, so pools close and reopen under load
MAX_TOTAL="${MAX_TOTAL:-40}"            # MAX_TOTAL_CONNECTIONS
HEAP_LIMIT_MB="${HEAP_LIMIT_MB:-512}"   # the target for the heap after a full GC
THREAD_MARGIN="${THREAD_MARGIN:-4}"     # threads after idle may exceed the baseline by this much
CONN_MARGIN="${CONN_MARGIN:-2}"         # connections after idle may exceed the baseline by this much
SEED_ROWS="${SEED_ROWS:-1000}"          # rows of each tenant's users table (get_user's ids)
CREATE_PARALLEL="${CREATE_PARALLEL:-4}" # concurrent POST /database/create
PORT="${PORT:-9520}"
KEEP="${KEEP:-0}"                       # 1: keep the databases (drop them later with `memory.sh cleanup`)
APP_NAME="${APP_NAME:-cairn-memorybench}" # APPLICATION_NAME, used to count the gateway's connections
LOG_LEVEL="${LOG_LEVEL:-warn}"
JAVA_OPTS_BENCH="${JAVA_OPTS_BENCH:-}"  # passed to the gateway's JVM as CAIRN_JAVA_OPTS (e.g. -Xmx512m)
# The JDK for the build (needs 21+): JAVA_HOME_BENCH, else Temurin 25. ./cairn starts the gateway
# on the newest JDK it finds; jcmd is taken from the JDK the gateway really runs on.
JAVA_HOME="${JAVA_HOME_BENCH:-/usr/lib/jvm/temurin-25-jdk-amd64}"
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER JAVA_HOME
export PGAPPNAME=cairn-memorybench-harness   # our own psql sessions stay out of the connection counts

CONTROL_DB=cairn_memorybench
PLATFORM=memorybench
SCHEMA_NAME=tenant
ADMIN_TOKEN="memorybench-$RANDOM$RANDOM$RANDOM"
BASE="http://127.0.0.1:$PORT"
START_TIMEOUT=180                       # seconds to wait for the first 200 from /health
FAST_S=0.5                              # interval of the thread/RSS and connection samplers

# ---- small helpers -----------------------------------------------------------------------------
BENCH_TAG=memory
BENCH_SCRIPT=bench/memory.sh
source "$bench/lib.sh"   # log, die, now_us, psql_q, stats, calc, stop_gateway, drop_databases, ...
now_ms() { local t="${EPOCHREALTIME/./}"; echo "${t:0:${#t}-3}"; }
kb_mb() { calc "$1 / 1024"; }           # kB -> MB with 2 decimals
# sleep_until EPOCH_US: sleeps until that instant (at once if it has passed).
sleep_until() {
  local d=$(( $1 - $(now_us) ))
  (( d > 0 )) && sleep "$(( d / 1000000 )).$(printf '%06d' $(( d % 1000000 )))"
  return 0
}

# ---- cleanup -----------------------------------------------------------------------------------
GW_PID=""         # the gateway's JVM (what stop_gateway stops)
JPID=""           # the same, once known
LAUNCHER_PID=""   # ./cairn, if it did not exec java
SAMPLER_PID=""    # psql \watch on pg_stat_activity
FAST_PID=""       # /proc sampler (threads, RSS)
BG_PID=""         # a long step run in the background (so that signals are handled at once)
GW_STOP_SECS=60   # a gateway with a thousand pools takes longer to close
OWN_DATABASES=0   # set once we know the databases we will drop are ours (they did not exist before)

cleanup() {
  local rc=$? p
  set +e
  for p in "$BG_PID" "$FAST_PID" "$SAMPLER_PID"; do
    [[ -n "$p" ]] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
  done
  stop_gateway
  [[ -n "$LAUNCHER_PID" ]] && wait "$LAUNCHER_PID" 2>/dev/null
  # drop_databases also drops the EXTRA record-only rows with the control database; lib.sh skips
  # names that have no database, so they cost no DROP DATABASE each.
  end_run "$rc"
}

start_run "$@"

# ---- preflight ---------------------------------------------------------------------------------
for tool in wrk psql curl jq tar awk xargs comm ps; do
  command -v "$tool" >/dev/null || die "$tool is not installed (wrk: apt-get install -y wrk)"
done
[[ -x "$JAVA_HOME/bin/java" ]] || die "no JDK at $JAVA_HOME (set JAVA_HOME_BENCH)"
for knob in TENANTS EXTRA DURATION SAMPLE_S CONNECTIONS WRK_THREADS POOL_IDLE_SECS MAX_TOTAL SEED_ROWS; do
  [[ "${!knob}" =~ ^[0-9]+$ ]] || die "$knob must be a whole number (got '${!knob}')"
done
(( TENANTS >= 1 && SAMPLE_S >= 1 && POOL_IDLE_SECS >= 1 && SEED_ROWS >= 1 )) ||
  die "TENANTS, SAMPLE_S, POOL_IDLE_SECS and SEED_ROWS must be at least 1"
[[ "$EXTRA_PCT" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "EXTRA_PCT must be a number (got '$EXTRA_PCT')"
psql_q "SELECT 1" >/dev/null || die "cannot connect to PostgreSQL at $PGUSER@$PGHOST:$PGPORT"
port_taken "$PORT" && die "port $PORT is in use (set PORT)"
refuse_leftovers
OWN_DATABASES=1

new_report -memory
mkdir -p "$RAW/threads"
build_server

# ---- the bundle --------------------------------------------------------------------------------
# bench/bundle's shape (users table + get_user) with SEED_ROWS rows instead of 10,000: a thousand
# copies of it must stay small, and the work per call is not what this benchmark is about.
mkdir -p "$RAW/bundle/postgresql/tables" "$RAW/bundle/postgresql/functions" "$RAW/bundle/postgresql/seeders"
cp "$bench/bundle/postgresql/tables/users.sql" "$RAW/bundle/postgresql/tables/"
cp "$bench/bundle/postgresql/functions/get_user.sql" "$RAW/bundle/postgresql/functions/"
cat >"$RAW/bundle/postgresql/seeders/users.sql" <<EOF
-- $SEED_ROWS deterministic rows in one statement (bench/memory.sh).
INSERT INTO users (id, name, created_at, active, balance)
SELECT g, 'user ' || g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute', g % 3 <> 0,
       (g * 1.25)::numeric(12, 2)
FROM generate_series(1, $SEED_ROWS) AS g;
EOF
tar -czf "$RAW/bundle.tar.gz" -C "$RAW/bundle" postgresql

# ---- environment -------------------------------------------------------------------------------
pg_version="$(psql_q "SHOW server_version")"
pg_max_conn="$(psql_q "SHOW max_connections")"
cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
mem_total="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
git_rev="$(cd "$root" && git rev-parse --short HEAD)$(cd "$root" && git diff --quiet HEAD -- server || echo ' (server has uncommitted changes)')"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- connection sampler ------------------------------------------------------------------------
# One psql session samples the gateway's sessions every FAST_S seconds for the whole run, so a
# short burst over MAX_TOTAL cannot fall between two of the SAMPLE_S samples:
# "epoch_ms total control tenant other" (other: the maintenance database `postgres`, templates).
printf '%s\n' "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint, count(*),
         count(*) FILTER (WHERE datname = '$CONTROL_DB'),
         count(*) FILTER (WHERE datname LIKE '${PLATFORM}\_%'),
         count(*) FILTER (WHERE datname <> '$CONTROL_DB' AND datname NOT LIKE '${PLATFORM}\_%')
  FROM pg_stat_activity WHERE application_name = '$APP_NAME'" "\\watch $FAST_S" >"$RAW/sampler.sql"
psql -X -At -F ' ' -d postgres -f "$RAW/sampler.sql" >"$RAW/connections.txt" 2>"$RAW/connections.err" &
SAMPLER_PID=$!

# window START_MS END_MS FILE COLUMN: prints "samples max" of COLUMN between the two instants.
window() {
  awk -v s="$1" -v e="$2" -v c="$4" '$1 >= s && $1 <= e && NF >= c { n++; if ($c > max) max = $c }
    END { printf "%d %d\n", n, max }' "$3"
}

# ---- the gateway -------------------------------------------------------------------------------
set_gateway_env POOL_IDLE_TIMEOUT_SECS="$POOL_IDLE_SECS" CAIRN_JAVA_OPTS="$JAVA_OPTS_BENCH"

# The JVM: $! is the launcher, which execs java, so normally GW_PID itself; if something in
# between did not exec, its java child.
find_jvm() {
  local p
  for p in "$GW_PID" $(ps -o pid= --ppid "$GW_PID" 2>/dev/null); do
    [[ "$(readlink "/proc/$p/exe" 2>/dev/null)" == */bin/java ]] && { echo "$p"; return 0; }
  done
  return 1
}

# Starts `./cairn serve` and waits for the first 200 from /health; sets GW_PID, JPID, START_MS.
# Retried: a concurrent build may remove the jar under the launcher's feet.
start_gateway() {
  local logfile="$RAW/gateway.log" t0 attempt
  for attempt in 1 2 3; do
    t0="$(now_us)"
    (cd "$root" && exec env "${gateway_env[@]}" ./cairn serve) >>"$logfile" 2>&1 &
    GW_PID=$!
    if await_200 "$GW_PID" /health "$BASE/health"; then
      START_MS=$(( ($(now_us) - t0) / 1000 ))
      JPID="$(find_jvm)" || die "no java process under $GW_PID"
      # Stopping means stopping the JVM; a launcher that did not exec is reaped afterwards.
      if [[ "$JPID" != "$GW_PID" ]]; then LAUNCHER_PID="$GW_PID"; GW_PID="$JPID"; fi
      return 0
    fi
    wait "$GW_PID" 2>/dev/null || true
    GW_PID=""
    log "the gateway exited during start-up (attempt $attempt): $(tail -3 "$logfile")"
    sleep 20
  done
  die "the gateway did not start; see $logfile"
}

log "starting the gateway on port $PORT"
start_gateway
gw_java_home="$(dirname "$(dirname "$(readlink "/proc/$JPID/exe")")")"
JCMD="$gw_java_home/bin/jcmd"
[[ -x "$JCMD" ]] || die "no jcmd next to the gateway's java ($gw_java_home)"
jdk_version="$("$gw_java_home/bin/java" -version 2>&1 | head -1)"
# The first jcmd starts the JVM's "Attach Listener" thread for good: attach once now, so that the
# baseline already counts it and the thread comparison is like for like.
"$JCMD" "$JPID" VM.version >/dev/null 2>&1 || log "warning: jcmd cannot attach to $JPID"
log "gateway up in $START_MS ms (JVM pid $JPID, $gw_java_home)"

# ---- HTTP helpers ------------------------------------------------------------------------------
AUTH="$ADMIN_TOKEN"
# api NAME METHOD PATH [curl args...]: the answer goes to $RAW/NAME.json; prints "code seconds".
api() {
  local name="$1" method="$2" path="$3"; shift 3
  curl -s -o "$RAW/$name.json" -w '%{http_code} %{time_total}\n' -X "$method" \
    -H "Authorization: Bearer $AUTH" "$@" "$BASE$path" || echo "000 0"
}
expect_code() { # NAME CODE ACTUAL...
  local name="$1" want="$2" got="$3"
  [[ " $want " == *" $got "* ]] || die "$name answered $got (expected $want): $(head -c 600 "$RAW/$name.json" 2>/dev/null)"
}

# ---- 1. platform, bundle, real tenants ---------------------------------------------------------
log "registering platform $PLATFORM and uploading the bundle (schema $SCHEMA_NAME)"
read -r code _ < <(api platform-register POST /platform/register -H 'Content-Type: application/json' \
  -d "{\"platform\":\"$PLATFORM\"}")
expect_code platform-register "200 409" "$code"
read -r code _ < <(api schema POST "/platform/$PLATFORM/schema" \
  -F schema_name="$SCHEMA_NAME" -F schema=@"$RAW/bundle.tar.gz")
expect_code schema 200 "$code"

tenant_width=$(( ${#TENANTS} > 4 ? ${#TENANTS} : 4 ))
extra_width=$(( ${#EXTRA} > 5 ? ${#EXTRA} : 5 ))
tenant_id() { printf "t%0${tenant_width}d" "$1"; }

log "creating $TENANTS tenant databases ($CREATE_PARALLEL in parallel after the first)"
mkdir -p "$RAW/create"
t_create0="$(now_ms)"
read -r code _ < <(api create-first POST /database/create -H 'Content-Type: application/json' \
  -d "{\"platform\":\"$PLATFORM\",\"schema_name\":\"$SCHEMA_NAME\",\"database_id\":\"$(tenant_id 1)\"}")
expect_code create-first 200 "$code"
# One curl per tenant, CREATE_PARALLEL at a time; each prints "id code seconds". Bodies of
# failed creations are kept in $RAW/create/.
create_one() {
  local id="$1" code secs
  read -r code secs < <(curl -s -o "$RAW/create/$id.json" -w '%{http_code} %{time_total}\n' \
    -H "Authorization: Bearer $AUTH" -H 'Content-Type: application/json' \
    -d "{\"platform\":\"$PLATFORM\",\"schema_name\":\"$SCHEMA_NAME\",\"database_id\":\"$id\"}" \
    "$BASE/database/create" || echo "000 0")
  [[ "$code" == 200 ]] && rm -f "$RAW/create/$id.json"
  echo "$id $code $secs"
}
export -f create_one
export RAW AUTH PLATFORM SCHEMA_NAME BASE
: >"$RAW/create.txt"
if (( TENANTS > 1 )); then
  # shellcheck disable=SC2016  # $1 is create_one's argument, expanded by the inner bash
  for i in $(seq 2 "$TENANTS"); do tenant_id "$i"; echo; done |
    xargs -P "$CREATE_PARALLEL" -I{} bash -c 'create_one "$1"' _ {} >"$RAW/create.txt" &
  BG_PID=$!
  wait "$BG_PID"
  BG_PID=""
fi
create_s="$(calc "($(now_ms) - $t_create0) / 1000")"
create_failed="$(awk '$2 != 200' "$RAW/create.txt" | wc -l)"
(( create_failed == 0 )) ||
  die "$create_failed tenant creations failed, e.g. $(awk '$2 != 200 { print $1, $2; exit }' "$RAW/create.txt"): $(cat "$RAW"/create/*.json 2>/dev/null | head -c 600)"
log "created $TENANTS tenants in $create_s s"

# ---- 2. record-only databases ------------------------------------------------------------------
# The machine has no disk for EXTRA more real databases (~7.5 MB each), so they exist only as rows
# of the control database's `databases` table, copied from the first real tenant's row (same
# platform, schema, version_id and checksum; name {platform}_{schema}_x00001…, tenant x00001…,
# no fingerprint). The gateway resolves them like any registered database; PostgreSQL has none.
first_db="${PLATFORM}_${SCHEMA_NAME}_$(tenant_id 1)"
if (( EXTRA > 0 )); then
  log "registering $EXTRA record-only databases in $CONTROL_DB"
  psql_q "INSERT INTO databases (name, platform, tenant, schema_name, version_id, checksum)
          SELECT format('%s_%s_x%s', d.platform, d.schema_name, lpad(g::text, $extra_width, '0')),
                 d.platform, 'x' || lpad(g::text, $extra_width, '0'), d.schema_name, d.version_id, d.checksum
          FROM databases d CROSS JOIN generate_series(1, $EXTRA) AS g
          WHERE d.name = '$first_db'" "$CONTROL_DB" >/dev/null
fi
registered="$(psql_q "SELECT count(*) FROM databases WHERE platform = '$PLATFORM'" "$CONTROL_DB")"
(( registered == TENANTS + EXTRA )) || die "$registered databases registered for $PLATFORM, expected $(( TENANTS + EXTRA ))"

# One call of each kind before the load, timed: the real one must return its row; the
# record-only one shows how a database the server lacks is answered (status and time).
call_body() { printf '{"platform":"%s","schema_name":"%s","uuid":"%s","function":"get_user","params":[42]}' "$PLATFORM" "$SCHEMA_NAME" "$1"; }
read -r code probe_real_s < <(api probe-real POST /call -H 'Content-Type: application/json' -d "$(call_body "$(tenant_id 1)")")
expect_code probe-real 200 "$code"
grep -q '"row_count":1' "$RAW/probe-real.json" || die "/call on $first_db returned no row: $(head -c 300 "$RAW/probe-real.json")"
probe_extra_code="-"; probe_extra_ms="-"
if (( EXTRA > 0 )); then
  read -r probe_extra_code probe_extra_s < <(api probe-extra POST /call -H 'Content-Type: application/json' \
    -d "$(call_body "x$(printf "%0${extra_width}d" "$EXTRA")")")
  probe_extra_ms="$(calc "$probe_extra_s * 1000")"
  log "a record-only database answers $probe_extra_code in $probe_extra_ms ms"
fi

# ---- samples -----------------------------------------------------------------------------------
# sample PHASE: one row of $RAW/samples.txt:
#   n phase t_s heap_used_kB heap_committed_kB rss_kB threads pg_conns pg_tenant_conns pools_open
#   conns_open calls jcmd_ms
# t_s counts from the start of the load. Order: /metrics, pg_stat_activity and /proc first (cheap,
# unaffected by the GC), then jcmd runs a full GC (GC.run) and reads the heap (GC.heap_info), so
# "used" is what survives a full collection: the live set, not garbage waiting for the next GC.
printf 'GC.run\nGC.heap_info\n' >"$RAW/gc.jcmd"
SAMPLE_N=0
T_LOAD0_US=""
sample() {
  local phase="$1" t rss="" thr="" k v _ pg pools conns calls j0 jcmd_ms heap
  SAMPLE_N=$(( SAMPLE_N + 1 ))
  if [[ -n "$T_LOAD0_US" ]]; then t="$(calc "($(now_us) - $T_LOAD0_US) / 1000000")"; else t="-"; fi
  curl -s --max-time 10 -o "$RAW/metrics-last.txt" "$BASE/metrics" || : >"$RAW/metrics-last.txt"
  read -r pools conns calls < <(awk '
      /^cairn_pools_open / { p = $2 } /^cairn_connections_open / { c = $2 }
      /^cairn_http_requests_total\{.*route="\/call"/ { n += $NF }
      END { printf "%s %s %d\n", (p == "" ? "-" : p), (c == "" ? "-" : c), n }' "$RAW/metrics-last.txt")
  pg="$(psql_q "SELECT count(*) || ' ' || count(*) FILTER (WHERE datname LIKE '${PLATFORM}\_%')
                FROM pg_stat_activity WHERE application_name = '$APP_NAME'" || echo "- -")"
  while read -r k v _; do
    case "$k" in Threads:) thr="$v" ;; VmRSS:) rss="$v" ;; esac
  done <"/proc/$JPID/status"
  # Thread names (15 characters at most in /proc) without their trailing numbers: which kinds grow.
  { cat /proc/"$JPID"/task/*/comm 2>/dev/null || true; } | sed 's/[0-9]*$//' | sort | uniq -c |
    awk '{ n = $1; $1 = ""; sub(/^ /, ""); print n "\t" $0 }' >"$RAW/threads/$SAMPLE_N.txt"
  j0="$(now_us)"
  "$JCMD" "$JPID" -f "$RAW/gc.jcmd" >"$RAW/heap-last.txt" 2>&1 || true
  jcmd_ms=$(( ($(now_us) - j0) / 1000 ))
  # G1 (and Shenandoah) print "... committed NK, used NK"; Serial and Parallel one line per
  # generation ("total NK, used NK", summed); ZGC "used NM, capacity NM".
  heap="$(awk '
      / heap / && match($0, /committed [0-9]+K, used [0-9]+K/) { split(substr($0, RSTART, RLENGTH), a, /[ K,]+/); c = a[2]; u = a[4]; g1 = 1 }
      !g1 && !/Metaspace|class space/ && match($0, /total [0-9]+K, used [0-9]+K/) { split(substr($0, RSTART, RLENGTH), a, /[ K,]+/); c += a[2]; u += a[4] }
      /ZHeap/ && match($0, /used [0-9]+M, capacity [0-9]+M/) { split(substr($0, RSTART, RLENGTH), a, /[ M,]+/); u = a[2] * 1024; c = a[4] * 1024 }
      END { if (u == "") print "- -"; else print u, c }' "$RAW/heap-last.txt")"
  cat "$RAW/heap-last.txt" >>"$RAW/heap.txt"
  echo "$SAMPLE_N $phase $t $heap ${rss:--} ${thr:--} ${pg:-- -} $pools $conns $calls $jcmd_ms" | tee -a "$RAW/samples.txt" >&2
}

# histogram NAME: the live objects by class (GC.class_histogram runs a full GC first), for the
# "what grew" table: $RAW/histogram-NAME.txt.
histogram() {
  "$JCMD" "$JPID" GC.class_histogram >"$RAW/histogram-$1.txt" 2>&1 || true
}

# /proc sampler: threads and RSS every FAST_S seconds ("epoch_ms threads rss_kB"), so the maximum
# is not only what the SAMPLE_S samples happened to see. Shell builtins only, apart from sleep.
fast_sampler() {
  local k v _ thr rss t
  while [[ -r "/proc/$JPID/status" ]]; do
    thr=""; rss=""
    while read -r k v _; do
      case "$k" in Threads:) thr="$v" ;; VmRSS:) rss="$v" ;; esac
    done <"/proc/$JPID/status" 2>/dev/null || break
    t="${EPOCHREALTIME/./}"
    echo "${t:0:${#t}-3} $thr $rss"
    sleep "$FAST_S"
  done
}

# ---- 3. baseline, load, idle -------------------------------------------------------------------
# The pools the creations and probes opened close after POOL_IDLE_SECS; the baseline is taken once
# they are closed, so that it and the after-load sample are the same state: an idle gateway.
idle_wait=$(( POOL_IDLE_SECS * 3 ))
log "waiting ${idle_wait}s for the pools to close, then the baseline sample"
sleep "$idle_wait"
log "samples: n phase t_s heap_used_kB heap_committed_kB rss_kB threads pg_conns tenant_conns pools_open conns_open calls jcmd_ms"
sample base
histogram base
t_base_ms="$(now_ms)"

fast_sampler >"$RAW/fast.txt" 2>/dev/null &
FAST_PID=$!

export MEM_PLATFORM="$PLATFORM" MEM_SCHEMA="$SCHEMA_NAME" MEM_TENANTS="$TENANTS" MEM_TENANT_WIDTH="$tenant_width" \
  MEM_EXTRA="$EXTRA" MEM_EXTRA_WIDTH="$extra_width" MEM_EXTRA_PCT="$EXTRA_PCT" MEM_MAX_ID="$SEED_ROWS"
wrk_cmd=(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout "${WRK_TIMEOUT}s" --latency
         -s "$bench/scripts/call-many.lua" "$BASE/call")
log "load: ${wrk_cmd[*]} (${EXTRA_PCT}% to record-only databases), sampling every ${SAMPLE_S}s"
T_LOAD0_US="$(now_us)"
t_load0_ms="$(now_ms)"
"${wrk_cmd[@]}" >"$RAW/wrk.txt" 2>"$RAW/wrk.err" &
BG_PID=$!
k=1
while kill -0 "$BG_PID" 2>/dev/null; do
  # Until the next tick, or wrk's end (then the "end" sample comes at once, pools still open).
  tick=$(( T_LOAD0_US + k * SAMPLE_S * 1000000 ))
  while (( $(now_us) < tick )) && kill -0 "$BG_PID" 2>/dev/null; do sleep 0.2; done
  kill -0 "$BG_PID" 2>/dev/null || break
  sample load
  # The next tick after now: a sample slower than SAMPLE_S (jcmd on a saturated machine) skips
  # ticks instead of making the next samples run back to back.
  k=$(( ($(now_us) - T_LOAD0_US) / (SAMPLE_S * 1000000) + 1 ))
done
wrk_rc=0
wait "$BG_PID" || wrk_rc=$?
BG_PID=""
t_load1_ms="$(now_ms)"
(( wrk_rc == 0 )) || die "wrk failed (rc $wrk_rc): $(tail -5 "$RAW/wrk.err")"
sample end   # right after the load: the pools it used are still open
histogram end

# Idle: POOL_IDLE_SECS * 3 without requests (sampled every SAMPLE_S on the way), then the sample
# that is compared with the baseline.
log "idle for ${idle_wait}s: the pools should close"
T_IDLE0_US="$(now_us)"
k=1
while (( k * SAMPLE_S < idle_wait )); do
  sleep_until $(( T_IDLE0_US + k * SAMPLE_S * 1000000 ))
  sample after
  k=$(( k + 1 ))
done
sleep_until $(( T_IDLE0_US + idle_wait * 1000000 ))
sample idle
histogram idle

kill "$FAST_PID" 2>/dev/null || true; wait "$FAST_PID" 2>/dev/null || true; FAST_PID=""
kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""
health_after="$(curl -s "$BASE/health")"
log "stopping the gateway"
stop_gateway

# ---- collect the numbers -----------------------------------------------------------------------
S="$RAW/samples.txt"
col() { awk -v p="$1" -v c="$2" '$2 == p { v = $c } END { print (v == "" ? "-" : v) }' "$S"; }   # last PHASE row's COLUMN
# Columns of samples.txt: 4 heap used, 5 committed, 6 rss, 7 threads, 8 pg conns, 9 tenant conns, 10 pools.
base_heap="$(col base 4)"; idle_heap="$(col idle 4)"
base_thr="$(col base 7)"; idle_thr="$(col idle 7)"
base_conn="$(col base 8)"; idle_conn="$(col idle 8)"
base_pools="$(col base 10)"; idle_pools="$(col idle 10)"
base_permits="$(col base 11)"; idle_permits="$(col idle 11)"
base_rss="$(col base 6)"; idle_rss="$(col idle 6)"
read -r max_heap max_heap_n max_committed max_pools max_rss_s max_permits < <(awk '
  $4 != "-" && $4 + 0 > h { h = $4 + 0; hn = $1 } $5 + 0 > c { c = $5 + 0 } $10 + 0 > p { p = $10 + 0 } $6 + 0 > r { r = $6 + 0 }
  $11 + 0 > b { b = $11 + 0 }
  END { print h + 0, (hn == "" ? "-" : hn), c + 0, p + 0, r + 0, b + 0 }' "$S")
# Heap after GC over the load: first and last load-phase sample, and a least-squares slope (MB/min).
read -r load_n first_load_heap last_load_heap heap_slope < <(awk '
  ($2 == "load" || $2 == "end") && $4 != "-" { n++; x = $3; y = $4 / 1024; if (n == 1) f = $4; l = $4
    sx += x; sy += y; sxx += x * x; sxy += x * y }
  END { d = n * sxx - sx * sx; printf "%d %s %s %.2f\n", n, (n ? f : "-"), (n ? l : "-"), (n > 1 && d != 0) ? (n * sxy - sx * sy) / d * 60 : 0 }' "$S")
# Threads and RSS: the fast sampler's maximum during the load (and the SAMPLE_S ones', whichever is higher).
read -r fast_n max_thr_fast max_rss_fast < <(awk -v s="$t_load0_ms" -v e="$t_load1_ms" '$1 >= s && $1 <= e && NF >= 3 {
    n++; if ($2 > t) t = $2; if ($3 > r) r = $3 } END { print n + 0, t + 0, r + 0 }' "$RAW/fast.txt")
max_thr="$(awk -v f="$max_thr_fast" '$7 + 0 > m { m = $7 + 0 } END { print (f > m ? f : m) }' "$S")"
max_rss="$(( max_rss_fast > max_rss_s ? max_rss_fast : max_rss_s ))"
# Connections: the FAST_S sampler, during the load and over the whole run (creation included).
read -r _ max_conn_load < <(window "$t_load0_ms" "$t_load1_ms" "$RAW/connections.txt" 2)
read -r _ max_tenant_conn_load < <(window "$t_load0_ms" "$t_load1_ms" "$RAW/connections.txt" 4)
read -r conn_n_all max_conn_all < <(window 0 99999999999999 "$RAW/connections.txt" 2)
read -r _ max_conn_create < <(window "$t_create0" "$t_base_ms" "$RAW/connections.txt" 2)

# wrk
wrk_rps="$(awk '/^Requests\/sec:/ { print $2 }' "$RAW/wrk.txt")"
wrk_requests="$(awk '/^requests / { print $2 }' "$RAW/wrk.txt")"
wrk_statuses="$(sed -n 's/^statuses: //p' "$RAW/wrk.txt")"
read -r _ _ sent_real _ sent_extra < <(grep '^sent ' "$RAW/wrk.txt" || echo "sent real ? extra ?")
wrk_errors="$(sed -n 's/^errors //p' "$RAW/wrk.txt")"
lat() { awk -v p="$1" '$1 == "latency_us" && $2 == p { printf "%.2f", $3 / 1000 }' "$RAW/wrk.txt"; }
extra_share="$(calc "${sent_extra:-0} * 100 / (${sent_real:-0} + ${sent_extra:-0} + (${sent_real:-0} + ${sent_extra:-0} == 0))")"

# Gateway log: warnings, and how often a record-only database was found missing on the server
# (each such WARN is one pool opened for it and closed again).
gw_warnings="$(grep -cE ' (WARN|ERROR) ' "$RAW/gateway.log" || true)"
gone_warnings="$(grep -c 'does not exist on the server' "$RAW/gateway.log" || true)"
gone_distinct="$(grep -o 'database [^ ]* does not exist on the server' "$RAW/gateway.log" | sort -u | wc -l || true)"
gw_warning_lines="$(grep -hE ' (WARN|ERROR) ' "$RAW/gateway.log" | cut -d' ' -f2- |
  sed -E 's/request_id=[^ ]*//; s/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -5 || true)"

# ---- verdicts ----------------------------------------------------------------------------------
le() { awk "BEGIN { exit !($1 <= $2) }"; }   # le A B: A <= B (numbers)
num() { [[ "$1" =~ ^[0-9]+(\.[0-9]+)?$ ]]; }
heap_ok=no; num "$max_heap" && (( max_heap > 0 )) && le "$max_heap" $(( HEAP_LIMIT_MB * 1024 )) && heap_ok=yes
thr_ok=no; num "$idle_thr" && num "$base_thr" && le "$idle_thr" $(( base_thr + THREAD_MARGIN )) && thr_ok=yes
conn_ok=no; num "$idle_conn" && num "$base_conn" && le "$idle_conn" $(( base_conn + CONN_MARGIN )) && conn_ok=yes
cap_ok=no; (( conn_n_all > 0 )) && le "$max_conn_all" "$MAX_TOTAL" && cap_ok=yes
permits_ok=no; num "$idle_permits" && num "$base_permits" && le "$idle_permits" $(( base_permits + CONN_MARGIN )) && permits_ok=yes
pools_ok=no; num "$idle_pools" && num "$base_pools" && le "$idle_pools" "$base_pools" && pools_ok=yes
verdict() { [[ "$1" == yes ]] && echo met || echo "**missed**"; }
if [[ "$thr_ok$conn_ok$permits_ok$cap_ok$pools_ok" == yesyesyesyesyes ]]; then leak_verdict="**no leak**"; else leak_verdict="**leak or unbounded growth**"; fi
mb() { if num "$1"; then kb_mb "$1"; else echo "-"; fi; }

# What grew: live objects by class (GC.class_histogram) at the baseline, right after the load and
# after idle; the classes whose bytes grew most from baseline to idle, plus the totals.
histo_rows() {
  local h="$RAW/histogram"
  awk -v a="$h-base.txt" -v b="$h-end.txt" -v c="$h-idle.txt" '
    { f = FILENAME == a ? 1 : FILENAME == b ? 2 : 3 }
    $1 ~ /^[0-9]+:$/ { n[f, $4] += $2; s[f, $4] += $3; k[$4] = 1 }
    $1 == "Total" { n[f, "(total)"] = $2; s[f, "(total)"] = $3; k["(total)"] = 1 }
    END { for (x in k) printf "%d\t%d\t%s\t%d\t%d\t%d\t%d\t%d\t%d\n", x == "(total)", s[3, x] - s[1, x], x,
            n[1, x], s[1, x], n[2, x], s[2, x], n[3, x], s[3, x] }' "$h-base.txt" "$h-end.txt" "$h-idle.txt" 2>/dev/null |
    sort -t$'\t' -k1,1nr -k2,2nr | head -16 |
    awk -F'\t' '{ printf "| `%s` | %d / %.1f | %d / %.1f | %d / %.1f | %+.1f |\n", $3, $4, $5 / 1024, $6, $7 / 1024, $8, $9 / 1024, $2 / 1024 }' || true
}

# ---- the report --------------------------------------------------------------------------------
fence=$'\x60\x60\x60'   # a Markdown code fence
warn_block=""
if [[ -n "$gw_warning_lines" ]]; then
  warn_block="$(printf '\nDistinct WARN/ERROR messages (numbers as N; count, message):\n\n%s\n%s\n%s\n' "$fence" "$gw_warning_lines" "$fence")"
fi
{
cat <<EOF
# Cairn MEMORY benchmark — $(date '+%Y-%m-%d %H:%M %Z')

| | |
|---|---|
| Commit | \`$git_rev\` |
| Machine | $(nproc) CPUs ($cpu_model), $mem_total RAM, $(uname -sr) |
| JDK (gateway) | $jdk_version ($gw_java_home) |
| PostgreSQL | $pg_version (max_connections $pg_max_conn), $PGHOST:$PGPORT |
| Gateway settings | MAX_TOTAL_CONNECTIONS=$MAX_TOTAL, POOL_IDLE_TIMEOUT_SECS=$POOL_IDLE_SECS, APPLICATION_NAME=$APP_NAME, LOG_LEVEL=$LOG_LEVEL, CAIRN_JAVA_OPTS=${JAVA_OPTS_BENCH:-(none)}; max heap $(awk '/^cairn_jvm_heap_max_bytes / { printf "%.0f MB", $2 / 1048576 }' "$RAW/metrics-last.txt") |
| Knobs | TENANTS=$TENANTS EXTRA=$EXTRA EXTRA_PCT=$EXTRA_PCT DURATION=$DURATION SAMPLE_S=$SAMPLE_S CONNECTIONS=$CONNECTIONS WRK_THREADS=$WRK_THREADS SEED_ROWS=$SEED_ROWS |
| Load before the run | $load_before (1/5/15 min) |

**$registered registered databases**: $TENANTS real tenant databases (\`POST /database/create\`, $create_s s)
and $EXTRA **records only**: rows in \`$CONTROL_DB.databases\` copied from \`$first_db\`'s, with no
PostgreSQL database behind them (no disk for that many). ${EXTRA_PCT}% of the requests name one of
them; the rest spread over the $TENANTS real ones, whose pools close after ${POOL_IDLE_SECS}s unused.

## Summary

| Measure | Baseline (before load) | Max | After ${idle_wait}s idle | Target | |
|---|---|---|---|---|---|
| Heap after full GC (MB) | $(mb "$base_heap") | **$(mb "$max_heap")** (sample $max_heap_n) | $(mb "$idle_heap") | ≤ $HEAP_LIMIT_MB MB | $(verdict $heap_ok) |
| JVM threads | $base_thr | $max_thr | $idle_thr | after ≤ baseline + $THREAD_MARGIN | $(verdict $thr_ok) |
| Gateway's PostgreSQL connections | $base_conn | $max_conn_all ($max_conn_load during the load) | $idle_conn | after ≤ baseline + $CONN_MARGIN; max ≤ $MAX_TOTAL | $(verdict $conn_ok) / $(verdict $cap_ok) |
| Connections by the gateway's count (\`cairn_connections_open\`) | $base_permits | $max_permits | $idle_permits | after ≤ baseline + $CONN_MARGIN | $(verdict $permits_ok) |
| Open pools (\`cairn_pools_open\`) | $base_pools | $max_pools | $idle_pools | after ≤ baseline | $(verdict $pools_ok) |
| RSS (MB) | $(mb "$base_rss") | $(mb "$max_rss") | $(mb "$idle_rss") | | |
| Heap committed (MB) | $(mb "$(col base 5)") | $(mb "$max_committed") | $(mb "$(col idle 5)") | | |

- Leaks: $leak_verdict (threads, connections as PostgreSQL and the gateway count them, and pools
  back to the baseline after idle; connections never over MAX_TOTAL_CONNECTIONS).
- Heap after GC during the load ($load_n samples): first $(mb "$first_load_heap") MB, last $(mb "$last_load_heap") MB,
  trend $heap_slope MB/min (least squares over the load samples; the first ones include warm-up).
- Load: **$wrk_rps req/s** ($wrk_requests requests in ${DURATION}s, $CONNECTIONS connections); statuses
  $wrk_statuses; sent to real tenants ${sent_real:-?}, to record-only databases ${sent_extra:-?} ($extra_share %);
  socket errors: $wrk_errors. Latency p50 $(lat p50) ms, p99 $(lat p99) ms, max $(lat max) ms.
- Pools opened for record-only databases (one \`does not exist on the server\` warning each): $gone_warnings,
  for $gone_distinct distinct databases. The gateway has no counter of pools opened and closed;
  the open-pool gauge over time is in the table below.
- Before the load, one \`/call\` to a real tenant took $(calc "$probe_real_s * 1000") ms (first call: catalog load);
  one to a record-only database answered **$probe_extra_code in $probe_extra_ms ms**.

## Samples

Every ${SAMPLE_S}s from the start of the load (t = 0), then right after it ("end"), during the idle
wait ("after") and at its end ("idle"). Heap: \`jcmd PID GC.run\` (a full GC) then \`GC.heap_info\`,
so "heap after GC" is the live set. RSS and threads: \`/proc/PID/status\`. Connections:
\`pg_stat_activity\` rows with application_name '$APP_NAME' (all, and those in tenant databases).
Pools and /call requests: \`GET /metrics\` (\`cairn_pools_open\`, \`cairn_connections_open\`, the sum
of \`cairn_http_requests_total{route="/call"}\`). jcmd: how long the GC and heap read took.

| # | Phase | t (s) | Heap after GC (MB) | Committed (MB) | RSS (MB) | Threads | PG conns | in tenant dbs | Pools open | Conns (gateway's view) | /call requests | jcmd ms |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
$(awk '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3,
      ($4 == "-" ? "-" : sprintf("%.1f", $4 / 1024)), ($5 == "-" ? "-" : sprintf("%.1f", $5 / 1024)),
      ($6 == "-" ? "-" : sprintf("%.1f", $6 / 1024)), $7, $8, $9, $10, $11, $12, $13 }' "$S")

Between the samples, \`/proc\` was read every ${FAST_S}s during the load ($fast_n readings: max $max_thr_fast
threads, $(mb "$max_rss_fast") MB RSS) and \`pg_stat_activity\` every ${FAST_S}s over the whole run ($conn_n_all
readings: max $max_conn_all connections; $max_conn_load during the load, $max_tenant_conn_load of them in tenant
databases; $max_conn_create while the tenants were created).

## Threads by name

OS thread names (\`/proc/PID/task/*/comm\`, 15 characters, trailing numbers removed) at the
baseline, at the sample with the most threads, and after idle; only the names whose count changed.

$(best="$(awk '$7 + 0 > m { m = $7 + 0; n = $1 } END { print n }' "$S")"
  base_n="$(awk '$2 == "base" { print $1 }' "$S" | tail -1)"; idle_n="$(awk '$2 == "idle" { print $1 }' "$S" | tail -1)"
  echo "| Thread name | Baseline (#$base_n) | Most threads (#$best) | Idle (#$idle_n) |"
  echo "|---|---|---|---|"
  awk -F'\t' -v a="$RAW/threads/$base_n.txt" -v b="$RAW/threads/$best.txt" -v c="$RAW/threads/$idle_n.txt" '
    FILENAME == a { x[$2] = $1; k[$2] = 1 } FILENAME == b { y[$2] = $1; k[$2] = 1 } FILENAME == c { z[$2] = $1; k[$2] = 1 }
    END { for (n in k) if (x[n] != y[n] || x[n] != z[n]) printf "| `%s` | %d | %d | %d |\n", n, x[n], y[n], z[n] }' \
    "$RAW/threads/$base_n.txt" "$RAW/threads/$best.txt" "$RAW/threads/$idle_n.txt" | sort)

## What the heap holds

Live objects by class (\`jcmd PID GC.class_histogram\`, after its full GC) at the baseline, right
after the load and after idle: instances / KB. The classes whose bytes grew most from the baseline
to idle (what stays after the load), the total first. Full histograms: \`histogram-*.txt\`.

| Class | Baseline | End of load | Idle | Idle − baseline (KB) |
|---|---|---|---|---|
$(histo_rows)

## Gateway

Start-up $START_MS ms. Health after the idle wait: \`$health_after\`.
WARN/ERROR lines in the gateway log: $gw_warnings ($gone_warnings of them "does not exist on the server").
$warn_block

## Commands

\`\`\`
# gateway
$(printf '%s ' "${gateway_env[@]}" | sed "s/ADMIN_TOKEN=[^ ]*/ADMIN_TOKEN=…/") ./cairn serve
# platform, bundle (bench/bundle's users + get_user, $SEED_ROWS rows), tenants ($CREATE_PARALLEL at a time)
curl -H 'Content-Type: application/json' -d '{"platform":"$PLATFORM"}' $BASE/platform/register
curl -F schema_name=$SCHEMA_NAME -F schema=@bundle.tar.gz $BASE/platform/$PLATFORM/schema
curl -H 'Content-Type: application/json' -d '{"platform":"$PLATFORM","schema_name":"$SCHEMA_NAME","database_id":"$(tenant_id 1)"}' $BASE/database/create
# record-only databases
psql -d $CONTROL_DB -c "INSERT INTO databases (name, platform, tenant, schema_name, version_id, checksum)
  SELECT format('%s_%s_x%s', d.platform, d.schema_name, lpad(g::text, $extra_width, '0')), d.platform,
         'x' || lpad(g::text, $extra_width, '0'), d.schema_name, d.version_id, d.checksum
  FROM databases d CROSS JOIN generate_series(1, $EXTRA) AS g WHERE d.name = '$first_db'"
# load (body: $(call_body "$(tenant_id 1)"))
MEM_PLATFORM=$PLATFORM MEM_SCHEMA=$SCHEMA_NAME MEM_TENANTS=$TENANTS MEM_TENANT_WIDTH=$tenant_width MEM_EXTRA=$EXTRA MEM_EXTRA_WIDTH=$extra_width MEM_EXTRA_PCT=$EXTRA_PCT MEM_MAX_ID=$SEED_ROWS \\
  ${wrk_cmd[*]}
# each sample
jcmd PID GC.run; jcmd PID GC.heap_info; grep -E 'VmRSS|Threads' /proc/PID/status; curl $BASE/metrics
\`\`\`

Raw outputs: \`bench/results/$stamp/\` (samples.txt, fast.txt, connections.txt, threads/, heap.txt, wrk.txt, gateway.log).
EOF
} >"$REPORT"
# Paths in the report are relative to the worktree.
sed -i "s#$root/##g" "$REPORT"

log "report: $REPORT"
cat "$REPORT"
