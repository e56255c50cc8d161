#!/usr/bin/env bash
# FLEET benchmark: how long Cairn takes to create TENANTS tenant databases and to migrate all of
# them (a no-op run, then one new migration plus 5 changed functions), compared with Flyway run
# over the same databases, sequentially and with 8 workers. Writes
# bench/results/YYYY-MM-DD-HHMM-fleet.md (raw outputs in bench/results/YYYY-MM-DD-HHMM-fleet/)
# and prints it. Everything it creates in PostgreSQL is dropped at the end, also on failure.
#
# usage: bench/fleet/run.sh            run the benchmark (knobs below, as environment variables)
#        bench/fleet/run.sh cleanup    drop what a KEEP=1 or killed run left behind
#
# See bench/README.md ("FLEET benchmark") for what each number means.
set -euo pipefail

fleet="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench="$(cd "$fleet/.." && pwd)"
root="$(cd "$bench/.." && pwd)"

# ---- knobs -------------------------------------------------------------------------------------
TENANTS="${TENANTS:-1000}"              # tenant databases created and migrated
PORT="${PORT:-9500}"
KEEP="${KEEP:-0}"                       # 1: keep the databases (drop them later with `run.sh cleanup`)
CREATE_PARALLEL="${CREATE_PARALLEL:-4}" # concurrent POST /database/create (the burst)
PACED="${PACED:-100}"                   # the last PACED tenants: one at a time, CREATE_RATE a second
CREATE_RATE="${CREATE_RATE:-5}"         # tenants a second in the paced phase (signups, not a bulk load)
CONCURRENCY="${CONCURRENCY:-}"          # "concurrency" of POST /v2/migrate-all; empty: the server's default
FLYWAY_THREADS="${FLYWAY_THREADS:-8}"   # workers of the parallel Flyway runs
FLYWAY="${FLYWAY:-1}"                   # 0 skips the Flyway comparison
MAX_TOTAL="${MAX_TOTAL:-40}"            # MAX_TOTAL_CONNECTIONS
APP_NAME="${APP_NAME:-cairn-fleetbench}" # APPLICATION_NAME, used to count the gateway's connections
LOG_LEVEL="${LOG_LEVEL:-warn}"
POLL_S="${POLL_S:-0.2}"                 # job polling and connection sampling interval, seconds
JOB_TIMEOUT="${JOB_TIMEOUT:-3600}"      # seconds one migrate-all may take
# The JDK for the build and the Flyway client (needs 21+): JAVA_HOME_BENCH, else Temurin 25.
# (The gateway itself is started by ./cairn, which picks the newest JDK it finds.)
JAVA_HOME="${JAVA_HOME_BENCH:-/usr/lib/jvm/temurin-25-jdk-amd64}"
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER JAVA_HOME
export PGAPPNAME=cairn-fleetbench-harness   # our own psql sessions stay out of the connection counts

CONTROL_DB=cairn_fleetbench
PLATFORM=fleetbench
SCHEMA_NAME=tenant
FLYWAY_APP=cairn-fleetbench-flyway      # application_name of Flyway's connections
FLYWAY_SCHEMA=flyway_bench              # where Flyway keeps its history table
ADMIN_TOKEN="fleetbench-$RANDOM$RANDOM$RANDOM"
BASE="http://127.0.0.1:$PORT"
START_TIMEOUT=180                       # seconds to wait for the first 200 from /health

# ---- small helpers -----------------------------------------------------------------------------
BENCH_TAG=fleet
BENCH_SCRIPT=bench/fleet/run.sh
source "$bench/lib.sh"   # log, die, now_us, psql_q, stats, calc, stop_gateway, drop_databases
now_ms() { local t="${EPOCHREALTIME/./}"; echo "${t:0:${#t}-3}"; }
secs() { calc "$1 / 1000"; }   # ms -> s with 2 decimals

# ---- cleanup -----------------------------------------------------------------------------------
GW_PID=""
SAMPLER_PID=""
GW_STOP_SECS=60   # a gateway with a thousand pools takes longer to close
BG_PID=""         # a long step run in the background (so that signals are handled at once)
OWN_DATABASES=0   # set once we know the databases we will drop are ours (they did not exist before)

cleanup() {
  local rc=$?
  set +e
  [[ -n "$BG_PID" ]] && kill "$BG_PID" 2>/dev/null && wait "$BG_PID" 2>/dev/null
  [[ -n "$SAMPLER_PID" ]] && kill "$SAMPLER_PID" 2>/dev/null && wait "$SAMPLER_PID" 2>/dev/null
  stop_gateway
  end_run "$rc"
}

start_run "$@"

