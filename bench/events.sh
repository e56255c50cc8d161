#!/usr/bin/env bash
# EVENTS benchmark: the outbox relay to NATS JetStream. Measures the relay's end-to-end throughput
# (rows committed in TENANTS tenant databases -> acked in JetStream), checks the stream against the
# outboxes (every row once, none lost, in order per aggregate), the latency from a data-API write
# to its event stored in JetStream at RATE writes/s, and what the outbox row costs a write
# (pgbench, with and without it). Writes bench/results/YYYY-MM-DD-HHMM-events.md (raw outputs in
# bench/results/YYYY-MM-DD-HHMM-events/) and prints it. Everything it creates in PostgreSQL, and
# its JetStream stream, is dropped at the end, also on failure or Ctrl-C.
#
# usage: bench/events.sh            run the benchmark (knobs below, as environment variables)
#        bench/events.sh cleanup    drop what a KEEP=1 or killed run left behind (databases, role,
#                                   and every BENCH_EV_* stream)
#
# See bench/README.md ("EVENTS benchmark") for what each number means.
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"

# ---- knobs -------------------------------------------------------------------------------------
TENANTS="${TENANTS:-10}"                # tenant databases (POST /register, one each)
EVENTS="${EVENTS:-200000}"              # outbox rows inserted with psql for the measured relay run, spread evenly
WARMUP_EVENTS="${WARMUP_EVENTS:-100000}"  # the same before it, not counted (the gateway's JIT); 0: none
RATE="${RATE:-1000}"                    # events per second of the latency run (round-robin over the tenants)
ROWS="${ROWS:-10}"                      # rows per data-API write of the latency run: RATE / ROWS writes/s
LAT_SECONDS="${LAT_SECONDS:-20}"        # seconds of the latency run (measured)
LAT_WARMUP="${LAT_WARMUP:-5}"           # seconds of the same writes before them, not counted
LAT_THREADS="${LAT_THREADS:-32}"        # client threads of the latency run (each its own HTTP connection):
                                        # enough that the schedule holds while responses take up to THREADS/RATE s
DURATION_W="${DURATION_W:-20}"          # seconds of each pgbench run of the write-cost measure
PGBENCH_CLIENTS="${PGBENCH_CLIENTS:-8}" # pgbench -c
WAKE_MS="${WAKE_MS:-1000}"              # relay-on pgbench run: one data-API write this often wakes the relay
RELAY_WORKERS="${RELAY_WORKERS:-4}"     # EVENTS_RELAY_WORKERS
BATCH="${BATCH:-500}"                   # EVENTS_BATCH
RELAY_TIMEOUT="${RELAY_TIMEOUT:-600}"   # seconds to wait for the stream to hold every row
TARGET_RATE="${TARGET_RATE:-20000}"     # events/s the relay must reach
TARGET_P99_MS="${TARGET_P99_MS:-100}"   # write-to-JetStream p99 at RATE
NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
PORT="${PORT:-9530}"
MAX_TOTAL="${MAX_TOTAL:-40}"            # MAX_TOTAL_CONNECTIONS
# MAX_CONNECTIONS_PER_POOL: by default what lets every tenant's pool be full at once within
# MAX_TOTAL (6 left for the control database). Pools that together may want more than the budget
# give connections up to each other on every request once it runs out (a new PostgreSQL backend
# per request, see the MEMORY benchmark's caveats), which is not what this benchmark measures.
POOL_SIZE="${POOL_SIZE:-}"
KEEP="${KEEP:-0}"                       # 1: keep the databases and the stream (drop them later with `events.sh cleanup`)
APP_NAME="${APP_NAME:-cairn-benchev}"   # APPLICATION_NAME
LOG_LEVEL="${LOG_LEVEL:-info}"
# The JDK for the client (needs 21+): JAVA_HOME_BENCH, else the one ./cairn runs on.
source "$root/scripts/jdk.sh"
if [[ -n "${JAVA_HOME_BENCH:-}" ]]; then
  JAVA_HOME="$JAVA_HOME_BENCH"
else
  JAVA_HOME="$(find_java_home)" || exit 1
fi
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER JAVA_HOME
export PGAPPNAME=cairn-benchev-harness  # our own psql sessions stay apart from the gateway's

CONTROL_DB=cairn_benchev
PLATFORM=benchev
ADMIN_TOKEN="benchev-$RANDOM$RANDOM$RANDOM"
BASE="http://127.0.0.1:$PORT"
START_TIMEOUT=120                       # seconds to wait for the first 200 from /health
RUN_ID="$(date +%Y%m%d%H%M%S)"
STREAM_PREFIX=BENCH_EV_                 # every run's stream starts so; `cleanup` deletes them all
STREAM="$STREAM_PREFIX$RUN_ID"          # this run's own stream and subject prefix
SUBJECT_PREFIX="benchev$RUN_ID"
PRESENCE="benchev_presence_$RUN_ID"     # the mesh's presence bucket (unused here), deleted at the end
FILTER="$SUBJECT_PREFIX.$PLATFORM.>"    # the events of the platform's tenants
FIRST_SWEEP_S=15                        # the relay's first full sweep runs 10 s after start: inserts wait for it

# ---- small helpers -----------------------------------------------------------------------------
BENCH_TAG=events
BENCH_SCRIPT=bench/events.sh
source "$bench/lib.sh"   # log, die, now_us, psql_q, stats, calc, stop_gateway, drop_databases, ...

