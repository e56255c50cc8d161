#!/usr/bin/env bash
# Cairn benchmark harness: one run measures start-up time, /call throughput against pgbench, the
# latency the gateway adds over direct JDBC, tenant creation time and connection usage, then
# writes bench/results/YYYY-MM-DD-HHMM.md (raw outputs in bench/results/YYYY-MM-DD-HHMM/) and
# prints it. Everything it creates in PostgreSQL is dropped at the end, also on failure.
#
# usage: bench/run.sh            run the benchmark (knobs below, as environment variables)
#        bench/run.sh cleanup    drop what a KEEP=1 or killed run left behind
#
# See bench/README.md for what each number means.
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"

# ---- knobs -------------------------------------------------------------------------------------
DURATION="${DURATION:-30}"              # seconds per throughput run (wrk and each pgbench mode)
WARMUP="${WARMUP:-45}"                  # seconds of wrk before the measured run (JIT warm-up; ~30 s on 2 cores)
CLIENTS="${CLIENTS:-32}"                # concurrent clients for wrk and pgbench
PORT="${PORT:-9400}"
KEEP="${KEEP:-0}"                       # 1: keep the databases (drop them later with `run.sh cleanup`)
STARTS="${STARTS:-6}"                   # start-ups measured: the first (creates the control database) + restarts
TENANTS="${TENANTS:-50}"
LAT_N="${LAT_N:-20000}"                 # measured gateway/JDBC pairs of the latency benchmark
LAT_WARMUP="${LAT_WARMUP:-5000}"
LAT_THREADS="${LAT_THREADS:-32}"        # second latency run with this many threads; 0 skips it
POOL_SIZE="${POOL_SIZE:-10}"            # MAX_CONNECTIONS_PER_POOL (10 is the gateway's default)
MAX_TOTAL="${MAX_TOTAL:-40}"            # MAX_TOTAL_CONNECTIONS
APP_NAME="${APP_NAME:-cairn-bench}"     # APPLICATION_NAME, used to count the gateway's connections
# The JDK for the latency client (needs 21+): JAVA_HOME_BENCH, else the one ./cairn runs on.
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
export PGAPPNAME=cairn-bench-harness    # our own psql sessions stay out of the connection count

CONTROL_DB=cairn_bench
PLATFORM=bench
ADMIN_TOKEN="bench-$RANDOM$RANDOM"
BASE="http://127.0.0.1:$PORT"
START_TIMEOUT=120                       # seconds to wait for the first 200 from /health
MAX_ID=10000                            # rows in the bench bundle's users table

# ---- small helpers -----------------------------------------------------------------------------
BENCH_TAG=bench
BENCH_SCRIPT=bench/run.sh
source "$bench/lib.sh"   # log, die, now_us, psql_q, stats, calc, stop_gateway, drop_databases

# ---- cleanup -----------------------------------------------------------------------------------
GW_PID=""
SAMPLER_PID=""
OWN_DATABASES=0   # set once we know the databases we will drop are ours (they did not exist before)

cleanup() {
  local rc=$?
  set +e
  [[ -n "$SAMPLER_PID" ]] && kill "$SAMPLER_PID" 2>/dev/null && wait "$SAMPLER_PID" 2>/dev/null
  stop_gateway
  end_run "$rc"
}

start_run "$@"

# ---- preflight ---------------------------------------------------------------------------------
for tool in wrk pgbench psql curl tar awk; do
  command -v "$tool" >/dev/null || die "$tool is not installed (wrk: apt-get install -y wrk)"
done
[[ -x "$JAVA_HOME/bin/java" ]] || die "no JDK at $JAVA_HOME (set JAVA_HOME_BENCH)"
psql_q "SELECT 1" >/dev/null || die "cannot connect to PostgreSQL at $PGUSER@$PGHOST:$PGPORT"
port_taken "$PORT" && die "port $PORT is in use (set PORT)"
refuse_leftovers
OWN_DATABASES=1

new_report ""
build_server
had_cds_archive=no
[[ -f "$root/server/target/cairn.jsa" ]] && had_cds_archive=yes