# ---- preflight ---------------------------------------------------------------------------------
for tool in psql curl jq tar awk xargs python3; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -x "$JAVA_HOME/bin/java" ]] || die "no JDK at $JAVA_HOME (set JAVA_HOME_BENCH)"
[[ "$TENANTS" =~ ^[0-9]+$ && "$TENANTS" -ge 2 ]] || die "TENANTS must be a number >= 2"
[[ "$PACED" =~ ^[0-9]+$ && "$PACED" -le $(( TENANTS - 2 )) ]] || die "PACED must be a number <= TENANTS - 2"
[[ "$CREATE_RATE" =~ ^[0-9]+$ && "$CREATE_RATE" -ge 1 ]] || die "CREATE_RATE must be a whole number >= 1"
psql_q "SELECT 1" >/dev/null || die "cannot connect to PostgreSQL at $PGUSER@$PGHOST:$PGPORT"
port_taken "$PORT" && die "port $PORT is in use (set PORT)"
refuse_leftovers
OWN_DATABASES=1

new_report -fleet
build_server

# Flyway's class path, from the local Maven repository (downloaded once if missing).
if [[ "$FLYWAY" == 1 ]]; then
  log "resolving Flyway's class path"
  (cd "$root" && ./mvnw -B -q -f "$fleet/flyway/pom.xml" dependency:build-classpath \
      -Dmdep.outputFile="$RAW/flyway.classpath") >"$RAW/flyway-resolve.log" 2>&1 ||
    die "could not resolve Flyway: $(tail -5 "$RAW/flyway-resolve.log")"
fi

# ---- the bundles -------------------------------------------------------------------------------
log "generating the bundles"
python3 "$fleet/gen_bundle.py" "$RAW/bundle"
# shellcheck disable=SC1091
. "$RAW/bundle/manifest.env"
tar -czf "$RAW/bundle-v1.tar.gz" -C "$RAW/bundle/v1" postgresql
tar -czf "$RAW/bundle-v2.tar.gz" -C "$RAW/bundle/v2" postgresql
bundle_v1_bytes="$(stat -c %s "$RAW/bundle-v1.tar.gz")"
bundle_v2_bytes="$(stat -c %s "$RAW/bundle-v2.tar.gz")"
bundle_v1_files="$(find "$RAW/bundle/v1/postgresql" -type f | wc -l)"
bundle_v1_sql_bytes="$(cat "$RAW"/bundle/v1/postgresql/*/* | wc -c)"

# ---- environment -------------------------------------------------------------------------------
pg_version="$(psql_q "SHOW server_version")"
pg_max_conn="$(psql_q "SHOW max_connections")"
jdk_version="$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
mem_total="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
git_rev="$(cd "$root" && git rev-parse --short HEAD)$(cd "$root" && git diff --quiet HEAD -- server || echo ' (server has uncommitted changes)')"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
disk_free="$(df -h --output=avail "$(psql_q "SHOW data_directory" 2>/dev/null || echo /)" 2>/dev/null | tail -1 | tr -d ' ' || echo '?')"

# ---- connection sampler ------------------------------------------------------------------------
# One psql session samples pg_stat_activity every POLL_S seconds for the whole run:
# "epoch_ms gateway flyway total" — sessions with the gateway's application_name, with Flyway's,
# and every client backend but the sampler itself. Each phase's window is cut out afterwards.
printf '%s\n' "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
         count(*) FILTER (WHERE application_name = '$APP_NAME'),
         count(*) FILTER (WHERE application_name = '$FLYWAY_APP'),
         count(*) FILTER (WHERE backend_type = 'client backend')
  FROM pg_stat_activity WHERE pid <> pg_backend_pid()" "\\watch $POLL_S" >"$RAW/sampler.sql"
psql -X -At -F ' ' -d postgres -f "$RAW/sampler.sql" >"$RAW/connections.txt" 2>"$RAW/connections.err" &
SAMPLER_PID=$!

# window START_MS END_MS COLUMN: prints "samples max mean" of the sampler's COLUMN (2 gateway,
# 3 flyway, 4 total) between the two instants.
window() {
  awk -v s="$1" -v e="$2" -v c="$3" 'NF >= 4 && $1 >= s && $1 <= e { n++; sum += $c; if ($c > max) max = $c }
    END { printf "%d %d %.1f\n", n, max, n ? sum / n : 0 }' "$RAW/connections.txt"
}

# ---- the gateway -------------------------------------------------------------------------------
set_gateway_env

