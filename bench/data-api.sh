#!/usr/bin/env bash
# Data-API benchmark: Cairn's /v1/{entity} against PostGraphile 4 on the same table, the same
# machine and the same run. Measures a single-row GET by primary key, a 50-row filtered list, and
# what idempotency costs on a create (Cairn only), then writes
# bench/results/YYYY-MM-DD-HHMM-data-api.md (raw outputs in bench/results/YYYY-MM-DD-HHMM-data-api/)
# and prints it. Everything it creates in PostgreSQL is dropped at the end, also on failure.
#
# usage: bench/data-api.sh            run the benchmark (knobs below, as environment variables)
#        bench/data-api.sh cleanup    drop what a KEEP=1 or killed run left behind
#
# See bench/README.md ("Data API vs PostGraphile") for what each number means.
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
da="$bench/data-api"   # the bundle, the wrk script, package.json (PostGraphile) and its node_modules

# ---- knobs -------------------------------------------------------------------------------------
DURATION="${DURATION:-20}"              # seconds of each measured wrk run
WARMUP="${WARMUP:-30}"                  # seconds of wrk before each measured run (same scenario; the JIT needs ~30 s on 2 cores)
CLIENTS="${CLIENTS:-32}"                # wrk connections
THREADS="${THREADS:-2}"                 # wrk threads
PORT="${PORT:-9410}"                    # Cairn
GQL_PORT="${GQL_PORT:-9411}"            # PostGraphile
GQL_WORKERS="${GQL_WORKERS:-$(nproc)}"  # PostGraphile Node processes (--cluster-workers when > 1); one per core by default
KEEP="${KEEP:-0}"                       # 1: keep the databases (drop them later with `data-api.sh cleanup`)
POOL_SIZE="${POOL_SIZE:-10}"            # Cairn's MAX_CONNECTIONS_PER_POOL = PostGraphile's --max-pool-size (in total over its workers)
MAX_TOTAL="${MAX_TOTAL:-40}"            # MAX_TOTAL_CONNECTIONS
(( GQL_WORKERS <= POOL_SIZE )) || GQL_WORKERS="$POOL_SIZE"   # each worker needs a connection of its own
CATEGORY="${CATEGORY:-c3}"              # the category of the list scenario (c1..c20, 500 rows each)
APP_NAME="${APP_NAME:-cairn-bench-data}"
SKIP_CAIRN="${SKIP_CAIRN:-0}"           # 1: measure PostGraphile only (Cairn still registers the bundle); checks the harness
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER
export PGAPPNAME=cairn-bench-harness

CONTROL_DB=cairn_bench_data
PLATFORM=benchdata
TENANT=t1
DB="${PLATFORM}_${TENANT}"
ROWS=10000
CATEGORIES=20
ADMIN_TOKEN="bench-$(openssl rand -hex 16)"
JWT_SECRET="$(openssl rand -hex 24)"    # 48 characters (HS256 needs at least 32 bytes)
BASE="http://127.0.0.1:$PORT"
GQL="http://127.0.0.1:$GQL_PORT/graphql"
START_TIMEOUT=120                       # seconds to wait for Cairn's /health or PostGraphile's first answer
# The list filter, URL-encoded: {"category":"c3"}
LIST_QUERY="where=%7B%22category%22%3A%22$CATEGORY%22%7D&take=50"

# ---- small helpers -----------------------------------------------------------------------------
BENCH_TAG=data-api
BENCH_SCRIPT=bench/data-api.sh
source "$bench/lib.sh"   # log, die, now_us, psql_q, calc, port_taken, stop_process, stop_gateway, drop_databases
source "$bench/compare.sh"   # stop_postgraphile, cpu_snapshot, start_gateway, start_postgraphile, make_jwt
GQL_DIR="$da"   # where start_postgraphile runs PostGraphile

# ---- cleanup -----------------------------------------------------------------------------------
GW_PID=""
GQL_PID=""
OWN_DATABASES=0   # set once we know the databases we will drop are ours (they did not exist before)