# ---- CPU accounting ----------------------------------------------------------------------------
# Everything runs on the same cores, so each throughput run also records who used the CPU:
# the gateway JVM, PostgreSQL (postmaster + all backends, including ones that exited: the
# postmaster's cutime/cstime collect them), the load generator (bash `time`), and the whole machine.
CLK_TCK="$(getconf CLK_TCK)"
PG_DATA="$(psql_q "SHOW data_directory")"
PM_PID="$(head -1 "$PG_DATA/postmaster.pid" 2>/dev/null || echo "")"

# Prints "machine_busy_ticks gateway_ticks postgres_ticks" (ticks of CLK_TCK, summed over CPUs).
cpu_snapshot() {
  local busy gw=0 pg=0
  busy="$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)"
  if [[ -n "$GW_PID" && -r "/proc/$GW_PID/stat" ]]; then
    gw="$(sed 's/^.*) //' "/proc/$GW_PID/stat" | awk '{ print $12 + $13 }')"
  fi
  if [[ -n "$PM_PID" ]]; then
    # Fields after "(comm) ": $2 = ppid, $12/$13 = utime/stime, $14/$15 = children's.
    pg="$({ cat /proc/[0-9]*/stat 2>/dev/null || true; } | sed 's/^\([0-9]*\) .*) /\1 /' |
          awk -v pm="$PM_PID" '$1 == pm { t += $13 + $14 + $15 + $16 } $3 == pm { t += $13 + $14 } END { print t + 0 }')"
  fi
  echo "$busy $gw $pg"
}

# Prints "user_ticks kernel_ticks" of the gateway: about half its CPU is the kernel's (socket
# writes wake the peer, thread hand-offs), which no change to Cairn's own code can remove.
gateway_split() {
  if [[ -n "$GW_PID" && -r "/proc/$GW_PID/stat" ]]; then
    sed 's/^.*) //' "/proc/$GW_PID/stat" | awk '{ print $12, $13 }'
  else
    echo "0 0"
  fi
}

# measure NAME COMMAND...: runs COMMAND with stdout in $RAW/NAME.txt and stderr in $RAW/NAME.err,
# and writes "busy0 gw0 pg0 busy1 gw1 pg1 client_user client_sys wall" to $RAW/NAME.cpu.
measure() {
  local name="$1"; shift
  local before after split0 TIMEFORMAT='%U %S %R'
  split0="$(gateway_split)"
  before="$(cpu_snapshot)"
  { time "$@" >"$RAW/$name.txt" 2>"$RAW/$name.err"; } 2>"$RAW/$name.time" ||
    die "$name failed: $(tail -5 "$RAW/$name.err" "$RAW/$name.txt" 2>/dev/null)"
  after="$(cpu_snapshot)"
  echo "$before $after $(tail -1 "$RAW/$name.time")" >"$RAW/$name.cpu"
  echo "$split0 $(gateway_split)" >"$RAW/$name.gwsplit"
}

# gateway_split_per_op NAME OPS: prints "user kernel", the gateway's CPU microseconds per operation.
gateway_split_per_op() {
  awk -v ops="$2" -v hz="$CLK_TCK" '{ if (ops <= 0) ops = 1
      printf "%.0f %.0f\n", ($3 - $1) / hz / ops * 1e6, ($4 - $2) / hz / ops * 1e6 }' "$RAW/$1.gwsplit"
}

# cpu_per_op NAME OPS: prints "gateway postgres client other busy%" — CPU microseconds per
# operation for each party ("other" is the rest of the machine), and how busy all cores were.
cpu_per_op() {
  awk -v ops="$2" -v hz="$CLK_TCK" -v ncpu="$(nproc)" '{
      busy = ($4 - $1) / hz; gw = ($5 - $2) / hz; pg = ($6 - $3) / hz; client = $7 + $8; wall = $9
      other = busy - gw - pg - client; if (other < 0) other = 0
      if (ops <= 0) ops = 1
      printf "%.0f %.0f %.0f %.0f %.0f\n", gw / ops * 1e6, pg / ops * 1e6, client / ops * 1e6,
             other / ops * 1e6, busy / (wall * ncpu) * 100 }' "$RAW/$1.cpu"
}