# helper MODE ARGS...: bench/src/EventsBench.java (jnats, pgjdbc, Jackson from the server's lib/).
helper() {
  local mode="$1"; shift
  "$JAVA_HOME/bin/java" -cp "$root/server/target/lib/*" "$bench/src/EventsBench.java" "$mode" --nats "$NATS_URL" "$@"
}

# Every stream whose name starts with STREAM_PREFIX: what killed or KEEP=1 runs left in NATS.
delete_leftover_streams() {
  if ! compgen -G "$root/server/target/lib/jnats-*.jar" >/dev/null; then
    log "no server/target/lib (build the server first): $STREAM_PREFIX* streams not looked at"
    return 0
  fi
  local out
  if out="$(helper delete --prefix "$STREAM_PREFIX" 2>&1)"; then
    log "streams: $(grep -c '^deleted stream' <<<"$out" || true) $STREAM_PREFIX* deleted$(grep '^deleted stream' <<<"$out" | sed 's/^deleted stream / /' | tr -d '\n')"
  else
    log "warning: could not delete the $STREAM_PREFIX* streams at $NATS_URL: $(tail -2 <<<"$out")"
  fi
}

# ---- cleanup -----------------------------------------------------------------------------------
GW_PID=""
WAKER_PID=""      # the relay-on pgbench run's waker loop
STREAM_MADE=0     # set once the gateway may have created the run's stream
OWN_DATABASES=0   # set once we know the databases we will drop are ours (they did not exist before)

stop_waker() {
  [[ -n "$WAKER_PID" ]] || return 0
  kill "$WAKER_PID" 2>/dev/null || true
  wait "$WAKER_PID" 2>/dev/null || true
  WAKER_PID=""
}

cleanup() {
  local rc=$? out
  set +e
  stop_waker
  stop_gateway
  [[ -n "${JAR:-}" ]] && drop_nats_bucket "$NATS_URL" "$PRESENCE"
  if [[ "$STREAM_MADE" == 1 ]]; then
    if [[ "$KEEP" == 1 ]]; then
      log "KEEP=1: stream $STREAM kept; delete it with: $BENCH_SCRIPT cleanup"
    elif out="$(helper delete --name "$STREAM" 2>&1)"; then
      log "stream $STREAM deleted"
    else
      log "warning: stream $STREAM not deleted ($(tail -1 <<<"$out")): run $BENCH_SCRIPT cleanup"
    fi
  fi
  end_run "$rc"
}

[[ "${1:-}" == cleanup && $# -eq 1 ]] && delete_leftover_streams
start_run "$@"

# ---- preflight ---------------------------------------------------------------------------------
for tool in pgbench psql curl tar awk jq; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -x "$JAVA_HOME/bin/java" ]] || die "no JDK at $JAVA_HOME (set JAVA_HOME_BENCH)"
for knob in TENANTS EVENTS WARMUP_EVENTS RATE ROWS LAT_SECONDS LAT_WARMUP LAT_THREADS DURATION_W PGBENCH_CLIENTS WAKE_MS \
            RELAY_WORKERS BATCH RELAY_TIMEOUT MAX_TOTAL; do
  [[ "${!knob}" =~ ^[0-9]+$ ]] || die "$knob must be a whole number (got '${!knob}')"
done
if [[ -z "$POOL_SIZE" ]]; then
  POOL_SIZE=$(( TENANTS > 0 ? (MAX_TOTAL - 6) / TENANTS : 2 ))
  (( POOL_SIZE >= 2 )) || POOL_SIZE=2   # then the pools can want more than the budget: the report says so
fi
[[ "$POOL_SIZE" =~ ^[0-9]+$ ]] && (( POOL_SIZE >= 1 )) || die "POOL_SIZE must be a whole number, 1 or more (got '$POOL_SIZE')"
(( TENANTS >= 1 && EVENTS >= TENANTS && ROWS >= 1 && RATE >= ROWS && LAT_SECONDS >= 1 && LAT_THREADS >= 1 && DURATION_W >= 1 &&
   WAKE_MS >= 100 )) || die "need TENANTS >= 1, EVENTS >= TENANTS, RATE, LAT_SECONDS, LAT_THREADS, DURATION_W >= 1, WAKE_MS >= 100"
psql_q "SELECT 1" >/dev/null || die "cannot connect to PostgreSQL at $PGUSER@$PGHOST:$PGPORT"
port_taken "$PORT" && die "port $PORT is in use (set PORT)"
nats_hostport="${NATS_URL#*://}"; nats_hostport="${nats_hostport##*@}"; nats_hostport="${nats_hostport%%/*}"
[[ "$nats_hostport" == *:* ]] || nats_hostport="$nats_hostport:4222"
port_taken_on() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
port_taken_on "${nats_hostport%:*}" "${nats_hostport##*:}" || die "no NATS server at $NATS_URL (set NATS_URL)"
refuse_leftovers
OWN_DATABASES=1

new_report -events
build_server

# ---- CPU accounting (as in bench/run.sh, plus the NATS server) ----------------------------------
CLK_TCK="$(getconf CLK_TCK)"
PG_DATA="$(psql_q "SHOW data_directory")"
PM_PID="$(head -1 "$PG_DATA/postmaster.pid" 2>/dev/null || echo "")"
NATS_PIDS="$(pgrep -x nats-server | tr '\n' ' ' || true)"   # a local nats-server; none when NATS runs elsewhere