# Starts `./cairn serve` and waits for the first 200 from /health; sets GW_PID and START_MS.
# Retried: a concurrent build may remove the jar under the launcher's feet.
start_gateway() {
  local logfile="$RAW/gateway.log" t0 attempt
  for attempt in 1 2 3; do
    t0="$(now_us)"
    # exec twice: the subshell becomes env, then the launcher, which execs java: $! is the JVM.
    (cd "$root" && exec env "${gateway_env[@]}" ./cairn serve) >>"$logfile" 2>&1 &
    GW_PID=$!
    if await_200 "$GW_PID" /health "$BASE/health"; then
      START_MS=$(( ($(now_us) - t0) / 1000 ))
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
log "gateway up in $START_MS ms"

# ---- HTTP helpers ------------------------------------------------------------------------------
AUTH="$ADMIN_TOKEN"   # replaced by the platform's own token if /platform/register hands one out
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

# ---- 1. platform and bundle --------------------------------------------------------------------
log "registering platform $PLATFORM"
read -r code _ < <(api platform-register POST /platform/register -H 'Content-Type: application/json' \
  -d "{\"platform\":\"$PLATFORM\"}")
expect_code platform-register "200 409" "$code"
token="$(jq -r '.token // .platform_token // empty' "$RAW/platform-register.json" 2>/dev/null || true)"
if [[ -n "$token" ]]; then
  AUTH="$token"
  log "using the platform token /platform/register returned"
fi

log "uploading bundle v1 (schema $SCHEMA_NAME)"
read -r code upload_v1_s < <(api schema-v1 POST "/platform/$PLATFORM/schema" \
  -F schema_name="$SCHEMA_NAME" -F schema=@"$RAW/bundle-v1.tar.gz")
expect_code schema-v1 200 "$code"   # 200 whether stored or known; "unchanged" in the body says which
upload_v1_ms="$(calc "$upload_v1_s * 1000")"
v1_version="$(jq -r '.version // "?"' "$RAW/schema-v1.json")"

# ---- 2. tenants --------------------------------------------------------------------------------
width=$(( ${#TENANTS} > 4 ? ${#TENANTS} : 4 ))
tenant_id() { printf "t%0${width}d" "$1"; }
create_body() { printf '{"platform":"%s","schema_name":"%s","database_id":"%s"}' "$PLATFORM" "$SCHEMA_NAME" "$1"; }

BURST_LAST=$(( TENANTS - PACED ))
log "creating $TENANTS tenants: $(( BURST_LAST - 1 )) $CREATE_PARALLEL in parallel after the first, then $PACED at $CREATE_RATE/s"
mkdir -p "$RAW/create"
first_id="$(tenant_id 1)"
t_create0="$(now_ms)"
read -r code first_s < <(api create-first POST /database/create -H 'Content-Type: application/json' \
  -d "$(create_body "$first_id")")
expect_code create-first 200 "$code"
first_create_ms="$(calc "$first_s * 1000")"

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
t_par0="$(now_ms)"
for i in $(seq 2 "$BURST_LAST"); do tenant_id "$i"; echo; done |
  xargs -P "$CREATE_PARALLEL" -I{} bash -c 'create_one "$1"' _ {} >"$RAW/create.txt" &
BG_PID=$!
wait "$BG_PID"
BG_PID=""
t_create1="$(now_ms)"
# The paced phase: one creation at a time, started every 1/CREATE_RATE s (at once when the previous
# one ran late), as tenants sign up; with ~$BURST_LAST databases on the server already.
: >"$RAW/create-paced.txt"
next_us="$(now_us)"
for i in $(seq $(( BURST_LAST + 1 )) "$TENANTS"); do
  wait_us=$(( next_us - $(now_us) ))
  (( wait_us > 0 )) && sleep "$(awk -v u="$wait_us" 'BEGIN { printf "%.3f", u / 1000000 }')"
  create_one "$(tenant_id "$i")" >>"$RAW/create-paced.txt"
  next_us=$(( next_us + 1000000 / CREATE_RATE ))
done
t_paced1="$(now_ms)"
cat "$RAW/create-paced.txt" >>"$RAW/create.txt"
create_failed="$(awk '$2 != 200' "$RAW/create.txt" | wc -l)"
if (( create_failed > 0 )); then
  die "$create_failed tenant creations failed, e.g. $(awk '$2 != 200 { print $1, $2; exit }' "$RAW/create.txt"): $(cat "$RAW"/create/*.json 2>/dev/null | head -c 600)"
fi
create_total_ms=$(( t_paced1 - t_create0 ))
create_par_ms=$(( t_create1 - t_par0 ))
read -r create_n create_min create_p50 create_p90 create_p99 create_max < <(head -n $(( BURST_LAST - 1 )) "$RAW/create.txt" |
  awk '{ printf "%.1f\n", $3 * 1000 }' | stats)
read -r paced_n paced_min paced_p50 paced_p90 paced_p99 paced_max < <(awk '{ printf "%.1f\n", $3 * 1000 }' "$RAW/create-paced.txt" | stats)
create_rate="$(calc "($BURST_LAST - 1) / ($create_par_ms / 1000)")"
n_dbs="$(psql_q "SELECT count(*) FROM pg_database WHERE datname LIKE '${PLATFORM}\_${SCHEMA_NAME}\_%'")"
[[ "$n_dbs" == "$TENANTS" ]] || log "warning: $n_dbs ${PLATFORM}_${SCHEMA_NAME}_* databases exist, expected $TENANTS"
sample_db="$(psql_q "SELECT datname FROM pg_database WHERE datname LIKE '${PLATFORM}\_${SCHEMA_NAME}\_%' ORDER BY datname LIMIT 1")"
log "created $TENANTS tenants in $(secs "$create_total_ms") s (median $create_p50 ms in the burst, $paced_p50 ms paced); e.g. $sample_db"

# ---- 3. migrate-all ----------------------------------------------------------------------------
# migrate_all NAME: POST /v2/migrate-all, polls the job until it ends; sets MA_MS (POST to the
# poll that saw a final status), MA_START/MA_END (epoch ms); the final job is $RAW/NAME-job.json.
# Prefer: respond-async makes the server answer 202 at once (without it, it waits up to
# MIGRATE_ALL_SYNC_SECS and answers 200 with a job that ended in time), so every run is timed
# the same way: from the POST to the poll that sees the end.
migrate_all() {
  local name="$1" body code job_id status t0 errors=0
  body="$(jq -nc --arg p "$PLATFORM" --arg s "$SCHEMA_NAME" --arg c "$CONCURRENCY" \
    '{platform: $p, schema_name: $s} + (if $c == "" then {} else {concurrency: ($c | tonumber)} end)')"
  echo "$body" >"$RAW/$name-request.json"
  MA_START="$(now_ms)"
  read -r code _ < <(api "$name-post" POST /v2/migrate-all -H 'Content-Type: application/json' \
    -H 'Prefer: respond-async' -d "$body")
  expect_code "$name-post" 202 "$code"
  job_id="$(jq -r '.job_id // empty' "$RAW/$name-post.json")"
  [[ -n "$job_id" ]] || die "$name: no job_id in $(head -c 300 "$RAW/$name-post.json")"
  while :; do
    sleep "$POLL_S"
    read -r code _ < <(api "$name-job" GET "/v2/migrate-all/$job_id")
    if [[ "$code" != 200 ]]; then
      (( ++errors < 10 )) || die "$name: GET /v2/migrate-all/$job_id answered $code: $(head -c 300 "$RAW/$name-job.json")"
      continue
    fi
    status="$(jq -r '.status' "$RAW/$name-job.json")"
    case "$status" in completed|failed|partial|interrupted) break ;; esac
    (( $(now_ms) - MA_START < JOB_TIMEOUT * 1000 )) || die "$name: job $job_id still $status after ${JOB_TIMEOUT}s"
  done
  MA_END="$(now_ms)"
  MA_MS=$(( MA_END - MA_START ))
  log "$name: job $job_id $status after $(secs "$MA_MS") s: $(jq -c '{total_databases, changed, unchanged, failed, skipped}' "$RAW/$name-job.json")"
}

# describe_job NAME: sets J_* from the final job.
describe_job() {
  local f="$RAW/$1-job.json" started finished
  J_STATUS="$(jq -r '.status' "$f")"
  J_COUNTS="$(jq -r '"total \(.total_databases), succeeded \(.succeeded) (changed \(.changed), unchanged \(.unchanged)), failed \(.failed), skipped \(.skipped)"' "$f")"
  # A result at the target is "completed" whether or not it changed; "unchanged" says which.
  J_RESULTS="$(jq -r '[.results[]? | .status + (if .unchanged == true then " (unchanged)" else "" end)]
                      | group_by(.) | map("\(.[0]) \(length)") | join(", ")' "$f")"
  J_NRESULTS="$(jq -r '[.results[]?] | length' "$f")"
  J_SERVER_MS="-"
  started="$(jq -r '.started_at // empty' "$f")"; finished="$(jq -r '.finished_at // empty' "$f")"
  if [[ -n "$started" && -n "$finished" ]]; then
    J_SERVER_MS="$(awk -v a="$(date -d "$started" +%s.%N 2>/dev/null || echo 0)" \
      -v b="$(date -d "$finished" +%s.%N 2>/dev/null || echo 0)" 'BEGIN { printf "%.0f", (b - a) * 1000 }')"
  fi
  # Per-database times, if the results carry them.
  J_PERDB="$(jq -r '.results[]? | (.execution_time_ms // .duration_ms // empty)' "$f" | stats)"
  J_FIRST_ERROR="$(jq -r '[.results[]? | select(.status == "failed")][0] // empty | tostring' "$f" | head -c 400)"
}

log "migrate-all #1: no-op (the databases already hold v1)"
migrate_all noop
noop_ms="$MA_MS"; noop_start="$MA_START"; noop_end="$MA_END"
describe_job noop
noop_status="$J_STATUS"; noop_counts="$J_COUNTS"; noop_results="$J_RESULTS"; noop_nresults="$J_NRESULTS"
noop_server_ms="$J_SERVER_MS"; noop_perdb="$J_PERDB"; noop_error="$J_FIRST_ERROR"

log "uploading bundle v2 (+$V2_MIGRATION, 5 changed functions)"
read -r code upload_v2_s < <(api schema-v2 POST "/platform/$PLATFORM/schema" \
  -F schema_name="$SCHEMA_NAME" -F schema=@"$RAW/bundle-v2.tar.gz")
expect_code schema-v2 200 "$code"
upload_v2_ms="$(calc "$upload_v2_s * 1000")"
v2_version="$(jq -r '.version // "?"' "$RAW/schema-v2.json")"

log "migrate-all #2: v1 -> v2"
migrate_all change
change_ms="$MA_MS"; change_start="$MA_START"; change_end="$MA_END"
describe_job change
change_status="$J_STATUS"; change_counts="$J_COUNTS"; change_results="$J_RESULTS"; change_nresults="$J_NRESULTS"
change_server_ms="$J_SERVER_MS"; change_perdb="$J_PERDB"; change_error="$J_FIRST_ERROR"

# Checks: every result of the change run completed and changed; three databases really hold v2.
CHECKS=()
change_completed="$(jq '[.results[]? | select(.status == "completed" and .unchanged != true)] | length' "$RAW/change-job.json")"
if [[ "$change_status" == completed && "$change_completed" == "$TENANTS" ]]; then
  CHECKS+=("migrate-all v1→v2: all $TENANTS results completed, changed: **ok**")
else
  CHECKS+=("migrate-all v1→v2: status $change_status, $change_completed of $TENANTS results completed and changed: **FAILED**")
fi
if [[ "$noop_status" == completed && "$noop_nresults" == "$TENANTS" ]]; then
  CHECKS+=("no-op migrate-all: status completed, $noop_nresults results ($noop_results): **ok**")
else
  CHECKS+=("no-op migrate-all: status $noop_status, $noop_nresults results ($noop_results): **FAILED**")
fi
spot_ok=0; spot_n=0; spot_dbs=""
for db in $(psql_q "SELECT datname FROM pg_database WHERE datname LIKE '${PLATFORM}\_${SCHEMA_NAME}\_%'
                    ORDER BY datname" | awk -v n="$TENANTS" 'NR == 1 || NR == int(n / 2) || NR == n'); do
  spot_dbs+="$db "; spot_n=$(( spot_n + 1 ))
  col="$(psql_q "SELECT count(*) FROM information_schema.columns
                 WHERE table_schema = 'public' AND table_name = '$V2_TABLE' AND column_name = '$V2_COLUMN'" "$db")"
  fn="$(psql_q "SELECT count(*) FROM pg_proc WHERE proname = 'list_customers' AND prosrc LIKE '%DESC%'" "$db")"
  [[ "$col" == 1 && "$fn" == 1 ]] && spot_ok=$(( spot_ok + 1 ))
done
CHECKS+=("$V2_TABLE.$V2_COLUMN and the new list_customers body in ${spot_dbs% }: $spot_ok of $spot_n $( (( spot_ok == spot_n )) && echo '**ok**' || echo '**FAILED**')")

health_after="$(curl -s "$BASE/health")"
log "stopping the gateway"
stop_gateway
gw_warnings="$(grep -cE ' (WARN|ERROR) ' "$RAW/gateway.log" || true)"
gw_warning_lines="$(grep -hE ' (WARN|ERROR) ' "$RAW/gateway.log" | cut -d' ' -f2- | sort | uniq -c | sort -rn | head -5 || true)"

# ---- 4. Flyway over the same databases ---------------------------------------------------------
declare -A FW
if [[ "$FLYWAY" == 1 ]]; then
  psql_q "SELECT datname FROM pg_database WHERE datname LIKE '${PLATFORM}\_${SCHEMA_NAME}\_%' ORDER BY datname" >"$RAW/databases.txt"
  fl="$RAW/bundle/flyway"
  flyway_cmd=("$JAVA_HOME/bin/java" -cp "$(cat "$RAW/flyway.classpath")" "$fleet/FlywayFleet.java"
    --databases "$RAW/databases.txt" --out-dir "$RAW"
    --jdbc-prefix "jdbc:postgresql://$PGHOST:$PGPORT/" --user "$PGUSER" --app-name "$FLYWAY_APP" --schema "$FLYWAY_SCHEMA"
    --phase "setup:$fl/a:$FLYWAY_THREADS:$BUNDLE_FUNCTIONS:init"
    --phase "noop-seq:$fl/a:1:0"
    --phase "noop-par:$fl/a:$FLYWAY_THREADS:0"
    --phase "change-seq:$fl/c1:1:6"
    --phase "change-par:$fl/c2:$FLYWAY_THREADS:6")
  log "Flyway: setup (baseline + $BUNDLE_FUNCTIONS repeatables), no-op and change, sequential and $FLYWAY_THREADS workers"
  flyway_rc=0
  "${flyway_cmd[@]}" >"$RAW/flyway.txt" 2>"$RAW/flyway.err" &
  BG_PID=$!
  wait "$BG_PID" || flyway_rc=$?
  BG_PID=""
  grep -q '^PHASE change-par ' "$RAW/flyway.txt" || die "Flyway run failed (rc $flyway_rc): $(tail -5 "$RAW/flyway.err" "$RAW/flyway.txt")"
  while read -r _ phase key value; do FW[$phase.$key]="$value"; done < <(grep '^KV ' "$RAW/flyway.txt")
  for phase in setup noop-seq noop-par change-seq change-par; do
    log "Flyway $phase: $(secs "${FW[$phase.wall_ms]}") s, failed ${FW[$phase.failed]%.*}, mismatched ${FW[$phase.mismatched]%.*}"
    if [[ "${FW[$phase.failed]%.*}" == 0 && "${FW[$phase.mismatched]%.*}" == 0 ]]; then
      CHECKS+=("Flyway $phase: every database migrated, ${FW[$phase.executed]%.*} migrations executed: **ok**")
    else
      CHECKS+=("Flyway $phase: ${FW[$phase.failed]%.*} failed, ${FW[$phase.mismatched]%.*} executed an unexpected number of migrations: **FAILED** ($(grep "^ERROR $phase " "$RAW/flyway.txt" | head -1 | cut -c1-300))")
    fi
  done
fi
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""

# Connection counts per phase, from the sampler's output (complete now that it has exited).
read -r _ create_conn_max create_conn_mean < <(window "$t_par0" "$t_create1" 2)
read -r noop_samples noop_gw_max noop_gw_mean < <(window "$noop_start" "$noop_end" 2)
read -r _ noop_all_max noop_all_mean < <(window "$noop_start" "$noop_end" 4)
read -r change_samples change_gw_max change_gw_mean < <(window "$change_start" "$change_end" 2)
read -r _ change_all_max change_all_mean < <(window "$change_start" "$change_end" 4)
if [[ "$FLYWAY" == 1 ]]; then
  while read -r _ phase s e; do
    read -r _ "FW[$phase.conn_max]" "FW[$phase.conn_mean]" < <(window "$s" "$e" 3)
    read -r _ "FW[$phase.all_max]" "FW[$phase.all_mean]" < <(window "$s" "$e" 4)
  done < <(grep '^PHASE ' "$RAW/flyway.txt")
fi

# ---- the report --------------------------------------------------------------------------------
rate() { calc "$TENANTS / ($1 / 1000)"; }   # ms over all databases -> databases per second
fw() { echo "${FW[$1]:--}"; }
fw_s() { [[ -n "${FW[$1]:-}" ]] && secs "${FW[$1]}" || echo -; }
fw_rate() { [[ -n "${FW[$1]:-}" ]] && calc "${FW[$1]}" || echo -; }
fw_ms() { [[ -n "${FW[$1]:-}" ]] && calc "${FW[$1]}" || echo -; }
noop_target_met="$(awk -v ms="$noop_ms" -v n="$TENANTS" 'BEGIN { print (ms <= 10000 * n / 1000) ? "met" : "**missed**" }')"
perdb_col() { # "n min p50 p90 p99 max" -> "p50 / p90 / max" or "-"
  read -r n _ p50 p90 _ max <<<"$1"
  [[ "$n" != 0 ]] && echo "$p50 / $p90 / $max ms" || echo "not in the results"
}
failed_checks="$(printf '%s\n' "${CHECKS[@]}" | grep -c 'FAILED' || true)"

{
cat <<EOF
# Cairn FLEET benchmark — $(date '+%Y-%m-%d %H:%M %Z')

| | |
|---|---|
| Commit | \`$git_rev\` |
| Machine | $(nproc) CPUs ($cpu_model), $mem_total RAM, $(uname -sr); $disk_free free for PostgreSQL's data |
| PostgreSQL | $pg_version (max_connections $pg_max_conn), $PGHOST:$PGPORT |
| JDK (Flyway client) | $jdk_version |
| Gateway settings | MAX_TOTAL_CONNECTIONS=$MAX_TOTAL, APPLICATION_NAME=$APP_NAME, LOG_LEVEL=$LOG_LEVEL |
| Knobs | TENANTS=$TENANTS CREATE_PARALLEL=$CREATE_PARALLEL PACED=$PACED CREATE_RATE=$CREATE_RATE CONCURRENCY=${CONCURRENCY:-(server default)} FLYWAY_THREADS=$FLYWAY_THREADS POLL_S=$POLL_S |
| Flyway | 13.12.0 (flyway-core + flyway-database-postgresql), pgjdbc 42.7.14 |
| Load before the run | $load_before (1/5/15 min) |

## Bundle

Generated by \`bench/fleet/gen_bundle.py\` (deterministic): **$BUNDLE_TABLES tables** (foreign keys,
$(grep -ho 'CREATE [A-Z ]*INDEX' "$RAW"/bundle/v1/postgresql/tables/* | wc -l) secondary indexes, checks), **$BUNDLE_FUNCTIONS functions**
($(grep -l 'LANGUAGE plpgsql' "$RAW"/bundle/v1/postgresql/functions/* | wc -l) plpgsql, $(grep -l 'LANGUAGE sql' "$RAW"/bundle/v1/postgresql/functions/* | wc -l) sql), $BUNDLE_MIGRATIONS_V1 migrations; $bundle_v1_files files, $bundle_v1_sql_bytes bytes of SQL,
$bundle_v1_bytes bytes as tar.gz (v2: $bundle_v2_bytes).

- **v2** adds \`migrations/$V2_MIGRATION.pssql\` (\`ALTER TABLE $V2_TABLE ADD COLUMN $V2_COLUMN text\`,
  nullable; the column is also in \`tables/$V2_TABLE.pssql\`) and changes the bodies of $V2_CHANGED.
- **Flyway** gets the same shape of change twice (one run each, since a change applies once):
  sequential — \`$C1_MIGRATION\` (\`$C1_TABLE.$C1_COLUMN\`) and R__ for $C1_CHANGED;
  $FLYWAY_THREADS workers — \`$C2_MIGRATION\` (\`$C2_TABLE.$C2_COLUMN\`) and R__ for $C2_CHANGED.

## Summary ($TENANTS databases)

| | Cairn \`/v2/migrate-all\` | Flyway sequential | Flyway $FLYWAY_THREADS workers |
|---|---|---|---|
| No-op (nothing to do) | **$(secs "$noop_ms") s** ($(rate "$noop_ms") dbs/s) | $(fw_s noop-seq.wall_ms) s ($(fw_rate noop-seq.rate_dbs_s) dbs/s) | $(fw_s noop-par.wall_ms) s ($(fw_rate noop-par.rate_dbs_s) dbs/s) |
| 1 new migration (nullable column) + 5 changed functions | **$(secs "$change_ms") s** ($(rate "$change_ms") dbs/s) | $(fw_s change-seq.wall_ms) s ($(fw_rate change-seq.rate_dbs_s) dbs/s) | $(fw_s change-par.wall_ms) s ($(fw_rate change-par.rate_dbs_s) dbs/s) |
| Connections, max / mean (no-op) | $noop_gw_max / $noop_gw_mean | $(fw noop-seq.conn_max) / $(fw noop-seq.conn_mean) | $(fw noop-par.conn_max) / $(fw noop-par.conn_mean) |
| Connections, max / mean (change) | $change_gw_max / $change_gw_mean | $(fw change-seq.conn_max) / $(fw change-seq.conn_mean) | $(fw change-par.conn_max) / $(fw change-par.conn_mean) |

- Connections: sessions of the gateway (application_name '$APP_NAME') or of Flyway ('$FLYWAY_APP') in
  \`pg_stat_activity\`, sampled every ${POLL_S}s; Flyway opens up to 2 per database it migrates.
- No-op target ≤ 10 s per 1000 databases: $noop_target_met ($(secs "$noop_ms") s for $TENANTS, i.e. $(calc "$noop_ms / $TENANTS") s per 1000).
- Tenant creation: median **$paced_p50 ms** one at a time ($CREATE_RATE/s, the last $PACED, ~$TENANTS databases on the server), $create_p50 ms in the burst ($CREATE_PARALLEL at once, back to back: $create_rate databases/s).
- Checks:
$(printf '  - %s\n' "${CHECKS[@]}")

## 1. Tenant creation

\`POST /database/create\` (\`{"platform":"$PLATFORM","schema_name":"$SCHEMA_NAME","database_id":"t0001"}\`):
the first alone (it builds the template), then $(( BURST_LAST - 1 )) back to back with $CREATE_PARALLEL curl processes in
parallel (\`xargs -P $CREATE_PARALLEL\`), then the last $PACED one at a time, one started every $(calc "1000 / $CREATE_RATE") ms
(signups, with ~$BURST_LAST databases on the server), each timed by curl (\`time_total\`). Uploading bundle v1
(\`POST /platform/$PLATFORM/schema\`, version $v1_version): $upload_v1_ms ms.

| | |
|---|---|
| First tenant (builds the template) | $first_create_ms ms |
| All $TENANTS, wall clock | $(secs "$create_total_ms") s |
| The $(( BURST_LAST - 1 )) in the burst, wall clock | $(secs "$create_par_ms") s ($create_rate databases/s) |
| Burst, per tenant: min / median / p90 / p99 / max | $create_min / **$create_p50** / $create_p90 / $create_p99 / $create_max ms |
| Paced ($CREATE_RATE/s), per tenant: min / median / p90 / p99 / max | $paced_min / **$paced_p50** / $paced_p90 / $paced_p99 / $paced_max ms |
| Gateway connections while creating, max / mean | $create_conn_max / $create_conn_mean |

## 2. Cairn migrate-all

\`POST /v2/migrate-all\` \`$(cat "$RAW/noop-request.json")\` with \`Prefer: respond-async\` (a 202 at once, not
the 200 a short job gets without it), then \`GET /v2/migrate-all/{job_id}\` every
${POLL_S}s until the status is final. "POST to final" is what a client waits (± one poll interval);
"server" is the job's own started_at → finished_at. Connections: \`pg_stat_activity\` sampled every
${POLL_S}s — the gateway's sessions (application_name '$APP_NAME') and all client backends.

| | No-op (v1 → v1) | v1 → v2 |
|---|---|---|
| POST to final status | **$(secs "$noop_ms") s** | **$(secs "$change_ms") s** |
| Databases per second | $(rate "$noop_ms") | $(rate "$change_ms") |
| Server (started_at → finished_at) | $noop_server_ms ms | $change_server_ms ms |
| Final status | $noop_status | $change_status |
| Counts | $noop_counts | $change_counts |
| Results by status | $noop_results | $change_results |
| Per database p50 / p90 / max | $(perdb_col "$noop_perdb") | $(perdb_col "$change_perdb") |
| Gateway connections, max / mean | $noop_gw_max / $noop_gw_mean | $change_gw_max / $change_gw_mean |
| All client connections, max / mean | $noop_all_max / $noop_all_mean | $change_all_max / $change_all_mean |
| Connection samples | $noop_samples | $change_samples |
$(if [[ -n "$noop_error$change_error" ]]; then printf '\nFirst failed result: `%s`\n' "${change_error:-$noop_error}"; fi)

Uploading bundle v2 (version $v2_version): $upload_v2_ms ms. Gateway start-up (process start to
the first 200 from \`/health\`): $START_MS ms. Health after the runs: \`$health_after\`.
WARN/ERROR lines in the gateway log: $gw_warnings.
$(if [[ -n "$gw_warning_lines" ]]; then printf '\n```\n%s\n```\n' "$gw_warning_lines"; fi)
EOF
if [[ "$FLYWAY" == 1 ]]; then
cat <<EOF

## 3. Flyway over the same databases

\`bench/fleet/FlywayFleet.java\`: one JVM for every phase below (start-up and JIT warm-up paid once,
by the setup phase), one \`Flyway.configure()…load().migrate()\` per database with its own
connections (a fresh Flyway instance per database, as a fleet script would), on a thread pool of
1 or $FLYWAY_THREADS. The gateway is stopped first. Flyway's history table is in schema
\`$FLYWAY_SCHEMA\` (\`defaultSchema\`; \`schemas = $FLYWAY_SCHEMA, public\`, \`baselineOnMigrate\`,
\`baselineVersion 1\`), so Cairn's bookkeeping (schema \`cairn\`) is untouched; the SQL names
\`public.\` explicitly because Flyway puts its own schema first on the search_path. Defaults
otherwise (\`validateOnMigrate\` on, one transaction per migration).

| Phase | Threads | Wall | dbs/s | Per database p50 / p90 / p99 / max (ms) | Migrations executed | Flyway connections max / mean | All client connections max / mean |
|---|---|---|---|---|---|---|---|
EOF
for phase in setup noop-seq noop-par change-seq change-par; do
  case "$phase" in
    setup) label="setup: baseline + $BUNDLE_FUNCTIONS repeatables (not a comparison)" ;;
    noop-*) label="no-op" ;;
    change-*) label="1 versioned + 5 repeatables" ;;
  esac
  echo "| $label | $(fw "$phase.threads" | cut -d. -f1) | $(fw_s "$phase.wall_ms") s | $(fw_rate "$phase.rate_dbs_s") | $(fw_ms "$phase.p50_ms") / $(fw_ms "$phase.p90_ms") / $(fw_ms "$phase.p99_ms") / $(fw_ms "$phase.max_ms") | $(fw "$phase.executed" | cut -d. -f1) | $(fw "$phase.conn_max") / $(fw "$phase.conn_mean") | $(fw "$phase.all_max") / $(fw "$phase.all_mean") |"
done
fi
cat <<EOF

## Commands

\`\`\`
# gateway
$(printf '%s ' "${gateway_env[@]}" | sed "s/ADMIN_TOKEN=[^ ]*/ADMIN_TOKEN=…/") ./cairn serve
# bundles
python3 bench/fleet/gen_bundle.py DIR; tar -czf bundle-v1.tar.gz -C DIR/v1 postgresql
curl -F schema_name=$SCHEMA_NAME -F schema=@bundle-v1.tar.gz $BASE/platform/$PLATFORM/schema
# tenants ($CREATE_PARALLEL at a time)
curl -H 'Content-Type: application/json' -d '$(create_body t0002)' $BASE/database/create
# migrate-all
curl -H 'Content-Type: application/json' -H 'Prefer: respond-async' -d '$(cat "$RAW/noop-request.json")' $BASE/v2/migrate-all
curl $BASE/v2/migrate-all/JOB_ID
EOF
if [[ "$FLYWAY" == 1 ]]; then printf '# Flyway\n%s\n' "$(printf '%q ' "${flyway_cmd[@]}" | sed "s#-cp [^ ]*#-cp \"\$(cat flyway.classpath)\"#")"; fi
cat <<EOF
\`\`\`

Raw outputs: \`bench/results/$stamp/\`.
EOF
} >"$REPORT"
# Paths in the report are relative to the worktree.
sed -i "s#$root/##g" "$REPORT"

log "report: $REPORT"
cat "$REPORT"
(( failed_checks == 0 )) || die "$failed_checks check(s) failed (see the report)"