# ---- the gateway -------------------------------------------------------------------------------
set_gateway_env MAX_CONNECTIONS_PER_POOL="$POOL_SIZE"

# start_gateway LOG: starts `./cairn serve` and waits for the first 200 from /health.
# Sets GW_PID and START_MS (process start to that 200, client side).
start_gateway() {
  local logfile="$1" t0
  t0="$(now_us)"
  # exec twice: the subshell becomes env, then the launcher, which execs java: $! is the JVM.
  (cd "$root" && exec env "${gateway_env[@]}" ./cairn serve) >"$logfile" 2>&1 &
  GW_PID=$!
  AWAIT_POLL=0.02 await_200 "$GW_PID" /health "$BASE/health" \
    || { GW_PID=""; die "the gateway exited during start-up: $(tail -5 "$logfile")"; }
  START_MS=$(( ($(now_us) - t0) / 1000 ))
}

# ---- environment -------------------------------------------------------------------------------
log "environment"
pg_version="$(psql_q "SHOW server_version")"
pg_max_conn="$(psql_q "SHOW max_connections")"
jdk_version="$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
mem_total="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
git_rev="$(cd "$root" && git rev-parse --short HEAD)$(cd "$root" && git diff --quiet HEAD -- server || echo ' (server has uncommitted changes)')"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
# Other processes using CPU right now: this machine is supposed to be quiet.
# (top's second sample covers the last second; its first one averages since boot.)
busy_before="$(top -b -n 2 -d 1 -w 200 | awk '/^ *PID / { block++; next }
  block == 2 && $9 + 0 >= 5 { printf "%s%s %s%%", sep, $12, $9; sep = ", " }')"

# ---- 1. start-up time --------------------------------------------------------------------------
# The launcher's own cost (it probes every JDK it finds) is part of what an operator waits for.
t0="$(now_us)"; (cd "$root" && ./cairn java-home >/dev/null); launcher_ms=$(( ($(now_us) - t0) / 1000 ))
: >"$RAW/startup.txt"
for i in $(seq 1 "$STARTS"); do
  start_gateway "$RAW/gateway-start-$i.log"
  ready_ms="$(sed -n 's/.* ready on .* in \([0-9]*\) ms.*/\1/p' "$RAW/gateway-start-$i.log" | head -1)"
  stop_ms="-"
  if (( i < STARTS )); then      # the last one stays up for the rest of the run
    t0="$(now_us)"; stop_gateway; stop_ms=$(( ($(now_us) - t0) / 1000 ))
  fi
  echo "$i $START_MS ${ready_ms:--} $stop_ms" >>"$RAW/startup.txt"
  log "start $i: first 200 from /health after $START_MS ms (gateway says ready in ${ready_ms:-?} ms), stop $stop_ms ms"
done
grep -q "created control database $CONTROL_DB" "$RAW/gateway-start-1.log" ||
  log "warning: start 1 did not log the creation of $CONTROL_DB"
read -r _ first_start_ms first_ready_ms _ < <(head -1 "$RAW/startup.txt")
read -r warm_n _ warm_p50 _ _ warm_max < <(tail -n +2 "$RAW/startup.txt" | awk '{ print $2 }' | stats)
read -r _ _ warm_ready_p50 _ _ warm_ready_max < <(tail -n +2 "$RAW/startup.txt" | awk '{ print $3 }' | stats)
read -r _ _ stop_p50 _ _ stop_max < <(awk '$4 != "-" { print $4 }' "$RAW/startup.txt" | stats)
gateway_log="$RAW/gateway-start-$STARTS.log"

# ---- 2. register the bench bundle --------------------------------------------------------------
log "registering the bench bundle"
tar -czf "$RAW/bundle.tar.gz" -C "$bench/bundle" postgresql
read -r reg_code reg_s < <(curl -s -o "$RAW/register.json" -w '%{http_code} %{time_total}\n' \
  -F platform="$PLATFORM" -F schema=@"$RAW/bundle.tar.gz" "$BASE/register")
[[ "$reg_code" == 200 ]] || die "register answered $reg_code: $(cat "$RAW/register.json")"
register_ms="$(calc "$reg_s * 1000")"
grep -q '"inserted":10000' "$RAW/register.json" || die "the seeder did not insert 10000 rows: $(cat "$RAW/register.json")"