# Prints "machine_busy_ticks gateway_ticks postgres_ticks nats_ticks" (ticks of CLK_TCK, summed over CPUs).
cpu_snapshot() {
  local busy gw=0 pg=0 nats=0 p
  busy="$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)"
  if [[ -n "$GW_PID" && -r "/proc/$GW_PID/stat" ]]; then
    gw="$(sed 's/^.*) //' "/proc/$GW_PID/stat" | awk '{ print $12 + $13 }')"
  fi
  if [[ -n "$PM_PID" ]]; then
    # Fields after "(comm) ": $2 = ppid, $12/$13 = utime/stime, $14/$15 = children's.
    pg="$({ cat /proc/[0-9]*/stat 2>/dev/null || true; } | sed 's/^\([0-9]*\) .*) /\1 /' |
          awk -v pm="$PM_PID" '$1 == pm { t += $13 + $14 + $15 + $16 } $3 == pm { t += $13 + $14 } END { print t + 0 }')"
  fi
  for p in $NATS_PIDS; do
    [[ -r "/proc/$p/stat" ]] && nats=$(( nats + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }') ))
  done
  echo "$busy $gw $pg $nats"
}

# measure NAME COMMAND...: runs COMMAND with stdout in $RAW/NAME.txt and stderr in $RAW/NAME.err,
# and writes "busy0 gw0 pg0 nats0 busy1 gw1 pg1 nats1 client_user client_sys wall" to $RAW/NAME.cpu.
measure() {
  local name="$1"; shift
  local before after TIMEFORMAT='%U %S %R'
  before="$(cpu_snapshot)"
  { time "$@" >"$RAW/$name.txt" 2>"$RAW/$name.err"; } 2>"$RAW/$name.time" ||
    die "$name failed: $(tail -5 "$RAW/$name.err" "$RAW/$name.txt" 2>/dev/null)"
  after="$(cpu_snapshot)"
  echo "$before $after $(tail -1 "$RAW/$name.time")" >"$RAW/$name.cpu"
}

# cpu_per_op NAME OPS: prints "gateway postgres nats busy%": CPU microseconds per operation of each
# party, and how busy all cores were over the command's wall time.
cpu_per_op() {
  awk -v ops="$2" -v hz="$CLK_TCK" -v ncpu="$(nproc)" '{
      busy = ($5 - $1) / hz; gw = ($6 - $2) / hz; pg = ($7 - $3) / hz; nats = ($8 - $4) / hz; wall = $11
      if (ops <= 0) ops = 1
      printf "%.1f %.1f %.1f %.0f\n", gw / ops * 1e6, pg / ops * 1e6, nats / ops * 1e6, busy / (wall * ncpu) * 100 }' "$RAW/$1.cpu"
}

kv() { awk -v k="$2" '$1 == "KV" && $2 == k { print $3 }' "$RAW/$1.txt"; }          # kv NAME KEY: a helper's value
kv2() { awk -v k="$2" '$1 == "KV" && $2 == k { printf "%.2f", $3 }' "$RAW/$1.txt"; } # the same, 2 decimals
kv0() { awk -v k="$2" '$1 == "KV" && $2 == k { printf "%.0f", $3 }' "$RAW/$1.txt"; } # the same, whole

# ---- the gateway -------------------------------------------------------------------------------
# Both sweeps at an hour: rows inserted with psql wait until the run wakes the relay (a data-API
# write), so that the throughput run starts at a known instant. (With the default EVENTS_SWEEP_MS
# the databases the warm-up woke would be swept every 5 s while the measured rows are inserted.)
set_gateway_env MAX_CONNECTIONS_PER_POOL="$POOL_SIZE" NATS_URL="$NATS_URL" EVENTS_STREAM="$STREAM" EVENTS_SUBJECT_PREFIX="$SUBJECT_PREFIX" \
  MESH_PRESENCE_BUCKET="$PRESENCE" EVENTS_RELAY_WORKERS="$RELAY_WORKERS" EVENTS_BATCH="$BATCH" EVENTS_SWEEP_MS=3600000 EVENTS_FULL_SWEEP_SECS=3600

start_gateway() {
  local t0
  t0="$(now_us)"
  # exec twice: the subshell becomes env, then the launcher, which execs java: $! is the JVM.
  (cd "$root" && exec env "${gateway_env[@]}" ./cairn serve) >"$RAW/gateway.log" 2>&1 &
  GW_PID=$!
  await_200 "$GW_PID" /health "$BASE/health" \
    || { GW_PID=""; die "the gateway exited during start-up: $(tail -5 "$RAW/gateway.log")"; }
  START_MS=$(( ($(now_us) - t0) / 1000 ))
}

# ---- environment -------------------------------------------------------------------------------
log "environment"
describe_machine
nats_version="$({ nats-server --version 2>/dev/null || echo "nats-server version unknown"; } | head -1)"

log "starting the gateway on port $PORT (stream $STREAM, subjects $SUBJECT_PREFIX.>)"
STREAM_MADE=1
start_gateway
# The relay connects in the background and creates the stream: wait for it.
t_wait="$(now_us)"
until [[ "$(curl -s "$BASE/health" | jq -r '.events.relay // empty')" == connected ]]; do
  (( $(now_us) - t_wait < 30000000 )) || die "the relay did not connect to $NATS_URL in 30 s: $(curl -s "$BASE/health")"
  sleep 0.1
done
log "gateway up in $START_MS ms, relay connected"

