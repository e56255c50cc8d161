#!/usr/bin/env bash
# GraphQL benchmark: Cairn's POST /graphql against PostGraphile 4 on the same tables, the same
# machine and the same run. Two workloads, each a GraphQL document POSTed by wrk:
#   (a) get:  one user by primary key (a random id per request, as a variable);
#   (b) list: 50 conversations, each with its user (a to-one relation through conversations.user_id).
# Before any load both servers answer each document once and must answer the same data (no errors).
# Writes bench/results/YYYY-MM-DD-HHMM-graphql.md (raw outputs in bench/results/YYYY-MM-DD-HHMM-graphql/)
# and prints it. Everything it creates in PostgreSQL is dropped at the end, also on failure, and
# both servers are stopped.
#
# usage: bench/graphql.sh            run the benchmark (knobs below, as environment variables)
#        bench/graphql.sh cleanup    drop what a KEEP=1 or killed run left behind
#
# PostGraphile (pinned in bench/graphql/package.json + package-lock.json) is installed with npm ci
# into GQL_CACHE, outside the repository. See bench/graphql/README.md for what each number means.
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
gd="$bench/graphql"   # the bundle, the wrk script, the comparison, package.json (PostGraphile)

# ---- knobs -------------------------------------------------------------------------------------
DURATION="${DURATION:-20}"              # seconds of each measured wrk run
WARMUP="${WARMUP:-20}"                  # seconds of wrk before each measured run (same workload; the JIT needs tens of seconds on 2 cores)
CLIENTS="${CLIENTS:-32}"                # wrk connections
THREADS="${THREADS:-2}"                 # wrk threads
PORT="${PORT:-9420}"                    # Cairn
GQL_PORT="${GQL_PORT:-9421}"            # PostGraphile
GQL_WORKERS="${GQL_WORKERS:-$(nproc)}"  # PostGraphile Node processes (--cluster-workers when > 1); one per core by default
GQL_CACHE="${GQL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cairn-bench/postgraphile4}"   # where npm ci installs PostGraphile
KEEP="${KEEP:-0}"                       # 1: keep the databases (drop them later with `graphql.sh cleanup`)
POOL_SIZE="${POOL_SIZE:-10}"            # Cairn's MAX_CONNECTIONS_PER_POOL = PostGraphile's --max-pool-size (in total over its workers)
MAX_TOTAL="${MAX_TOTAL:-40}"            # MAX_TOTAL_CONNECTIONS
(( GQL_WORKERS <= POOL_SIZE )) || GQL_WORKERS="$POOL_SIZE"   # each worker needs a connection of its own
REST="${REST:-0}"                       # 1: also measure Cairn's data API on the same reads (a reference for what the GraphQL face adds)
PROFILE="${PROFILE:-0}"                 # 1: record a JFR profile of Cairn during each measured run (raw outputs; perturbs the numbers a little)
APP_NAME="${APP_NAME:-cairn-bench-gql}"
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER
export PGAPPNAME=cairn-bench-harness

CONTROL_DB=cairn_bench_gql
PLATFORM=benchgql
TENANT=t1
DB="${PLATFORM}_${TENANT}"
USERS=10000
CONVERSATIONS=100000
LIST_ROWS=50
ADMIN_TOKEN="bench-$(openssl rand -hex 16)"
JWT_SECRET="$(openssl rand -hex 24)"    # 48 characters (HS256 needs at least 32 bytes)
BASE="http://127.0.0.1:$PORT"
GQL="http://127.0.0.1:$GQL_PORT/graphql"
START_TIMEOUT=120                       # seconds to wait for Cairn's /health or PostGraphile's first answer