call_body='{"platform":"bench","function":"get_user","params":[42]}'
curl -s -D "$RAW/call-sample.headers" -o "$RAW/call-sample.json" -H 'Content-Type: application/json' \
  -d "$call_body" "$BASE/call"
grep -q '"row_count":1' "$RAW/call-sample.json" || die "/call sample failed: $(cat "$RAW/call-sample.json")"

# ---- 3. throughput: wrk on /call vs pgbench ----------------------------------------------------
wrk_cmd=(wrk -t2 -c"$CLIENTS" -d"${DURATION}s" --latency -s "$bench/scripts/call.lua" "$BASE/call")
log "warm-up: wrk for ${WARMUP}s"
export BENCH_MAX_ID="$MAX_ID"
measure wrk-warmup wrk -t2 -c"$CLIENTS" -d"${WARMUP}s" --latency -s "$bench/scripts/call.lua" "$BASE/call"

# 5. connection usage: one psql session samples pg_stat_activity every 100 ms during the wrk run.
printf '%s\n' "SELECT to_char(clock_timestamp(), 'HH24:MI:SS.MS') || ' ' || count(*) FROM pg_stat_activity WHERE application_name = '$APP_NAME'" \
  '\watch 0.1' >"$RAW/sampler.sql"
psql -X -At -d postgres -f "$RAW/sampler.sql" >"$RAW/connections.txt" 2>"$RAW/connections.err" &
SAMPLER_PID=$!
log "measuring: wrk for ${DURATION}s"
measure wrk "${wrk_cmd[@]}"
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""

# pgbench: the same query straight to PostgreSQL with the same number of clients.
printf '\\set id random(1, %d)\nSELECT * FROM get_user(:id);\n' "$MAX_ID" >"$RAW/pgbench-get_user.sql"
# What the gateway sends PostgreSQL for a set-returning function (see README): BEGIN pipelined
# with the SELECT (one round trip), then COMMIT (a second one). A reference, not a target.
printf '\\set id random(1, %d)\n\\startpipeline\nBEGIN;\nSELECT * FROM get_user(:id);\n\\endpipeline\nCOMMIT;\n' \
  "$MAX_ID" >"$RAW/pgbench-tx.sql"
pgbench_cmd() { # MODE SCRIPT: sets the array PGBENCH
  PGBENCH=(pgbench -n -c"$CLIENTS" -j2 -T"$DURATION" -M "$1" -f "$2" "${PLATFORM}_main")
}
for run in prepared:get_user simple:get_user prepared:tx; do
  mode="${run%%:*}"; script="${run##*:}"
  name="pgbench-$mode"; [[ "$script" == tx ]] && name="pgbench-$mode-tx"
  log "measuring: $name for ${DURATION}s"
  pgbench_cmd "$mode" "$RAW/pgbench-$script.sql"
  # A 10% sample of per-transaction latencies goes to $RAW/$name.<pid>[.<thread>] for percentiles.
  measure "$name" "${PGBENCH[@]:0:${#PGBENCH[@]}-1}" -l --sampling-rate=0.1 --log-prefix="$RAW/$name" "${PGBENCH[@]: -1}"
done

# ---- 4. latency added over direct JDBC ---------------------------------------------------------
lat_cmd() { # THREADS: sets the array LATENCY
  LATENCY=("$JAVA_HOME/bin/java" -cp "$root/server/target/lib/*" "$bench/src/LatencyBench.java"
    --url "$BASE/call"
    --jdbc "jdbc:postgresql://$PGHOST:$PGPORT/${PLATFORM}_main?user=$PGUSER&binaryTransfer=false&ApplicationName=cairn-bench-direct"
    -n "$LAT_N" --warmup "$LAT_WARMUP" --threads "$1" --max-id "$MAX_ID")
}
log "latency: 1 thread, $LAT_N pairs after $LAT_WARMUP warm-up"
lat_cmd 1
measure latency-1 "${LATENCY[@]}"
if (( LAT_THREADS > 0 )); then
  log "latency: $LAT_THREADS threads"
  lat_cmd "$LAT_THREADS"
  measure "latency-$LAT_THREADS" "${LATENCY[@]}"