# ---- tenants -----------------------------------------------------------------------------------
tenant_csv="$(seq -f 't%g' 1 "$TENANTS" | paste -sd,)"
db_csv="$(seq -f "${PLATFORM}_t%g" 1 "$TENANTS" | paste -sd,)"
DB1="${PLATFORM}_t1"
log "registering $TENANTS tenants"
tar -czf "$RAW/bundle.tar.gz" -C "$bench/events-bundle" postgresql
: >"$RAW/register.txt"
for i in $(seq 1 "$TENANTS"); do
  read -r code secs < <(curl -s -o "$RAW/register-t$i.json" -w '%{http_code} %{time_total}\n' \
    -F platform="$PLATFORM" -F tenant_id="t$i" -F schema=@"$RAW/bundle.tar.gz" "$BASE/register" || echo "000 0")
  [[ "$code" == 200 ]] || die "register t$i answered $code: $(head -c 600 "$RAW/register-t$i.json")"
  [[ "$(psql_q "SELECT to_regclass('cairn.outbox') IS NOT NULL" "${PLATFORM}_t$i")" == t ]] ||
    die "${PLATFORM}_t$i has no cairn.outbox after register"
  echo "t$i $(calc "$secs * 1000")" >>"$RAW/register.txt"
done
read -r _ _ register_p50 _ _ register_max < <(awk '{ print $2 }' "$RAW/register.txt" | stats)

# The relay's first full sweep runs 10 s after start whatever EVENTS_FULL_SWEEP_SECS says: rows
# committed before it would be found by it. Wait until it is over.
uptime_s="$(curl -s "$BASE/health" | jq -r '.uptime_seconds')"
if (( uptime_s < FIRST_SWEEP_S )); then
  log "waiting $(( FIRST_SWEEP_S - uptime_s )) s for the relay's first full sweep"
  sleep "$(( FIRST_SWEEP_S - uptime_s ))"
fi

# insert_rows N NAME: N outbox rows with psql, spread evenly over the tenants, one committed
# statement per tenant; seconds in $RAW/NAME-insert.txt.
insert_rows() {
  local n="$1" name="$2" i k t0
  t0="$(now_us)"
  for i in $(seq 1 "$TENANTS"); do
    k=$(( n / TENANTS + (i <= n % TENANTS ? 1 : 0) ))
    psql_q "INSERT INTO cairn.outbox (aggregate_type, aggregate_id, type, payload)
            SELECT 'items', (i % 1000)::text, 'updated', jsonb_build_object('i', i, 'pad', repeat('x', 100))
            FROM generate_series(1, $k) i" "${PLATFORM}_t$i" >/dev/null
  done
  psql_q "CHECKPOINT" >/dev/null   # the relay run does not pay for the inserts' dirty pages
  calc "($(now_us) - $t0) / 1000000" >"$RAW/$name-insert.txt"
}

# unpublished: outbox rows of all tenants still without published_at.
unpublished() {
  local i total=0
  for i in $(seq 1 "$TENANTS"); do
    total=$(( total + $(psql_q "SELECT count(*) FROM cairn.outbox WHERE published_at IS NULL" "${PLATFORM}_t$i") ))
  done
  echo "$total"
}

# relay_run NAME ROWS: the rows are inserted and committed, then the helper wakes every tenant (t0)
# and waits until the stream holds them all plus the wake-up writes (t1).
relay_cmd() { # NAME EXPECT: sets the array RELAY
  RELAY=(helper relay --stream "$STREAM" --filter "$FILTER" --base "$BASE" --token "$ADMIN_TOKEN" --platform "$PLATFORM"
         --tenants "$tenant_csv" --expect "$2" --timeout "$RELAY_TIMEOUT" --out "$RAW/$1-progress.txt")
}
stream_before=0
relay_run() {
  local name="$1" rows="$2" pending before
  log "$name: inserting $rows outbox rows over $TENANTS tenants with psql"
  insert_rows "$rows" "$name"
  pending="$(unpublished)"
  [[ "$pending" == "$rows" ]] ||
    die "$name: $pending rows unpublished before the relay was woken, expected $rows (did a sweep take some?)"
  log "$name: waking the relay ($(( rows + TENANTS )) events to wait for)"
  relay_cmd "$name" $(( rows + TENANTS ))
  measure "$name" "${RELAY[@]}"
  before="$(kv "$name" before)"
  [[ "$before" == "$stream_before" ]] ||
    die "$name: the stream held $before events when the relay was woken, expected $stream_before"
  stream_before="$(kv "$name" after)"
  log "$name: $(kv0 "$name" events) events in $(kv2 "$name" seconds) s: $(kv0 "$name" events_per_s) events/s"
}

# ---- 1. relay throughput -----------------------------------------------------------------------
(( WARMUP_EVENTS > 0 )) && relay_run relay-warmup "$WARMUP_EVENTS"
relay_run relay "$EVENTS"

log "verifying the stream against the outboxes"
helper verify --stream "$STREAM" --filter "$FILTER" --jdbc-base "jdbc:postgresql://$PGHOST:$PGPORT/" --user "$PGUSER" \
  --databases "$db_csv" >"$RAW/verify.txt" 2>"$RAW/verify.err" || die "verify failed: $(tail -5 "$RAW/verify.err")"
health_relay="$(curl -s "$BASE/health")"
echo "$health_relay" >"$RAW/health-after-relay.json"
for key in stream_count messages distinct duplicates outbox_rows unpublished missing extra aggregates order_violations \
           id_header_mismatch subject_mismatch read_seconds; do
  printf -v "v_$key" '%s' "$(kv verify "$key")"