# ---- the documents -----------------------------------------------------------------------------
# Each side in its own schema's names, aliased to the same response shape so compare.js can match
# them field by field. __ID__ is replaced by wrk.lua with a random id per request (and by the
# checks with a fixed one).
#   Cairn:        usersByPk(id:), conversations(orderBy:, take:) with the to-one relation `user`
#   PostGraphile: userById(id:), allConversations(orderBy:, first:) { nodes } with `userByUserId`
Q_CAIRN_GET='query UserById($id: Int!) { user: usersByPk(id: $id) { id name email active createdAt } }'
Q_GQL_GET='query UserById($id: Int!) { user: userById(id: $id) { id name email active createdAt } }'
Q_CAIRN_LIST="{ conversations(orderBy: [{id: asc}], take: $LIST_ROWS) { id userId title createdAt user { id name email active } } }"
Q_GQL_LIST="{ conversations: allConversations(orderBy: ID_ASC, first: $LIST_ROWS) { nodes { id userId title createdAt user: userByUserId { id name email active } } } }"
# The optional REST reference (REST=1): the same reads from Cairn's data API, same fields.
urlenc() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }
declare -A RPATH=(
  [rest-get]="/v1/users/__ID__?select=$(urlenc '{"id":true,"name":true,"email":true,"active":true,"createdAt":true}')"
  [rest-list]="/v1/conversations?orderBy=$(urlenc '[{"id":"asc"}]')&take=$LIST_ROWS&select=$(urlenc '{"id":true,"userId":true,"title":true,"createdAt":true}')&include=$(urlenc '{"user":{"select":{"id":true,"name":true,"email":true,"active":true}}}')"
)
get_body() { printf '{"query":"%s","variables":{"id":__ID__}}' "$1"; }
list_body() { printf '{"query":"%s"}' "$1"; }
declare -A BODY=(
  [cairn-get]="$(get_body "$Q_CAIRN_GET")"   [gql-get]="$(get_body "$Q_GQL_GET")"
  [cairn-list]="$(list_body "$Q_CAIRN_LIST")" [gql-list]="$(list_body "$Q_GQL_LIST")"
)

# ---- small helpers -----------------------------------------------------------------------------
BENCH_TAG=graphql
BENCH_SCRIPT=bench/graphql.sh
source "$bench/lib.sh"   # log, die, now_us, psql_q, calc, port_taken, stop_process, stop_gateway, drop_databases
source "$bench/compare.sh"   # stop_postgraphile, cpu_snapshot, start_gateway, start_postgraphile, make_jwt
GQL_DIR="$GQL_CACHE"   # where start_postgraphile runs PostGraphile

# ---- cleanup -----------------------------------------------------------------------------------
GW_PID=""
GQL_PID=""
OWN_DATABASES=0   # set once we know the databases we will drop are ours (they did not exist before)


cleanup() {
  local rc=$?
  set +e
  # A signal during a wrk run is handled inside run_wrk's `{ time ...; } 2>file`: its log lines
  # belong on the script's stderr, not in that file.
  [[ -n "${ERR_FD:-}" ]] && exec 2>&"$ERR_FD"
  stop_postgraphile
  stop_gateway
  end_run "$rc"
}

exec {ERR_FD}>&2   # the script's stderr, for cleanup()
start_run "$@"

# ---- preflight ---------------------------------------------------------------------------------
command -v wrk >/dev/null || die "wrk is not installed: apt-get install -y wrk"
for tool in psql curl awk openssl node npm tar; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
psql_q "SELECT 1" >/dev/null || die "cannot connect to PostgreSQL at $PGUSER@$PGHOST:$PGPORT"
port_taken "$PORT" && die "port $PORT is in use (set PORT)"
port_taken "$GQL_PORT" && die "port $GQL_PORT is in use (set GQL_PORT)"
refuse_leftovers
(( GQL_WORKERS >= 1 )) || die "GQL_WORKERS must be 1 or more"
[[ "$GQL_CACHE" != "$root"* ]] || die "GQL_CACHE ($GQL_CACHE) is inside the repository; nothing from npm goes there"

# PostGraphile, pinned in bench/graphql/package.json + package-lock.json, installed by npm ci into
# GQL_CACHE (outside the repository) when missing or when the pinned files changed.
postgraphile="$GQL_CACHE/node_modules/postgraphile/cli.js"
if ! cmp -s "$gd/package-lock.json" "$GQL_CACHE/package-lock.json" || ! cmp -s "$gd/package.json" "$GQL_CACHE/package.json" ||
   [[ ! -e "$GQL_CACHE/node_modules/.package-lock.json" || ! -e "$postgraphile" ]]; then
  log "installing PostGraphile (npm ci in $GQL_CACHE)"
  mkdir -p "$GQL_CACHE"
  cp "$gd/package.json" "$gd/package-lock.json" "$GQL_CACHE/"
  (cd "$GQL_CACHE" && npm ci --no-audit --no-fund --loglevel=error) >&2 || die "npm ci failed in $GQL_CACHE"