fi

# ---- 5. tenant creation ------------------------------------------------------------------------
log "creating $TENANTS tenants"
: >"$RAW/tenants.txt"
for i in $(seq 1 "$TENANTS"); do
  read -r code secs < <(curl -s -o "$RAW/tenant-last.json" -w '%{http_code} %{time_total}\n' \
    -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"platform\":\"$PLATFORM\",\"tenant_id\":\"t$i\"}" "$BASE/admin/create-tenant")
  [[ "$code" == 201 ]] || die "create-tenant t$i answered $code: $(cat "$RAW/tenant-last.json")"
  echo "t$i $(calc "$secs * 1000")" >>"$RAW/tenants.txt"
done
read -r _ tenant_first_ms < <(head -1 "$RAW/tenants.txt")
read -r tenant_n tenant_min tenant_p50 tenant_p90 _ tenant_max < <(tail -n +2 "$RAW/tenants.txt" | awk '{ print $2 }' | stats)

# ---- collect the numbers -----------------------------------------------------------------------
health_after="$(curl -s "$BASE/health")"
stop_gateway
gw_warnings="$(grep -cE ' (WARN|ERROR) ' "$gateway_log" || true)"
# The distinct messages (without timestamps), at most 5, for the report.
gw_warning_lines="$(grep -hE ' (WARN|ERROR) ' "$RAW"/gateway-start-*.log | cut -d' ' -f2- | sort | uniq -c | sort -rn | head -5 || true)"

# wrk: requests/s, latency, statuses, errors, Server-Timing means.
wrk_rps="$(awk '/^Requests\/sec:/ { print $2 }' "$RAW/wrk.txt")"
wrk_requests="$(awk '/^requests / { print $2 }' "$RAW/wrk.txt")"
wrk_p50="$(awk '/^latency_us p50 / { printf "%.2f", $3 / 1000 }' "$RAW/wrk.txt")"
wrk_p90="$(awk '/^latency_us p90 / { printf "%.2f", $3 / 1000 }' "$RAW/wrk.txt")"
wrk_p99="$(awk '/^latency_us p99 / { printf "%.2f", $3 / 1000 }' "$RAW/wrk.txt")"
wrk_statuses="$(sed -n 's/^statuses: //p' "$RAW/wrk.txt")"
wrk_errors="$(sed -n 's/^errors //p' "$RAW/wrk.txt")"
wrk_non2xx="$(awk '/Non-2xx or 3xx responses/ { print $NF }' "$RAW/wrk.txt")"
read -r st_parse st_route st_plan st_exec < <(awk '/^server_timing_ms / { print $5, $7, $9, $11 }' "$RAW/wrk.txt") || true
warm_rps="$(awk '/^Requests\/sec:/ { print $2 }' "$RAW/wrk-warmup.txt")"
read -r cpu_gw cpu_pg cpu_client cpu_other cpu_busy < <(cpu_per_op wrk "$wrk_requests")
read -r cpu_gw_user cpu_gw_kernel < <(gateway_split_per_op wrk "$wrk_requests")

# pgbench: tps, mean latency, p50/p99 from the sampled per-transaction logs (column 3, µs).
declare -A pgb_tps pgb_avg pgb_p50 pgb_p99 pgb_failed pgb_cpu
for name in pgbench-prepared pgbench-simple pgbench-prepared-tx; do
  pgb_tps[$name]="$(awk '/^tps = / { printf "%.0f", $3 }' "$RAW/$name.txt")"
  pgb_avg[$name]="$(awk '/^latency average = / { print $4 }' "$RAW/$name.txt")"
  pgb_failed[$name]="$(awk '/^number of failed transactions:/ { print $5 }' "$RAW/$name.txt")"
  read -r _ _ p50 _ p99 _ < <(cat "$RAW/$name".[0-9]* 2>/dev/null | awk '{ print $3 }' | stats)
  pgb_p50[$name]="$(calc "${p50/-/0} / 1000")"; pgb_p99[$name]="$(calc "${p99/-/0} / 1000")"
  xacts="$(awk '/^number of transactions actually processed:/ { print $6 }' "$RAW/$name.txt")"
  pgb_cpu[$name]="$(cpu_per_op "$name" "${xacts:-1}")"