done
log "verify: $v_messages messages, $v_distinct distinct ids, $v_duplicates duplicates, $v_missing missing, $v_order_violations order violations"

# ---- 2. write-to-JetStream latency at RATE writes/s --------------------------------------------
lat_cmd() { # sets the array LATENCY
  LATENCY=(helper latency --stream "$STREAM" --filter "$FILTER" --base "$BASE" --token "$ADMIN_TOKEN" --platform "$PLATFORM"
           --tenants "$tenant_csv" --rate "$(( RATE / ROWS ))" --rows "$ROWS" --seconds "$LAT_SECONDS" --warmup-seconds "$LAT_WARMUP"
           --threads "$LAT_THREADS" --tag "lat$RUN_ID"
           --out "$RAW/latency-ms.txt")
}
log "latency: $RATE data-API writes/s for ${LAT_WARMUP}s + ${LAT_SECONDS}s over $TENANTS tenants ($LAT_THREADS client threads)"
lat_cmd
measure latency "${LATENCY[@]}"
log "latency: n $(kv0 latency n), p50 $(kv2 latency p50_ms) ms, p99 $(kv2 latency p99_ms) ms"

# ---- 2b. write-to-subscriber latency (WebSocket) -------------------------------------------------
# A WebSocket subscriber per tenant (GET /v1/events), subscribed before step 2's paced writes,
# timed each measured event on arrival (arrival minus occurredAt, same clock): "n p50 p90 p99 max", ms.
WS_STATS="$(kv0 latency ws_n) $(kv2 latency ws_p50_ms) $(kv2 latency ws_p90_ms) $(kv2 latency ws_p99_ms) $(kv2 latency ws_max_ms)"

# ---- 3. what the outbox row costs a write (pgbench) ---------------------------------------------
printf '%s\n' "INSERT INTO items (name) VALUES ('x') RETURNING *;" >"$RAW/write-plain.sql"
printf '%s\n' "WITH w AS (INSERT INTO items (name) VALUES ('x') RETURNING *), o AS (INSERT INTO cairn.outbox (aggregate_type, aggregate_id, type, payload, tenant) SELECT 'items', w.id::text, 'created', to_jsonb(w), 't1' FROM w) SELECT * FROM w;" \
  >"$RAW/write-outbox.sql"
pgbench_cmd() { # SCRIPT: sets the array PGBENCH
  PGBENCH=(pgbench -n -c "$PGBENCH_CLIENTS" -j2 -T "$DURATION_W" -f "$1" "$DB1")
}
run_pgbench() { # NAME SCRIPT
  psql_q "CHECKPOINT" >/dev/null
  log "$1: pgbench for ${DURATION_W}s on $DB1"
  pgbench_cmd "$2"
  measure "$1" "${PGBENCH[@]}"
}
max_seq() { psql_q "SELECT coalesce(max(seq), 0) FROM cairn.outbox" "$DB1"; }

run_pgbench write-plain "$RAW/write-plain.sql"