fi
gql_version="$(node -p "require('$GQL_CACHE/node_modules/postgraphile/package.json').version")"
want_version="$(node -p "require('$gd/package.json').dependencies.postgraphile")"
[[ "$gql_version" == "$want_version" ]] ||
  die "$GQL_CACHE has postgraphile $gql_version, bench/graphql/package.json pins $want_version: rm -rf $GQL_CACHE"
[[ "$gql_version" == 4.* ]] || die "PostGraphile 4 expected, package.json pins $gql_version"

OWN_DATABASES=1

new_report -graphql
build_server

# ---- CPU accounting (as in bench/data-api.sh) --------------------------------------------------
CLK_TCK="$(getconf CLK_TCK)"
PG_DATA="$(psql_q "SHOW data_directory")"
PM_PID="$(head -1 "$PG_DATA/postmaster.pid" 2>/dev/null || echo "")"


# ---- the two servers ---------------------------------------------------------------------------
# PROFILE=1: JFR's default stack depth (64 frames) cuts the roots off graphql-java's deeper stacks.
[[ "$PROFILE" == 1 ]] && export CAIRN_JAVA_OPTS="${CAIRN_JAVA_OPTS:+$CAIRN_JAVA_OPTS }-XX:FlightRecorderOptions:stackdepth=512"
set_gateway_env JWT_SECRET="$JWT_SECRET" MAX_CONNECTIONS_PER_POOL="$POOL_SIZE"


# Production settings: no --watch, no GraphiQL, no query log, NODE_ENV=production; the same
# connection budget as Cairn's pool (split over the workers when GQL_WORKERS > 1).
gql_pool=$(( POOL_SIZE / GQL_WORKERS ))
gql_cmd=(node "$postgraphile"
  -c "postgres://$PGUSER@$PGHOST:$PGPORT/$DB" --schema public --host 127.0.0.1 --port "$GQL_PORT"
  --disable-query-log --disable-graphiql --max-pool-size "$gql_pool")
(( GQL_WORKERS > 1 )) && gql_cmd+=(--cluster-workers "$GQL_WORKERS")