done
ratio_prepared="$(calc "$wrk_rps / ${pgb_tps[pgbench-prepared]}")"
ratio_simple="$(calc "$wrk_rps / ${pgb_tps[pgbench-simple]}")"
ratio_tx="$(calc "$wrk_rps / ${pgb_tps[pgbench-prepared-tx]}")"

# connections
read -r conn_samples _ _ _ _ conn_max < <(awk '{ print $2 }' "$RAW/connections.txt" | stats)

# latency benchmark
kv() { awk -v k="$2" '$1 == "KV" && $2 == k { printf "%.3f", $3 }' "$RAW/latency-$1.txt"; }
lat_row() { # THREADS LABEL
  local t="$1"
  [[ -f "$RAW/latency-$t.txt" ]] || return 0
  echo "| $2 | gateway | $(kv "$t" gateway_p50_ms) | $(kv "$t" gateway_p90_ms) | $(kv "$t" gateway_p99_ms) | $(kv "$t" gateway_p999_ms) | $(kv "$t" gateway_max_ms) |"
  echo "| $2 | direct JDBC | $(kv "$t" jdbc_p50_ms) | $(kv "$t" jdbc_p90_ms) | $(kv "$t" jdbc_p99_ms) | $(kv "$t" jdbc_p999_ms) | $(kv "$t" jdbc_max_ms) |"
  echo "| $2 | **added** | **$(kv "$t" added_p50_ms)** | $(kv "$t" added_p90_ms) | **$(kv "$t" added_p99_ms)** | | |"
}
verdict() { # VALUE OP LIMIT -> "met" / "**missed**"
  if awk "BEGIN { exit !($1 $2 $3) }"; then echo "met"; else echo "**missed**"; fi
}