# Relay on: a data-API write every WAKE_MS wakes the relay, which drains what pgbench wrote since.
seq0="$(max_seq)"
wake_s="$(calc "$WAKE_MS / 1000")"
(
  n=0
  while :; do
    curl -s -o /dev/null --max-time 5 -H "Authorization: Bearer $ADMIN_TOKEN" -H "x-platform: $PLATFORM" \
      -H "x-tenant-id: t1" -H "Idempotency-Key: wake-$RUN_ID-$n" -H 'Content-Type: application/json' \
      -d '{"name":"wake","qty":0}' "$BASE/v1/items" || true
    n=$(( n + 1 ))
    sleep "$wake_s"
  done
) &
WAKER_PID=$!
run_pgbench write-outbox-relay-on "$RAW/write-outbox.sql"
stop_waker
read -r on_rows on_published < <(psql_q "SELECT count(*), count(published_at) FROM cairn.outbox
                                          WHERE seq > $seq0 AND payload->>'name' = 'x'" "$DB1" | tr '|' ' ')

# Relay off: nothing wakes it (both sweeps are an hour apart); the gateway runs, idle.
run_pgbench write-outbox-relay-off "$RAW/write-outbox.sql"

# ---- collect the numbers -----------------------------------------------------------------------
health_after="$(curl -s "$BASE/health")"
log "stopping the gateway"
stop_gateway
gw_warnings="$(grep -cE ' (WARN|ERROR) ' "$RAW/gateway.log" || true)"
gw_warning_lines="$(grep -hE ' (WARN|ERROR) ' "$RAW/gateway.log" | cut -d' ' -f2- |
  sed -E 's/[0-9a-f]{8}-[0-9a-f-]{27}/UUID/g; s/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -5 || true)"

# relay
relay_events="$(kv0 relay events)"
relay_rate="$(kv0 relay events_per_s)"
relay_secs="$(kv2 relay seconds)"
read -r r_gw r_pg r_nats _ < <(cpu_per_op relay "$relay_events")
relay_row() { # NAME LABEL
  local n g p s best
  [[ -f "$RAW/$1.txt" ]] || return 0
  n="$(kv0 "$1" events)"
  read -r g p s _ < <(cpu_per_op "$1" "$n")
  best="$(kv0 "$1" best_1s_per_s)"; [[ "$best" == 0 ]] && best="– (under 1 s)"
  echo "| $2 | $n | $(cat "$RAW/$1-insert.txt") | $(kv2 "$1" seconds) | **$(kv0 "$1" events_per_s)** | $best | $(kv2 "$1" wake_ms) | $g | $p | $s |"
}
health_dups="$(jq -r '.events.duplicates' <<<"$health_relay")"
health_published="$(jq -r '.events.published' <<<"$health_relay")"

# latency
lat_n="$(kv0 latency n)"; lat_p50="$(kv2 latency p50_ms)"; lat_p90="$(kv2 latency p90_ms)"
lat_p99="$(kv2 latency p99_ms)"; lat_p999="$(kv2 latency p999_ms)"; lat_max="$(kv2 latency max_ms)"
lat_min="$(kv2 latency min_ms)"; lat_mean="$(kv2 latency mean_ms)"
lat_statuses="$(sed -n 's/^statuses: //p' "$RAW/latency.txt")"
lat_achieved="$(kv0 latency events_per_s)"
lat_pace_note=""
if awk "BEGIN { exit !($lat_achieved < 0.95 * $RATE) }"; then
  lat_pace_note=" **The client fell behind its schedule ($lat_achieved/s of $RATE/s): these are not latencies at $RATE writes/s** (see the schedule lag; the machine was saturated, or LAT_THREADS is too low for the HTTP latency)."
fi

# pgbench
declare -A pgb_tps pgb_avg pgb_failed pgb_cpu
for name in write-plain write-outbox-relay-on write-outbox-relay-off; do
  pgb_tps[$name]="$(awk '/^tps = / { printf "%.0f", $3 }' "$RAW/$name.txt")"
  pgb_avg[$name]="$(awk '/^latency average = / { print $4 }' "$RAW/$name.txt")"
  pgb_failed[$name]="$(awk '/^number of failed transactions:/ { print $5 }' "$RAW/$name.txt")"
  xacts="$(awk '/^number of transactions actually processed:/ { print $6 }' "$RAW/$name.txt")"
  pgb_cpu[$name]="$(cpu_per_op "$name" "${xacts:-1}")"
done
ratio_off="$(calc "${pgb_tps[write-outbox-relay-off]} / ${pgb_tps[write-plain]}")"
ratio_on="$(calc "${pgb_tps[write-outbox-relay-on]} / ${pgb_tps[write-plain]}")"
pgb_row() { # NAME LABEL
  local g p s b
  read -r g p s b <<<"${pgb_cpu[$1]}"
  echo "| $2 | ${pgb_tps[$1]} | ${pgb_avg[$1]} | ${pgb_failed[$1]:-0} | $g | $p | $s | $b % | $3 |"
}

# ---- verdicts ----------------------------------------------------------------------------------
verdict() { # VALUE OP LIMIT -> "met" / "**missed**"
  if awk "BEGIN { exit !($1 $2 $3) }"; then echo "met"; else echo "**missed**"; fi
}
yes_no() { if [[ "$1" == yes ]]; then echo met; else echo "**missed**"; fi; }
lost_ok=no;  [[ "$v_missing" == 0 && "$v_unpublished" == 0 && "$v_messages" == "$v_stream_count" ]] && lost_ok=yes
dup_ok=no;   [[ "$v_duplicates" == 0 && "$health_dups" == 0 ]] && dup_ok=yes
order_ok=no; [[ "$v_order_violations" == 0 && "$v_id_header_mismatch" == 0 ]] && order_ok=yes
lat_ok=no;   [[ "$lat_n" == "$(( $(kv0 latency ok) * ROWS ))" && "$lat_n" -gt 0 ]] && awk "BEGIN { exit !($lat_p99 <= $TARGET_P99_MS) }" && lat_ok=yes
ws_row="not measured yet (WebSocket \`GET /v1/events\` is the next step; see section 2)"
[[ -n "$WS_STATS" ]] && ws_row="$(awk '{ printf "n %s, p50 %s ms, p99 %s ms", $1, $2, $4 }' <<<"$WS_STATS")"

# ---- the report --------------------------------------------------------------------------------
fence=$'\x60\x60\x60'   # a Markdown code fence
{
cat <<EOF
# Cairn EVENTS benchmark — $(date '+%Y-%m-%d %H:%M %Z')

| | |
|---|---|
| Commit | \`$git_rev\` |
| Machine | $(nproc) CPUs ($cpu_model), $mem_total RAM, $(uname -sr) |
| JDK (gateway) | $jdk_version ($gw_java_home) |
| PostgreSQL | $pg_version (max_connections $pg_max_conn), $PGHOST:$PGPORT |
| NATS | $nats_version at $NATS_URL; stream \`$STREAM\` (subjects \`$SUBJECT_PREFIX.>\`), made by the gateway, deleted at the end |
| Gateway settings | EVENTS_RELAY_WORKERS=$RELAY_WORKERS, EVENTS_BATCH=$BATCH, EVENTS_SWEEP_MS=3600000, EVENTS_FULL_SWEEP_SECS=3600, MAX_TOTAL_CONNECTIONS=$MAX_TOTAL, MAX_CONNECTIONS_PER_POOL=$POOL_SIZE, LOG_LEVEL=$LOG_LEVEL, CAIRN_JAVA_OPTS=${CAIRN_JAVA_OPTS:-(none)} |
| Knobs | TENANTS=$TENANTS EVENTS=$EVENTS WARMUP_EVENTS=$WARMUP_EVENTS RATE=$RATE ROWS=$ROWS LAT_SECONDS=$LAT_SECONDS LAT_WARMUP=$LAT_WARMUP LAT_THREADS=$LAT_THREADS DURATION_W=$DURATION_W PGBENCH_CLIENTS=$PGBENCH_CLIENTS WAKE_MS=$WAKE_MS |
| Load before the run | $load_before (1/5/15 min)${busy_before:+; busy processes: $busy_before} |

The gateway, PostgreSQL, NATS and the client (psql, the Java helper, pgbench) share the same
$(nproc) CPUs. Tenants: $TENANTS databases \`${PLATFORM}_t1\`… registered with \`POST /register\`
(median $register_p50 ms, max $register_max ms), each with the table \`items\` and \`cairn.outbox\`.
Each tenant's pool holds at most $POOL_SIZE connections, $(( TENANTS * POOL_SIZE )) for all of them within a budget of
$MAX_TOTAL$( (( TENANTS * POOL_SIZE + 6 > MAX_TOTAL )) && echo " — **more than the budget: under load the pools give connections up to each other, a new PostgreSQL backend per request** (raise MAX_TOTAL or lower POOL_SIZE)").

## Summary

| Measure | Result | Target | |
|---|---|---|---|
| Relay throughput (rows committed in $TENANTS tenant databases → acked in JetStream) | **$relay_rate events/s** ($relay_events events in $relay_secs s) | ≥ $TARGET_RATE events/s | $(verdict "$relay_rate" ">=" "$TARGET_RATE") |
| None lost | $v_missing of $v_outbox_rows outbox rows missing from the stream, $v_unpublished unpublished | none | $(yes_no $lost_ok) |
| No duplicate | $v_duplicates duplicate messages ($v_messages messages, $v_distinct distinct \`Nats-Msg-Id\`); \`/health\` events.duplicates $health_dups | none | $(yes_no $dup_ok) |
| Order per aggregate | $v_order_violations \`outboxSeq\` out of order over $v_aggregates aggregates | none | $(yes_no $order_ok) |
| Write-to-JetStream latency at $RATE events/s ($ROWS rows per write) | p50 $lat_p50 ms, **p99 $lat_p99 ms** (n $lat_n, achieved $lat_achieved events/s) | p99 ≤ $TARGET_P99_MS ms | $(yes_no $lat_ok) |
| Write-to-subscriber latency (WebSocket) | $ws_row | | – |
| Outbox write cost (pgbench, with / without the outbox row) | **$ratio_off×** relay off, $ratio_on× relay on (${pgb_tps[write-outbox-relay-off]} / ${pgb_tps[write-outbox-relay-on]} vs ${pgb_tps[write-plain]} tps) | reported | |

## 1. Relay throughput

For each run: the rows are inserted into \`cairn.outbox\` with psql (one statement per tenant,
committed, aggregate ids \`0\`…\`999\`, a ~130-byte payload), a CHECKPOINT, a check that every
one is unpublished; then **t0**, one data-API write per tenant (\`POST /v1/items\`, sent at once)
wakes the relay for every database, and **t1** is when the stream holds all the rows plus those
$TENANTS writes' events (stream info polled every 5 ms). Events/s = events / (t1 − t0). The
warm-up run is the same, before, and not counted (the gateway's JIT). CPU per event: utime + stime
of the gateway JVM, of PostgreSQL (postmaster and every backend, exited ones included) and of the
local nats-server from \`/proc\`, over the whole step (the helper's start-up included, when all
three are idle).

| Run | Events | Insert (s) | t1 − t0 (s) | Events/s | Best 1 s (events/s) | Wake-ups sent (ms) | Gateway µs CPU/event | PostgreSQL µs CPU/event | NATS µs CPU/event |
|---|---|---|---|---|---|---|---|---|---|
$(relay_row relay-warmup "warm-up (not counted)"; relay_row relay "**measured**")

Then every message on \`$FILTER\` was read back with an ordered consumer ($(calc "$v_read_seconds") s) and
compared with every row of the $TENANTS outboxes (warm-up and wake-up rows included):

| Messages | Distinct \`Nats-Msg-Id\` | Duplicates | Outbox rows | Missing from the stream | In the stream, not in an outbox | Rows unpublished | Aggregates | \`outboxSeq\` out of order | Header id ≠ body id | Subject ≠ body's |
|---|---|---|---|---|---|---|---|---|---|---|
| $v_messages | $v_distinct | $v_duplicates | $v_outbox_rows | $v_missing | $v_extra | $v_unpublished | $v_aggregates | $v_order_violations | $v_id_header_mismatch | $v_subject_mismatch |

Aggregates are (database, entity, aggregateId); in each, the \`outboxSeq\` of the messages must
rise in stream order (a duplicate id is counted as a duplicate, not as an order question).
\`/health\` after the check: events.published $health_published, events.duplicates $health_dups.
$(grep '^example: ' "$RAW/verify.txt" | sed 's/^example: /- /' || true)

## 2. Write-to-JetStream latency at $RATE events/s

\`EventsBench latency\`: $(kv0 latency requests) \`POST /v1/items\` of $ROWS rows each (each with its own
\`Idempotency-Key\`), paced by schedule at $(( RATE / ROWS )) writes/s, so $RATE events/s, over $LAT_THREADS threads (one HTTP/1.1
connection each), round-robin over the $TENANTS tenants, after $(kv0 latency warmup_requests) more in
the ${LAT_WARMUP}s before them (same pace, not counted): achieved $lat_achieved events/s, statuses
$lat_statuses, schedule lag p99 $(kv2 latency lag_p99_ms) ms (max $(kv2 latency lag_max_ms) ms), HTTP
p50 $(kv2 latency http_p50_ms) ms, p99 $(kv2 latency http_p99_ms) ms.$lat_pace_note Then their events were
read from the stream; per event, **the JetStream stored timestamp minus the event's
\`occurredAt\`** (the row's \`clock_timestamp()\` at insert, so the commit is inside the interval;
same machine, same clock). The last event was in the stream $(kv2 latency drain_wait_s) s after the
last response.

| n | min | p50 | p90 | p99 | p99.9 | max | mean |
|---|---|---|---|---|---|---|---|
| $lat_n | $lat_min | $lat_p50 | $lat_p90 | **$lat_p99** | $lat_p999 | $lat_max | $lat_mean |

Milliseconds.

### Write-to-subscriber latency (WebSocket)

$(if [[ -n "$WS_STATS" ]]; then
    awk '{ printf "| n | p50 | p90 | p99 | max |\n|---|---|---|---|---|\n| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }' <<<"$WS_STATS"
  else
    echo "Not measured yet: live subscriptions (WebSocket \`GET /v1/events\`) are the next step of the"
    echo "feature. A subscriber connected before the writes above will record each event's arrival"
    echo "here, against the same \`occurredAt\`."
  fi)

## 3. What the outbox row costs a write

\`pgbench -n -c $PGBENCH_CLIENTS -j2 -T $DURATION_W\` on \`$DB1\` (a CHECKPOINT before each):
the plain insert, and the same insert with its outbox row in one statement as the data API
writes it. **The gateway is running throughout** (JIT-warm, idle but for what is said below).
Relay on: one data-API write every $WAKE_MS ms to \`t1\` wakes the relay, which drains what pgbench
wrote since (as a data-API write would at once): it published $on_published of the $on_rows rows
the run wrote by its end. Relay off: nothing wakes it (both sweeps are an hour apart), the rows
stay unpublished.

| Run | tps | Latency avg (ms) | Failed | Gateway µs CPU/tx | PostgreSQL µs CPU/tx | NATS µs CPU/tx | CPUs busy | With / without |
|---|---|---|---|---|---|---|---|---|
$(pgb_row write-plain "(a) plain insert" "1")
$(pgb_row write-outbox-relay-off "(b) insert + outbox row, relay off" "**$ratio_off**")
$(pgb_row write-outbox-relay-on "(b) insert + outbox row, relay on" "$ratio_on")

## Gateway

Start-up $START_MS ms. Health at the end: \`$health_after\`.
WARN/ERROR lines in the gateway log: $gw_warnings.
$( [[ -n "$gw_warning_lines" ]] && printf '\nDistinct WARN/ERROR messages (numbers as N; count, message):\n\n%s\n%s\n%s\n' "$fence" "$gw_warning_lines" "$fence")

## Commands

$fence
# gateway
$(printf '%s ' "${gateway_env[@]}" | sed "s/ADMIN_TOKEN=[^ ]*/ADMIN_TOKEN=…/") ./cairn serve
# tenants t1..t$TENANTS
tar -czf bundle.tar.gz -C bench/events-bundle postgresql
curl -F platform=$PLATFORM -F tenant_id=t1 -F schema=@bundle.tar.gz $BASE/register
# rows of one tenant (N = rows / TENANTS), then CHECKPOINT
psql -d ${PLATFORM}_t1 -c "INSERT INTO cairn.outbox (aggregate_type, aggregate_id, type, payload) SELECT 'items', (i % 1000)::text, 'updated', jsonb_build_object('i', i, 'pad', repeat('x', 100)) FROM generate_series(1, N) i"
# relay run (t0: one POST /v1/items per tenant; t1: the stream holds them all)
$(relay_cmd relay $(( EVENTS + TENANTS )); printf '%q ' "${RELAY[@]}" | sed "s/$ADMIN_TOKEN/…/; s#^helper #java -cp 'server/target/lib/*' bench/src/EventsBench.java #; s#\$# --nats $NATS_URL#")
# stream against outboxes
java -cp 'server/target/lib/*' bench/src/EventsBench.java verify --nats $NATS_URL --stream $STREAM --filter '$FILTER' --jdbc-base jdbc:postgresql://$PGHOST:$PGPORT/ --user $PGUSER --databases $db_csv
# latency
$(lat_cmd; printf '%q ' "${LATENCY[@]}" | sed "s/$ADMIN_TOKEN/…/; s#^helper #java -cp 'server/target/lib/*' bench/src/EventsBench.java #; s#\$# --nats $NATS_URL#")
# write cost (relay on: with curl -H 'Idempotency-Key: …' -d '{"name":"wake","qty":0}' $BASE/v1/items every $WAKE_MS ms)
$(pgbench_cmd write-plain.sql; echo "${PGBENCH[*]}")
$(pgbench_cmd write-outbox.sql; echo "${PGBENCH[*]}")
# write-plain.sql:
$(cat "$RAW/write-plain.sql")
# write-outbox.sql:
$(cat "$RAW/write-outbox.sql")
$fence

Raw outputs: \`bench/results/$stamp/\` (gateway.log, relay*.txt and relay*-progress.txt, verify.txt,
latency.txt and latency-ms.txt, the pgbench outputs, CPU counters *.cpu).
EOF
} >"$REPORT"
# Paths in the report are relative to the worktree.
sed -i "s#$root/##g" "$REPORT"

log "report: $REPORT"
cat "$REPORT"