# ---- checks: each document once on each server, before any load ---------------------------------
# ask NAME ID URL CURL_ARGS...: POSTs BODY[NAME] (with __ID__ as ID) to URL; the answer goes to
# $RAW/check-NAME[-ID].json; dies on a status other than 200.
ask() {
  local name="$1" id="$2" url="$3" code out
  shift 3
  out="$RAW/check-$name${id:+-$id}.json"
  code="$(curl -s -o "$out" -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' "$@" \
    --data-binary "${BODY[$name]//__ID__/$id}" "$url" || true)"
  [[ "$code" == 200 ]] || die "check $name: expected 200, got $code: $(head -c 2000 "$out")"
}
# ask_rest NAME ID: GETs RPATH[NAME] (with __ID__ as ID) from Cairn's data API, as ask does.
ask_rest() {
  local name="$1" id="$2" code out
  out="$RAW/check-$name${id:+-$id}.json"
  code="$(curl -s -o "$out" -w '%{http_code}' --max-time 10 "${auth[@]}" "$BASE${RPATH[$name]//__ID__/$id}" || true)"
  [[ "$code" == 200 ]] || die "check $name: expected 200, got $code: $(head -c 2000 "$out")"
}
# same WORKLOAD ID|N [A B LABELS]: two answers to one workload, compared by compare.js: by default
# Cairn's GraphQL (cairn-*) and PostGraphile's (gql-*).
same() {
  local w="$1" arg="$2" a="${3:-cairn}" b="${4:-gql}" labels="${5:-Cairn,PostGraphile}" suffix="" verdict
  [[ "$w" == get ]] && suffix="-$arg"
  verdict="$(COMPARE_LABELS="$labels" node "$gd/compare.js" "$w" "$RAW/check-$a-$w$suffix.json" "$RAW/check-$b-$w$suffix.json" "$arg" 2>&1)" ||
    die "check $w${suffix}: $verdict"
  log "check $w${suffix} (${labels/,/ vs }): $verdict"
  CHECKS+=("$w${suffix}, ${labels/,/ vs }: $verdict")
}

# ---- load --------------------------------------------------------------------------------------
# run_wrk NAME SCENARIO SECONDS URL: wrk with bench/graphql/wrk.lua; stdout in $RAW/NAME.txt, CPU
# counters in $RAW/NAME.cpu ("busy0 server0 pg0 busy1 server1 pg1 client_user client_sys wall").
# A status other than 200, a socket error or a GraphQL response with "errors" (or without "data")
# is counted, reported, and makes the run exit non-zero once the report is written.
declare -A WRK_CMD
BAD_RUNS=()
WARMUP_ERRORS=()
run_wrk() {
  local name="$1" scenario="$2" secs="$3" url="$4" server_pid before after statuses errors gql_errors
  local TIMEFORMAT='%U %S %R'
  local cmd=(wrk -t"$THREADS" -c"$CLIENTS" -d"${secs}s" --latency -s "$gd/wrk.lua" "$url") vars=(BENCH_MAX_ID="$USERS")
  if [[ "$scenario" == rest-* ]]; then
    vars+=(BENCH_PATH="${RPATH[$scenario]}")
  else
    vars+=(BENCH_BODY="${BODY[$scenario]}")
  fi
  local shown v
  shown="$(for v in "${vars[@]}"; do printf "%s='%s' " "${v%%=*}" "${v#*=}"; done)"
  if [[ "$scenario" == gql-* ]]; then
    server_pid="$GQL_PID"
    WRK_CMD[$scenario]="$shown${cmd[*]}"
  else
    server_pid="$GW_PID"
    WRK_CMD[$scenario]="${shown}BENCH_JWT=… BENCH_TENANT=$TENANT ${cmd[*]}"
    vars+=(BENCH_JWT="$JWT" BENCH_TENANT="$TENANT")
  fi
  before="$(cpu_snapshot "$server_pid")"
  { time env "${vars[@]}" "${cmd[@]}" >"$RAW/$name.txt" 2>"$RAW/$name.err"; } 2>"$RAW/$name.time" ||
    die "$name: wrk failed: $(tail -5 "$RAW/$name.err" "$RAW/$name.txt" 2>/dev/null)"
  after="$(cpu_snapshot "$server_pid")"
  echo "$before $after $(tail -1 "$RAW/$name.time")" >"$RAW/$name.cpu"
  statuses="$(sed -n 's/^statuses: //p' "$RAW/$name.txt")"
  errors="$(sed -n 's/^errors //p' "$RAW/$name.txt")"
  gql_errors="$(awk '/^graphql_errors / { print $2 }' "$RAW/$name.txt")"
  if [[ ! "$statuses" =~ ^200=[0-9]+$ || "$errors" != "connect 0 read 0 write 0 timeout 0 status 0" || "${gql_errors:-0}" != 0 ]]; then
    log "$name: ERRORS: statuses $statuses; socket $errors; GraphQL errors ${gql_errors:-?}"
    # A warm-up's errors (a request of the cold JVM over wrk's 2 s timeout) are reported, not fatal.
    if [[ "$name" == *-warmup ]]; then
      WARMUP_ERRORS+=("$name: statuses $statuses; socket $errors; GraphQL errors ${gql_errors:-?}")
    else
      BAD_RUNS+=("$name")
    fi
  fi
  log "$name: $(awk '/^Requests\/sec:/ { print $2 }' "$RAW/$name.txt") req/s ($statuses)"
}

# measure NAME URL: a WARMUP-second run (skipped with WARMUP=0), a CHECKPOINT (so that the measured
# run does not pay for the warm-up's dirty pages), then the DURATION-second measured run; with
# PROFILE=1 a JFR recording of Cairn covers the measured run.
measure() {
  local name="$1" url="$2"
  log "$name: warm-up ${WARMUP}s, then ${DURATION}s measured"
  if (( WARMUP > 0 )); then run_wrk "$name-warmup" "$name" "$WARMUP" "$url"; fi
  psql_q "CHECKPOINT" >/dev/null
  if [[ "$PROFILE" == 1 && "$name" == cairn-* ]]; then
    "$gw_java_home/bin/jcmd" "$GW_PID" JFR.start name="$name" settings=profile >"$RAW/$name.jfr.log" 2>&1 || log "JFR.start failed"
  fi
  run_wrk "$name" "$name" "$DURATION" "$url"
  if [[ "$PROFILE" == 1 && "$name" == cairn-* ]]; then
    "$gw_java_home/bin/jcmd" "$GW_PID" JFR.stop name="$name" filename="$RAW/$name.jfr" >>"$RAW/$name.jfr.log" 2>&1 || log "JFR.stop failed"
    "$gw_java_home/bin/jfr" print --stack-depth 512 --events jdk.ExecutionSample "$RAW/$name.jfr" |
      node "$gd/profile.js" >"$RAW/$name.profile.md" 2>&1 || true
    log "$name: JFR profile in $RAW/$name.jfr (summary: $name.profile.md)"
  fi
}

# ---- environment -------------------------------------------------------------------------------
log "environment"
describe_machine
node_version="$(node --version)"

# ---- 1. Cairn up, the bundle registered, the tables seeded --------------------------------------
start_gateway
log "registering platform $PLATFORM tenant $TENANT"
tar -czf "$RAW/bundle.tar.gz" -C "$gd/bundle" postgresql
code="$(curl -s -o "$RAW/register.json" -w '%{http_code}' \
  -F platform="$PLATFORM" -F tenant_id="$TENANT" -F schema=@"$RAW/bundle.tar.gz" "$BASE/register")"
[[ "$code" == 200 ]] || die "register answered $code: $(cat "$RAW/register.json")"
[[ -n "$(psql_q "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]] || die "register did not create $DB: $(cat "$RAW/register.json")"

log "seeding $USERS users and $CONVERSATIONS conversations"
psql_q "INSERT INTO users (id, name, email, active, created_at)
        SELECT g, 'user ' || g, 'user' || g || '@example.com', g % 3 <> 0,
               timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute'
        FROM generate_series(1, $USERS) AS g" "$DB" >/dev/null
psql_q "INSERT INTO conversations (id, user_id, title, created_at)
        SELECT g, 1 + (g - 1) % $USERS, 'conversation ' || g,
               timestamptz '2024-02-01 00:00:00+00' + g * interval '17 seconds'
        FROM generate_series(1, $CONVERSATIONS) AS g" "$DB" >/dev/null
psql_q "ANALYZE users; ANALYZE conversations" "$DB" >/dev/null
read -r n_users n_conv < <(psql_q "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM conversations)" "$DB" | tr '|' ' ')
[[ "$n_users" == "$USERS" && "$n_conv" == "$CONVERSATIONS" ]] ||
  die "seeding: $n_users users, $n_conv conversations (expected $USERS, $CONVERSATIONS)"

JWT="$(make_jwt)"

# ---- 2. each document once on each server; the answers must be the same data ---------------------
log "starting PostGraphile $gql_version"
start_postgraphile
auth=(-H "Authorization: Bearer $JWT" -H "x-tenant-id: $TENANT")
CHECKS=()
for id in 42 "$USERS"; do
  ask cairn-get "$id" "$BASE/graphql" "${auth[@]}"
  ask gql-get "$id" "$GQL"
  same get "$id"
done
ask cairn-list "" "$BASE/graphql" "${auth[@]}"
ask gql-list "" "$GQL"
same list "$LIST_ROWS"
if [[ "$REST" == 1 ]]; then
  ask_rest rest-get 42
  same get 42 rest cairn "Cairn data API,Cairn GraphQL"
  ask_rest rest-list ""
  same list "$LIST_ROWS" rest cairn "Cairn data API,Cairn GraphQL"
fi
# Response sizes (bytes on the wire, body only) of one answer each, for the report.
declare -A BYTES=(
  [cairn-get]="$(wc -c <"$RAW/check-cairn-get-42.json")" [gql-get]="$(wc -c <"$RAW/check-gql-get-42.json")"
  [cairn-list]="$(wc -c <"$RAW/check-cairn-list.json")" [gql-list]="$(wc -c <"$RAW/check-gql-list.json")"
)
if [[ "$REST" == 1 ]]; then
  BYTES[rest-get]="$(wc -c <"$RAW/check-rest-get-42.json")"
  BYTES[rest-list]="$(wc -c <"$RAW/check-rest-list.json")"
fi
cairn_statements="$(node -p "JSON.parse(require('fs').readFileSync('$RAW/check-cairn-list.json','utf8')).extensions.statements" 2>/dev/null || echo '?')"

# ---- 3. load: PostGraphile first (Cairn idle), then Cairn (PostGraphile stopped) ----------------
measure gql-get "$GQL"
measure gql-list "$GQL"
stop_postgraphile
measure cairn-get "$BASE/graphql"
measure cairn-list "$BASE/graphql"
if [[ "$REST" == 1 ]]; then
  measure rest-get "$BASE"
  measure rest-list "$BASE"
fi

# ---- collect the numbers -----------------------------------------------------------------------
stop_gateway
gw_warnings="$(grep -cE ' (WARN|ERROR) ' "$RAW/gateway.log" || true)"
gw_warning_lines="$(grep -hE ' (WARN|ERROR) ' "$RAW/gateway.log" | cut -d' ' -f2- | sort | uniq -c | sort -rn | head -5 || true)"

all=(gql-get gql-list cairn-get cairn-list)
[[ "$REST" == 1 ]] && all+=(rest-get rest-list)
declare -A RPS P50 P99 REQS ERRS CPU_SRV CPU_PG BUSY OTHER WARM
for s in "${all[@]}"; do
  RPS[$s]="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$RAW/$s.txt")"
  P50[$s]="$(awk '/^latency_us p50 / { printf "%.2f", $3 / 1000 }' "$RAW/$s.txt")"
  P99[$s]="$(awk '/^latency_us p99 / { printf "%.2f", $3 / 1000 }' "$RAW/$s.txt")"
  REQS[$s]="$(awk '/^requests / { print $2 }' "$RAW/$s.txt")"
  # Errors: responses other than 200, socket errors, and 200s carrying GraphQL errors.
  ERRS[$s]="$(awk '/^statuses: / { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] != "200") n += kv[2] } }
                   /^errors / { n += $3 + $5 + $7 + $9 } /^graphql_errors / { n += $2 } END { print n + 0 }' "$RAW/$s.txt")"
  WARM[$s]="–"
  [[ -f "$RAW/$s-warmup.txt" ]] && WARM[$s]="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$RAW/$s-warmup.txt")"
  # Other: what the machine was busy with besides the server, PostgreSQL and wrk (the .cpu file's
  # fields 7 and 8 are wrk's user and system seconds, 9 the wall clock), as a share of all CPUs.
  read -r CPU_SRV[$s] CPU_PG[$s] BUSY[$s] OTHER[$s] < <(awk -v ops="${REQS[$s]}" -v hz="$CLK_TCK" -v ncpu="$(nproc)" '{
      if (ops <= 0) ops = 1
      other = (($4 - $1) - ($5 - $2) - ($6 - $3)) / hz - $7 - $8
      if (other < 0) other = 0
      printf "%.0f %.0f %.0f %.0f\n", ($5 - $2) / hz / ops * 1e6, ($6 - $3) / hz / ops * 1e6,
             ($4 - $1) / hz / ($9 * ncpu) * 100, other / ($9 * ncpu) * 100 }' "$RAW/$s.cpu")
done
ratio_get="$(calc "${RPS[cairn-get]} / ${RPS[gql-get]}")"
ratio_list="$(calc "${RPS[cairn-list]} / ${RPS[gql-list]}")"
short=""
(( DURATION < 20 || WARMUP < 20 )) && short="
> **Short run** (DURATION=$DURATION, WARMUP=$WARMUP): the JVM is not warm and the numbers are noisy;
> they show that the harness works, not how fast anything is.
"
rest_rows=""
if [[ "$REST" == 1 ]]; then
  rest_rows="
| *reference: (a) from Cairn's data API* | Cairn REST | ${RPS[rest-get]} | ${P50[rest-get]} | ${P99[rest-get]} | ${ERRS[rest-get]} | $(calc "${RPS[rest-get]} / ${RPS[gql-get]}")× (GraphQL is $(calc "${RPS[cairn-get]} / ${RPS[rest-get]}")× REST) |
| *reference: (b) from Cairn's data API* | Cairn REST | ${RPS[rest-list]} | ${P50[rest-list]} | ${P99[rest-list]} | ${ERRS[rest-list]} | $(calc "${RPS[rest-list]} / ${RPS[gql-list]}")× (GraphQL is $(calc "${RPS[cairn-list]} / ${RPS[rest-list]}")× REST) |"
fi
warmup_note=""
(( ${#WARMUP_ERRORS[@]} == 0 )) ||
  warmup_note="

Errors during warm-ups (not measured): $(printf '%s; ' "${WARMUP_ERRORS[@]}" | sed 's/; $//')."
profiled=""
[[ "$PROFILE" == 1 ]] && profiled="; **PROFILE=1**: a JFR recording (settings=profile) ran during Cairn's measured runs"
bad=""
(( ${#BAD_RUNS[@]} == 0 )) || bad="
> **ERRORS** in ${BAD_RUNS[*]}: some responses were not a 200 with data and no \`errors\`, or sockets
> failed (see the Errors column and the raw wrk outputs); those runs' throughput is not comparable.
"

# ---- the report --------------------------------------------------------------------------------
{
cat <<EOF
# Cairn GraphQL vs PostGraphile 4 — $(date '+%Y-%m-%d %H:%M %Z')
$short$bad
| | |
|---|---|
| Commit | \`$git_rev\` |
| Machine | $(nproc) CPUs ($cpu_model), $mem_total RAM, $(uname -sr) |
| Cairn | \`POST /graphql\`; JDK: $jdk_version; MAX_CONNECTIONS_PER_POOL=$POOL_SIZE, MAX_TOTAL_CONNECTIONS=$MAX_TOTAL, JWT_SECRET (HS256) set, LOG_LEVEL=${LOG_LEVEL:-info}, CAIRN_JAVA_OPTS=${CAIRN_JAVA_OPTS:-(none)}$profiled |
| PostGraphile | $gql_version on Node $node_version, NODE_ENV=production, $GQL_WORKERS process(es) × --max-pool-size $gql_pool = $(( GQL_WORKERS * gql_pool )) connections |
| Pools | Cairn: up to $POOL_SIZE connections to the tenant database; PostGraphile: $(( GQL_WORKERS * gql_pool )) in total |
| PostgreSQL | $pg_version, $PGHOST:$PGPORT, database $DB ($USERS \`users\`, $CONVERSATIONS \`conversations\` with \`user_id\` → \`users\`) |
| Load | $({ wrk --version 2>&1 || true; } | head -1 | cut -d' ' -f1-2), $THREADS threads, $CLIENTS connections, ${WARMUP}s warm-up + ${DURATION}s measured per run |
| Load before the run | $load_before (1/5/15 min)${busy_before:+; busy processes: $busy_before} |

wrk, the server measured, PostgreSQL (and the idle other server) share the same $(nproc) CPUs.
PostGraphile is measured first while Cairn is up but idle; it is stopped before Cairn is measured.

## Summary

| Workload | Server | req/s | p50 ms | p99 ms | Errors | Cairn / PostGraphile |
|---|---|---|---|---|---|---|
| (a) one user by primary key | Cairn | ${RPS[cairn-get]} | ${P50[cairn-get]} | ${P99[cairn-get]} | ${ERRS[cairn-get]} | **${ratio_get}×** |
| | PostGraphile | ${RPS[gql-get]} | ${P50[gql-get]} | ${P99[gql-get]} | ${ERRS[gql-get]} | |
| (b) $LIST_ROWS conversations, each with its user | Cairn | ${RPS[cairn-list]} | ${P50[cairn-list]} | ${P99[cairn-list]} | ${ERRS[cairn-list]} | **${ratio_list}×** |
| | PostGraphile | ${RPS[gql-list]} | ${P50[gql-list]} | ${P99[gql-list]} | ${ERRS[gql-list]} | |$rest_rows

Errors: responses other than 200, socket errors, and 200s whose body has \`errors\` or no \`data\`
(counted by wrk.lua on every response); the run exits non-zero if any is not 0.$warmup_note

## CPU per request

CPU time used during the measured run divided by the requests served. "Server" is the Cairn JVM
or the PostGraphile Node process(es); PostgreSQL is the postmaster and every backend. "CPUs busy"
is the whole machine; "Other processes" is the part of it that was neither the server, PostgreSQL
nor wrk (another job on the machine; near 0 % on a quiet machine), both as a share of all CPUs.

| Run | Requests | Response bytes | Server µs/req | PostgreSQL µs/req | CPUs busy | Other processes | Warm-up req/s |
|---|---|---|---|---|---|---|---|
EOF
for s in "${all[@]}"; do
  echo "| $s | ${REQS[$s]} | ${BYTES[$s]} | ${CPU_SRV[$s]} | ${CPU_PG[$s]} | ${BUSY[$s]} % | ${OTHER[$s]} % | ${WARM[$s]} |"
done
cat <<EOF

## The documents

Both sides' documents alias their fields to the same response shape, and before any load both
servers answered each once and were compared field by field (\`bench/graphql/compare.js\`;
timestamps compared as instants): users 42 and $USERS, and the list:

$(for c in "${CHECKS[@]}"; do echo "- $c"; done)

| Workload | Cairn | PostGraphile |
|---|---|---|
| (a) get | \`$Q_CAIRN_GET\` with \`{"id": <random 1..$USERS>}\` | \`$Q_GQL_GET\` with \`{"id": <random 1..$USERS>}\` |
| (b) list | \`$Q_CAIRN_LIST\` | \`$Q_GQL_LIST\` |
$( [[ "$REST" == 1 ]] && printf '\nREST reference (REST=1), run after the GraphQL runs on the same warm JVM: (a) `GET %s`, (b) `GET %s`.\n' "${RPATH[rest-get]}" "${RPATH[rest-list]}")

Cairn gets \`Authorization: Bearer <JWT>\` (HS256, verified on every request) and
\`x-tenant-id: $TENANT\`; PostGraphile no authentication. Cairn answers the list in
$cairn_statements SQL statement (\`extensions.statements\`); PostGraphile also reads the nested
users inside its one statement. Cairn's answers carry \`extensions\` (cost, statements) beside
\`data\`, hence a few more bytes.

$(if [[ "$PROFILE" == 1 ]]; then
  printf '\n## Where Cairn spends its Java CPU (PROFILE=1)\n\n'
  printf 'JFR execution samples (settings=profile) over each measured Cairn run, summarised by `bench/graphql/profile.js`:\n'
  printf 'the share of samples whose stack contains each step (inclusive). Java code only: kernel time, GC and JIT are not sampled.\n'
  for s in cairn-get cairn-list; do printf '\n**%s**\n\n' "$s"; cat "$RAW/$s.profile.md" 2>/dev/null || echo "(no profile)"; done
fi)

Gateway log: $gw_warnings WARN/ERROR lines.
$( [[ -n "$gw_warning_lines" ]] && printf '\n```\n%s\n```\n' "$gw_warning_lines")

## Commands

\`\`\`
# Cairn
$(printf '%s ' "${gateway_env[@]}" | sed -e "s/ADMIN_TOKEN=[^ ]*/ADMIN_TOKEN=…/" -e "s/JWT_SECRET=[^ ]*/JWT_SECRET=…/") ./cairn serve
# PostGraphile
NODE_ENV=production ${gql_cmd[*]}
# load (each after a ${WARMUP}s warm-up of the same command; wrk.lua replaces __ID__ by a random id 1..$USERS)
$(for s in "${all[@]}"; do echo "${WRK_CMD[$s]}"; done)
\`\`\`

Raw outputs: \`bench/results/$stamp/\`.
EOF
} >"$REPORT"
sed -i -e "s#$root/##g" -e "s#$GQL_CACHE#\$GQL_CACHE#g" "$REPORT"

log "report: $REPORT"
cat "$REPORT"
(( ${#BAD_RUNS[@]} == 0 )) || die "errors in ${BAD_RUNS[*]}"