# ---- the report --------------------------------------------------------------------------------
wrk_cmd_shown="BENCH_MAX_ID=$MAX_ID ${wrk_cmd[*]}"
{
cat <<EOF
# Cairn benchmark — $(date '+%Y-%m-%d %H:%M %Z')

| | |
|---|---|
| Commit | \`$git_rev\` |
| Machine | $(nproc) CPUs ($cpu_model), $mem_total RAM, $(uname -sr) |
| JDK | $jdk_version |
| PostgreSQL | $pg_version (max_connections $pg_max_conn), $PGHOST:$PGPORT |
| Tools | $({ wrk --version 2>&1 || true; } | head -1 | cut -d' ' -f1-2), $(pgbench --version) |
| Gateway settings | MAX_CONNECTIONS_PER_POOL=$POOL_SIZE, MAX_TOTAL_CONNECTIONS=$MAX_TOTAL, LOG_LEVEL=${LOG_LEVEL:-info}, CAIRN_JAVA_OPTS=${CAIRN_JAVA_OPTS:-(none)} |
| Knobs | DURATION=$DURATION WARMUP=$WARMUP CLIENTS=$CLIENTS STARTS=$STARTS TENANTS=$TENANTS LAT_N=$LAT_N LAT_WARMUP=$LAT_WARMUP LAT_THREADS=$LAT_THREADS |
| Load before the run | $load_before (1/5/15 min)${busy_before:+; busy processes: $busy_before} |

wrk, pgbench, the latency client, the gateway and PostgreSQL all share the same $(nproc) CPUs: every
number below includes the load generator competing with what it measures (see the CPU columns).

## Summary

| Measure | Result | Target | |
|---|---|---|---|
| Warm start (median of $warm_n) | $warm_p50 ms | | |
| /call vs pgbench prepared | $ratio_prepared × ($wrk_rps vs ${pgb_tps[pgbench-prepared]}) | ≥ 0.55 | $(verdict "$ratio_prepared" ">=" 0.55) |
| /call vs pgbench simple | $ratio_simple × ($wrk_rps vs ${pgb_tps[pgbench-simple]}) | ≥ 0.8 | $(verdict "$ratio_simple" ">=" 0.8) |
| Gateway CPU per /call | $cpu_gw µs | ≤ 30 µs | $(verdict "$cpu_gw" "<=" 30) |
| Added latency p50, 1 client | $(kv 1 added_p50_ms) ms | ≤ 0.5 ms | $(verdict "$(kv 1 added_p50_ms)" "<=" 0.5) |
| Added latency p99, 1 client | $(kv 1 added_p99_ms) ms | ≤ 2 ms | $(verdict "$(kv 1 added_p99_ms)" "<=" 2) |
| Tenant creation median (after the first) | $tenant_p50 ms | ≤ 50 ms (at 1,000 tenants) | $(verdict "$tenant_p50" "<=" 50) |
| Max gateway connections during wrk | $conn_max of $MAX_TOTAL | ≤ MAX_TOTAL_CONNECTIONS | $(verdict "$conn_max" "<=" "$MAX_TOTAL") |
| /call errors under load | statuses $wrk_statuses; socket errors: $wrk_errors | none | $( [[ -z "$wrk_non2xx" && "$wrk_errors" == "connect 0 read 0 write 0 timeout 0 status 0" ]] && echo met || echo "**missed**") |

## 1. Start-up

Process start (\`./cairn serve\`) to the first 200 from \`/health\`, polled every 20 ms from the
client side. "Gateway says" is the gateway's own "ready in N ms" log line (JVM already running).
CDS archive (\`server/target/cairn.jsa\`) present before the first start: $had_cds_archive.

| | To first 200 | Gateway says | Stop (SIGTERM to exit) |
|---|---|---|---|
| First start (creates $CONTROL_DB + Flyway) | $first_start_ms ms | $first_ready_ms ms | |
| Warm starts, median of $warm_n | $warm_p50 ms | $warm_ready_p50 ms | $stop_p50 ms |
| Warm starts, max | $warm_max ms | $warm_ready_max ms | $stop_max ms |

Every start: $(awk '{ printf "%s%s ms", sep, $2; sep = ", " }' "$RAW/startup.txt").
The launcher alone (\`./cairn java-home\`: finding the newest JDK) takes $launcher_ms ms of that.

## 2. Throughput: /call vs pgbench ($CLIENTS clients, ${DURATION}s each)

| Run | Req/s or tps | p50 ms | p90 ms | p99 ms | Gateway µs CPU/op | PostgreSQL µs CPU/op | Client µs CPU/op | Other µs CPU/op | CPUs busy |
|---|---|---|---|---|---|---|---|---|---|
| wrk → gateway /call | $wrk_rps | $wrk_p50 | $wrk_p90 | $wrk_p99 | $cpu_gw | $cpu_pg | $cpu_client | $cpu_other | $cpu_busy % |
EOF
for name in pgbench-prepared pgbench-simple pgbench-prepared-tx; do
  read -r g p c o b <<<"${pgb_cpu[$name]}"
  label="${name#pgbench-}"; [[ "$name" == pgbench-prepared-tx ]] && label="prepared, BEGIN+SELECT pipelined, COMMIT (reference)"
  echo "| pgbench $label | ${pgb_tps[$name]} | ${pgb_p50[$name]} | | ${pgb_p99[$name]} | – | $p | $c | $o | $b % |"
done
cat <<EOF

- The gateway's $cpu_gw µs per /call: $cpu_gw_user µs in user space (Cairn, Helidon, pgjdbc, the
  JVM) and $cpu_gw_kernel µs in the kernel (socket reads and writes, each write waking the peer,
  and thread hand-offs). The pgbench client, for comparison, does one write and one read per
  transaction where the gateway does two of each.
- Ratios: gateway / pgbench prepared = **$ratio_prepared**, gateway / pgbench simple = **$ratio_simple**,
  gateway / pgbench BEGIN-SELECT-COMMIT = $ratio_tx.
- wrk: $wrk_requests requests, statuses: $wrk_statuses${wrk_non2xx:+, non-2xx: $wrk_non2xx}; socket errors: $wrk_errors.
  Warm-up run (${WARMUP}s, not counted): $warm_rps req/s.
- pgbench failed transactions: prepared ${pgb_failed[pgbench-prepared]:-0}, simple ${pgb_failed[pgbench-simple]:-0}, tx ${pgb_failed[pgbench-prepared-tx]:-0}.
  pgbench mean latency: prepared ${pgb_avg[pgbench-prepared]} ms, simple ${pgb_avg[pgbench-simple]} ms
  (p50/p99 from a 10% sample of the per-transaction log).
- Server-Timing means under load (ms): parse ${st_parse:-?}, route ${st_route:-?}, plan ${st_plan:-?},
  execute ${st_exec:-?} (execute includes waiting for a pooled connection).
- CPU per operation: CPU time used during the run divided by the requests or transactions done.
  "PostgreSQL" is the postmaster and every backend; "Other" is the rest of the machine (other
  processes, kernel threads). A saturated machine shows ~100 % busy.

## 3. Latency added over direct JDBC

\`LatencyBench\`: each client thread alternates one \`/call\` (java.net.http, HTTP/1.1 keep-alive)
and one direct JDBC \`SELECT * FROM get_user(?)\` (pgjdbc, prepared statement reused), same id.
$(kv 1 pairs | cut -d. -f1) pairs after $LAT_WARMUP warm-up pairs. Milliseconds.

| Threads | Path | p50 | p90 | p99 | p99.9 | max |
|---|---|---|---|---|---|---|
$(lat_row 1 1)
$( (( LAT_THREADS > 0 )) && lat_row "$LAT_THREADS" "$LAT_THREADS")

"Added" is the difference of the percentiles (gateway p50 − JDBC p50, …), not a percentile of
per-call differences. Errors: 1 thread $(kv 1 errors | cut -d. -f1)$( (( LAT_THREADS > 0 )) && echo ", $LAT_THREADS threads $(kv "$LAT_THREADS" errors | cut -d. -f1)").

## 4. Tenant creation

\`POST /admin/create-tenant\` one after another, timed by curl (\`time_total\`).

| | ms |
|---|---|
| First tenant (builds the template) | $tenant_first_ms |
| Next $tenant_n: median | $tenant_p50 |
| Next $tenant_n: p90 | $tenant_p90 |
| Next $tenant_n: min / max | $tenant_min / $tenant_max |

Registering the bundle (\`POST /register\`, creates ${PLATFORM}_main, 10,000 rows): $register_ms ms.

## 5. Connections

\`pg_stat_activity\` rows with application_name '$APP_NAME', sampled every 100 ms during the
measured wrk run ($conn_samples samples): max **$conn_max** (MAX_TOTAL_CONNECTIONS=$MAX_TOTAL,
MAX_CONNECTIONS_PER_POOL=$POOL_SIZE). Health at the end: \`$health_after\`.

WARN/ERROR lines in the log of the gateway that served the run: $gw_warnings.
$( [[ -n "$gw_warning_lines" ]] && printf '\nDistinct WARN/ERROR messages over all %s start-ups (count, message):\n\n```\n%s\n```\n' "$STARTS" "$gw_warning_lines")

## Commands

\`\`\`
# gateway
$(printf '%s ' "${gateway_env[@]}" | sed "s/ADMIN_TOKEN=[^ ]*/ADMIN_TOKEN=…/") ./cairn serve
# throughput
$wrk_cmd_shown
$(pgbench_cmd prepared pgbench-get_user.sql; echo "${PGBENCH[*]}")
$(pgbench_cmd simple pgbench-get_user.sql; echo "${PGBENCH[*]}")
$(pgbench_cmd prepared pgbench-tx.sql; echo "${PGBENCH[*]}")
#   (each also with -l --sampling-rate=0.1 --log-prefix=... for percentiles)
# pgbench-get_user.sql:
$(cat "$RAW/pgbench-get_user.sql")
# pgbench-tx.sql:
$(cat "$RAW/pgbench-tx.sql")
# latency ($LAT_THREADS-thread run: same with --threads $LAT_THREADS)
$(lat_cmd 1; printf '%q ' "${LATENCY[@]}")
\`\`\`

Raw outputs: \`bench/results/$stamp/\`.
EOF
} >"$REPORT"
# Paths in the report are relative to the worktree.
sed -i "s#$root/##g" "$REPORT"

log "report: $REPORT"
cat "$REPORT"