cleanup() {
  local rc=$?
  set +e
  stop_postgraphile
  stop_gateway
  end_run "$rc"
}

start_run "$@"

# ---- preflight ---------------------------------------------------------------------------------
command -v wrk >/dev/null || die "wrk is not installed: apt-get install -y wrk"
for tool in psql curl tar awk openssl node npm; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
psql_q "SELECT 1" >/dev/null || die "cannot connect to PostgreSQL at $PGUSER@$PGHOST:$PGPORT"
port_taken "$PORT" && die "port $PORT is in use (set PORT)"
port_taken "$GQL_PORT" && die "port $GQL_PORT is in use (set GQL_PORT)"
refuse_leftovers
(( GQL_WORKERS >= 1 )) || die "GQL_WORKERS must be 1 or more"

# PostGraphile, pinned in bench/data-api/package.json + package-lock.json, into bench/data-api/node_modules.
postgraphile="$da/node_modules/postgraphile/cli.js"
if [[ ! -e "$da/node_modules/.package-lock.json" || "$da/package-lock.json" -nt "$da/node_modules/.package-lock.json" ]]; then
  log "installing PostGraphile (npm ci in bench/data-api)"
  (cd "$da" && npm ci --no-audit --no-fund --loglevel=error) >&2 || die "npm ci failed in $da"
fi
gql_version="$(node -p "require('$da/node_modules/postgraphile/package.json').version")"
want_version="$(node -p "require('$da/package.json').dependencies.postgraphile")"
[[ "$gql_version" == "$want_version" ]] ||
  die "bench/data-api/node_modules has postgraphile $gql_version, package.json pins $want_version: rm -rf bench/data-api/node_modules"
[[ "$gql_version" == 4.* ]] || die "PostGraphile 4 expected, package.json pins $gql_version"

OWN_DATABASES=1

new_report -data-api
build_server

# ---- CPU accounting (as in bench/run.sh) -------------------------------------------------------
CLK_TCK="$(getconf CLK_TCK)"
PG_DATA="$(psql_q "SHOW data_directory")"
PM_PID="$(head -1 "$PG_DATA/postmaster.pid" 2>/dev/null || echo "")"


# ---- the two servers ---------------------------------------------------------------------------
set_gateway_env JWT_SECRET="$JWT_SECRET" MAX_CONNECTIONS_PER_POOL="$POOL_SIZE"


# Production settings: no --watch, no GraphiQL, no query log, NODE_ENV=production; the same
# connection budget as Cairn's pool (split over the workers when GQL_WORKERS > 1).
gql_pool=$(( POOL_SIZE / GQL_WORKERS ))
gql_cmd=(node "$postgraphile"
  -c "postgres://$PGUSER@$PGHOST:$PGPORT/$DB" --schema public --host 127.0.0.1 --port "$GQL_PORT"
  --disable-query-log --disable-graphiql --max-pool-size "$gql_pool")
(( GQL_WORKERS > 1 )) && gql_cmd+=(--cluster-workers "$GQL_WORKERS")


# ---- checks: each request once, before any load --------------------------------------------------
# check NAME EXPECTED_STATUS CURL_ARGS...: the body goes to $RAW/check-NAME.json; dies with it on
# another status.
check() {
  local name="$1" want="$2" code
  shift 2
  code="$(curl -s -o "$RAW/check-$name.json" -w '%{http_code}' --max-time 10 "$@" || true)"
  [[ "$code" == "$want" ]] || die "check $name: expected $want, got $code: $(head -c 2000 "$RAW/check-$name.json")"
}
body_has() { # NAME REGEX WHAT
  grep -Eq -- "$2" "$RAW/check-$1.json" || die "check $1: $3: $(head -c 2000 "$RAW/check-$1.json")"
}
count_in() { { grep -Eo -- "$2" "$RAW/check-$1.json" || true; } | wc -l; }

# ---- load --------------------------------------------------------------------------------------
# run_wrk NAME SCENARIO SECONDS URL: wrk with bench/data-api/wrk.lua; stdout in $RAW/NAME.txt,
# CPU counters in $RAW/NAME.cpu ("busy0 server0 pg0 busy1 server1 pg1 client_user client_sys wall").
# Fails the run on any status other than the expected one, on socket errors and, for GraphQL, on
# any response carrying "errors".
declare -A WRK_CMD EXPECT=([cairn-get]=200 [cairn-list]=200 [cairn-create]=201 [cairn-create-idem]=201 [gql-get]=200 [gql-list]=200)
run_wrk() {
  local name="$1" scenario="$2" secs="$3" url="$4" server_pid before after statuses errors gql_errors
  local TIMEFORMAT='%U %S %R'
  local cmd=(wrk -t"$THREADS" -c"$CLIENTS" -d"${secs}s" --latency -s "$da/wrk.lua" "$url")
  WRK_CMD[$scenario]="BENCH_SCENARIO=$scenario ${cmd[*]}"
  server_pid="$GW_PID"; [[ "$scenario" == gql-* ]] && server_pid="$GQL_PID"
  before="$(cpu_snapshot "$server_pid")"
  { time env BENCH_SCENARIO="$scenario" BENCH_MAX_ID="$ROWS" BENCH_JWT="$JWT" BENCH_TENANT="$TENANT" \
      BENCH_CATEGORY="$CATEGORY" BENCH_KEY_PREFIX="$name-$(openssl rand -hex 4)" \
      "${cmd[@]}" >"$RAW/$name.txt" 2>"$RAW/$name.err"; } 2>"$RAW/$name.time" ||
    die "$name: wrk failed: $(tail -5 "$RAW/$name.err" "$RAW/$name.txt" 2>/dev/null)"
  after="$(cpu_snapshot "$server_pid")"
  echo "$before $after $(tail -1 "$RAW/$name.time")" >"$RAW/$name.cpu"
  statuses="$(sed -n 's/^statuses: //p' "$RAW/$name.txt")"
  errors="$(sed -n 's/^errors //p' "$RAW/$name.txt")"
  gql_errors="$(awk '/^graphql_errors / { print $2 }' "$RAW/$name.txt")"
  [[ "$statuses" =~ ^${EXPECT[$scenario]}=[0-9]+$ ]] ||
    die "$name: responses other than ${EXPECT[$scenario]}: statuses $statuses (wrk: $(grep -i 'non-2xx' "$RAW/$name.txt" || echo 'no non-2xx line'))"
  grep -q 'Non-2xx or 3xx responses' "$RAW/$name.txt" && die "$name: wrk counted non-2xx responses: $(grep 'Non-2xx' "$RAW/$name.txt")"
  [[ "$errors" == "connect 0 read 0 write 0 timeout 0 status 0" ]] || die "$name: socket errors: $errors"
  [[ "${gql_errors:-0}" == 0 ]] || die "$name: $gql_errors GraphQL responses carried errors"
  log "$name: $(awk '/^Requests\/sec:/ { print $2 }' "$RAW/$name.txt") req/s ($statuses)"
}

# scenario NAME SCENARIO URL: a WARMUP-second run, a CHECKPOINT (so that the measured run does not
# pay for the warm-up's dirty pages), then the DURATION-second measured run.
scenario() {
  log "$1: warm-up ${WARMUP}s, then ${DURATION}s measured"
  run_wrk "$1-warmup" "$2" "$WARMUP" "$3"
  psql_q "CHECKPOINT" >/dev/null
  run_wrk "$1" "$2" "$DURATION" "$3"
}

# ---- environment -------------------------------------------------------------------------------
log "environment"
describe_machine
node_version="$(node --version)"

# ---- 1. Cairn up, the bundle registered, the table seeded --------------------------------------
start_gateway
log "registering platform $PLATFORM tenant $TENANT"
tar -czf "$RAW/bundle.tar.gz" -C "$da/bundle" postgresql
code="$(curl -s -o "$RAW/register.json" -w '%{http_code}' \
  -F platform="$PLATFORM" -F tenant_id="$TENANT" -F schema=@"$RAW/bundle.tar.gz" "$BASE/register")"
[[ "$code" == 200 ]] || die "register answered $code: $(cat "$RAW/register.json")"
[[ -n "$(psql_q "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]] || die "register did not create $DB: $(cat "$RAW/register.json")"

log "seeding $ROWS rows"
psql_q "INSERT INTO items (name, category, price, created_at)
        SELECT 'item ' || g, 'c' || (1 + (g - 1) % $CATEGORIES), round((g % 1000) * 0.37 + 1, 2),
               timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute'
        FROM generate_series(1, $ROWS) AS g" "$DB" >/dev/null
psql_q "ANALYZE items" "$DB" >/dev/null
read -r n_rows max_id n_cat < <(psql_q "SELECT count(*), max(id), count(*) FILTER (WHERE category = '$CATEGORY') FROM items" "$DB" | tr '|' ' ')
[[ "$n_rows" == "$ROWS" && "$max_id" == "$ROWS" ]] || die "seeding: $n_rows rows, max id $max_id (expected $ROWS, ids 1..$ROWS)"
(( n_cat >= 50 )) || die "seeding: category $CATEGORY has $n_cat rows, the list needs 50"

JWT="$(make_jwt)"
printf '%s' "$JWT" | cut -d. -f2 | tr '_-' '/+' | { b=$(cat); while (( ${#b} % 4 )); do b+="="; done; echo "$b"; } |
  openssl base64 -d -A >"$RAW/jwt-claims.json"
log "JWT claims: $(cat "$RAW/jwt-claims.json")"

# ---- 2. every request once, Cairn then PostGraphile ---------------------------------------------
auth=(-H "Authorization: Bearer $JWT" -H "x-tenant-id: $TENANT")
create=(-H 'Content-Type: application/json' -d '{"name":"x","category":"c1","price":1.5}' "$BASE/v1/items")
check_cairn() {
  local n key code created_id
  log "checking Cairn's requests"
  check cairn-get 200 "${auth[@]}" "$BASE/v1/items/42"
  body_has cairn-get '"id":"?42"?[,}]' "not the row with id 42"
  check cairn-list 200 "${auth[@]}" "$BASE/v1/items?$LIST_QUERY"
  body_has cairn-list '"data":\[' "no data array"
  body_has cairn-list '"page":' "no page object"
  n="$(count_in cairn-list "\"category\":\"$CATEGORY\"")"
  [[ "$n" == 50 ]] || die "check cairn-list: $n rows of category $CATEGORY, expected 50: $(head -c 2000 "$RAW/check-cairn-list.json")"
  key="check-$(openssl rand -hex 8)"
  check cairn-create-idem 201 "${auth[@]}" -H "Idempotency-Key: $key" "${create[@]}"
  body_has cairn-create-idem '"name":"x"' "not the created row"
  created_id="$({ grep -Eo '"id":"?[0-9]+' "$RAW/check-cairn-create-idem.json" || true; } | head -1 | grep -Eo '[0-9]+$' || true)"
  [[ -n "$created_id" ]] || die "check cairn-create-idem: no id in the answer: $(head -c 2000 "$RAW/check-cairn-create-idem.json")"
  # The same key again must give the same row, not a second one: otherwise the key was not recorded.
  code="$(curl -s -o "$RAW/check-cairn-create-replay.json" -w '%{http_code}' "${auth[@]}" -H "Idempotency-Key: $key" "${create[@]}")"
  [[ "$code" == 2* ]] && grep -Eq "\"id\":\"?$created_id\"?[,}]" "$RAW/check-cairn-create-replay.json" ||
    die "check cairn-create-replay: the same Idempotency-Key again answered $code, not row $created_id: $(head -c 2000 "$RAW/check-cairn-create-replay.json")"
  check idempotency-optional 200 -X PUT -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d '{"idempotency":"optional"}' "$BASE/admin/platforms/$PLATFORM/data-api"
  check cairn-create 201 "${auth[@]}" "${create[@]}"
  body_has cairn-create '"name":"x"' "not the created row"
}
if [[ "$SKIP_CAIRN" == 1 ]]; then
  log "SKIP_CAIRN=1: Cairn's data API is neither checked nor measured"
else
  check_cairn
fi

log "starting PostGraphile $gql_version"
start_postgraphile
gql_get_body='{"query":"query ItemById($id: BigInt!) { itemById(id: $id) { id name category price createdAt } }","variables":{"id":"42"}}'
gql_list_body="{\"query\":\"{ allItems(condition: {category: \\\"$CATEGORY\\\"}, first: 50) { nodes { id name category price createdAt } } }\"}"
check gql-get 200 -H 'Content-Type: application/json' -d "$gql_get_body" "$GQL"
body_has gql-get '"itemById":\{"id":"42"' "not the row with id 42"
check gql-list 200 -H 'Content-Type: application/json' -d "$gql_list_body" "$GQL"
grep -q '"errors"' "$RAW/check-gql-list.json" && die "check gql-list: $(head -c 2000 "$RAW/check-gql-list.json")"
n="$(count_in gql-list "\"category\":\"$CATEGORY\"")"
[[ "$n" == 50 ]] || die "check gql-list: $n rows of category $CATEGORY, expected 50: $(head -c 2000 "$RAW/check-gql-list.json")"

# ---- 3. load: PostGraphile first (Cairn idle), then Cairn (PostGraphile stopped) ----------------
scenario gql-get gql-get "$GQL"
scenario gql-list gql-list "$GQL"
stop_postgraphile
if [[ "$SKIP_CAIRN" != 1 ]]; then
  scenario cairn-get cairn-get "$BASE/v1/items/1"
  scenario cairn-list cairn-list "$BASE/v1/items?$LIST_QUERY"
  # Creates last: they grow the table (category c1, so the list above is unaffected).
  scenario cairn-create cairn-create "$BASE/v1/items"
  scenario cairn-create-idem cairn-create-idem "$BASE/v1/items"
fi

# ---- collect the numbers -----------------------------------------------------------------------
health_after="$(curl -s "$BASE/health")"
# Tables of the outbox and of idempotency keys, wherever Cairn keeps them, with their row counts.
side_tables=""
for d in "$DB" "$CONTROL_DB"; do
  while IFS='|' read -r t; do
    [[ -n "$t" ]] || continue
    side_tables+="${side_tables:+, }$d: $t $(psql_q "SELECT count(*) FROM $t" "$d") rows"
  done < <(psql_q "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables
                   WHERE table_name ~* 'outbox|idempot' ORDER BY 1" "$d")
done
items_after="$(psql_q "SELECT count(*) FROM items" "$DB")"
stop_gateway
gw_warnings="$(grep -cE ' (WARN|ERROR) ' "$RAW/gateway.log" || true)"
gw_warning_lines="$(grep -hE ' (WARN|ERROR) ' "$RAW/gateway.log" | cut -d' ' -f2- | sort | uniq -c | sort -rn | head -5 || true)"

all=(gql-get gql-list cairn-get cairn-list cairn-create cairn-create-idem)
measured=()
declare -A RPS P50 P99 REQS CPU_SRV CPU_PG BUSY
for s in "${all[@]}"; do
  RPS[$s]="–"; P50[$s]="–"; P99[$s]="–"; REQS[$s]=0
  [[ -f "$RAW/$s.txt" ]] || continue
  measured+=("$s")
  RPS[$s]="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$RAW/$s.txt")"
  P50[$s]="$(awk '/^latency_us p50 / { printf "%.2f", $3 / 1000 }' "$RAW/$s.txt")"
  P99[$s]="$(awk '/^latency_us p99 / { printf "%.2f", $3 / 1000 }' "$RAW/$s.txt")"
  REQS[$s]="$(awk '/^requests / { print $2 }' "$RAW/$s.txt")"
  read -r CPU_SRV[$s] CPU_PG[$s] BUSY[$s] < <(awk -v ops="${REQS[$s]}" -v hz="$CLK_TCK" -v ncpu="$(nproc)" '{
      if (ops <= 0) ops = 1
      printf "%.0f %.0f %.0f\n", ($5 - $2) / hz / ops * 1e6, ($6 - $3) / hz / ops * 1e6,
             ($4 - $1) / hz / ($9 * ncpu) * 100 }' "$RAW/$s.cpu")
done
ratio() { if [[ "$1" == – || "$2" == – ]]; then echo –; else calc "$1 / $2"; fi; }
ratio_get="$(ratio "${RPS[cairn-get]}" "${RPS[gql-get]}")"
ratio_list="$(ratio "${RPS[cairn-list]}" "${RPS[gql-list]}")"
ratio_idem="$(ratio "${RPS[cairn-create-idem]}" "${RPS[cairn-create]}")"
bold() { if [[ "$1" == – ]]; then echo –; else echo "**$1$2**"; fi; }
verdict() { # RATIO: against the issue's target (≥ 2×) and goal (5×)
  if [[ "$1" == – ]]; then echo "not measured"
  elif awk "BEGIN { exit !($1 >= 5) }"; then echo "goal met (≥ 5×)"
  elif awk "BEGIN { exit !($1 >= 2) }"; then echo "target met (≥ 2×), goal 5× not"
  else echo "**target missed** (< 2×)"; fi
}
short=""
(( DURATION < 20 || WARMUP < 20 )) && short="
> **Short run** (DURATION=$DURATION, WARMUP=$WARMUP): the JVM is not warm and the numbers are noisy;
> they show that the harness works, not how fast anything is.
"

# ---- the report --------------------------------------------------------------------------------
{
cat <<EOF
# Cairn data API vs PostGraphile 4 — $(date '+%Y-%m-%d %H:%M %Z')
$short$( [[ "$SKIP_CAIRN" == 1 ]] && printf '\n> **SKIP_CAIRN=1**: only PostGraphile was measured.\n')

| | |
|---|---|
| Commit | \`$git_rev\` |
| Machine | $(nproc) CPUs ($cpu_model), $mem_total RAM, $(uname -sr) |
| Cairn | JDK: $jdk_version; MAX_CONNECTIONS_PER_POOL=$POOL_SIZE, MAX_TOTAL_CONNECTIONS=$MAX_TOTAL, JWT_SECRET (HS256) set, LOG_LEVEL=${LOG_LEVEL:-info}, CAIRN_JAVA_OPTS=${CAIRN_JAVA_OPTS:-(none)} |
| PostGraphile | $gql_version on Node $node_version, NODE_ENV=production, $GQL_WORKERS process(es) × --max-pool-size $gql_pool |
| PostgreSQL | $pg_version, $PGHOST:$PGPORT, database $DB ($ROWS rows in \`items\`, $CATEGORIES categories of $(( ROWS / CATEGORIES )) rows) |
| Load | $({ wrk --version 2>&1 || true; } | head -1 | cut -d' ' -f1-2), $THREADS threads, $CLIENTS connections, ${WARMUP}s warm-up + ${DURATION}s measured per scenario |
| Load before the run | $load_before (1/5/15 min)${busy_before:+; busy processes: $busy_before} |

wrk, the server measured, PostgreSQL (and the idle other server) share the same $(nproc) CPUs.
PostGraphile is measured first while Cairn is up but idle; it is stopped before Cairn is measured.

## Summary

Target (issue): Cairn ≥ 2× PostGraphile's throughput on reads; goal 5×.

| Scenario | Cairn req/s | PostGraphile req/s | Ratio | Cairn p50 / p99 ms | PostGraphile p50 / p99 ms | |
|---|---|---|---|---|---|---|
| GET one row by primary key | ${RPS[cairn-get]} | ${RPS[gql-get]} | $(bold "$ratio_get" ×) | ${P50[cairn-get]} / ${P99[cairn-get]} | ${P50[gql-get]} / ${P99[gql-get]} | $(verdict "$ratio_get") |
| List 50 rows, \`category = '$CATEGORY'\` | ${RPS[cairn-list]} | ${RPS[gql-list]} | $(bold "$ratio_list" ×) | ${P50[cairn-list]} / ${P99[cairn-list]} | ${P50[gql-list]} / ${P99[gql-list]} | $(verdict "$ratio_list") |
| Create, plain (row + outbox) | ${RPS[cairn-create]} | – | | ${P50[cairn-create]} / ${P99[cairn-create]} | – | |
| Create, idempotent (row + outbox + key) | ${RPS[cairn-create-idem]} | – | $(bold "$ratio_idem" "× plain") | ${P50[cairn-create-idem]} / ${P99[cairn-create-idem]} | – | |

Every response of every run had the expected status (200, 201 for creates), no socket errors, and
no GraphQL \`errors\`; the run fails otherwise.

## CPU per request

CPU time used during the measured run divided by the requests served. "Server" is the Cairn JVM
or the PostGraphile Node process(es); PostgreSQL is the postmaster and every backend.

| Run | Requests | Server µs/req | PostgreSQL µs/req | CPUs busy |
|---|---|---|---|---|
EOF
for s in "${measured[@]}"; do
  echo "| $s | ${REQS[$s]} | ${CPU_SRV[$s]} | ${CPU_PG[$s]} | ${BUSY[$s]} % |"
done
cat <<EOF

Warm-up runs (not counted), req/s: $(for s in "${measured[@]}"; do
  printf '%s %s\n' "$s" "$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$RAW/$s-warmup.txt")"; done | paste -sd';' | sed 's/;/; /g').

## What each side does per request

- **GET**: Cairn \`GET /v1/items/{id}\` with a random id 1..$ROWS, \`Authorization: Bearer <JWT>\`
  (HS256, verified on every request) and \`x-tenant-id: $TENANT\`. PostGraphile:
  \`POST /graphql\` \`query ItemById(\$id: BigInt!) { itemById(id: \$id) { id name category price createdAt } }\`
  with the random id as a variable (one query document, as a production client sends it; PostGraphile
  parses and validates it once and caches it), no authentication.
- **List**: Cairn \`GET /v1/items?$LIST_QUERY\`
  (\`where={"category":"$CATEGORY"}\`); PostGraphile
  \`{ allItems(condition: {category: "$CATEGORY"}, first: 50) { nodes { id name category price createdAt } } }\`.
  Both read the same 50 rows through the index on \`category\`.
- **Create**: Cairn \`POST /v1/items\` \`{"name":"x","category":"c1","price":1.5}\` → 201 with the row.
  Every create also writes an outbox row. "Plain" sends no \`Idempotency-Key\` (the platform's
  data API is set to \`{"idempotency":"optional"}\` with \`PUT /admin/platforms/$PLATFORM/data-api\`);
  "idempotent" sends a unique key per request (run prefix, wrk thread, counter), so every key is
  recorded and none is a replay. Plain runs first, so the idempotent run starts on a table
  larger by the plain runs' rows (warm-up and measured).
- Before any load each request was sent once with curl and its status and body checked (also: the
  same \`Idempotency-Key\` twice gives the same row).

After the run: \`items\` has $items_after rows. Outbox / idempotency tables: ${side_tables:-none found by name}.
Health at the end: \`$health_after\`. WARN/ERROR lines in the gateway log: $gw_warnings.
$( [[ -n "$gw_warning_lines" ]] && printf '\n```\n%s\n```\n' "$gw_warning_lines")

## Commands

\`\`\`
# Cairn
$(printf '%s ' "${gateway_env[@]}" | sed -e "s/ADMIN_TOKEN=[^ ]*/ADMIN_TOKEN=…/" -e "s/JWT_SECRET=[^ ]*/JWT_SECRET=…/") ./cairn serve
# PostGraphile
NODE_ENV=production ${gql_cmd[*]}
# load (each after a ${WARMUP}s warm-up of the same command; BENCH_JWT, BENCH_TENANT=$TENANT, BENCH_MAX_ID=$ROWS in the environment)
$(for s in "${measured[@]}"; do echo "${WRK_CMD[$s]}"; done)
\`\`\`

Raw outputs: \`bench/results/$stamp/\`.
EOF
} >"$REPORT"
sed -i "s#$root/##g" "$REPORT"

log "report: $REPORT"
cat "$REPORT"
