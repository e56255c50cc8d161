#!/usr/bin/env bash
# SESSIONS benchmark: how long POST /api/auth/validate takes for sessions made by real logins
# (an OIDC provider of the run's own, bench/src/SessionBench.java), in three set-ups of one gateway:
#   cache     NATS_URL set: sessions are read from the NATS key-value bucket
#   no-nats   no NATS_URL: every validation reads the control database
#   nats-down NATS_URL set, then that (private) nats-server killed: the database answers
# each at one client thread (latency) and at THREADS threads (throughput). Writes
# bench/results/YYYY-MM-DD-HHMM-sessions.md (raw outputs beside it) and prints it. Drops its control
# database and the run's bucket at the end, also on failure.
#
# usage: bench/sessions.sh            run the benchmark (knobs below, as environment variables)
#        bench/sessions.sh cleanup    drop what a KEEP=1 or killed run left behind
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"

# ---- knobs -------------------------------------------------------------------------------------
N="${N:-20000}"                         # recorded validations per measured run (total over threads)
WARMUP="${WARMUP:-20000}"               # unrecorded validations before each
THREADS="${THREADS:-16}"                # client threads of the throughput runs
SESSIONS="${SESSIONS:-200}"             # sessions logged in and validated round-robin
NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
PORT="${PORT:-9550}"
IDP_PORT="${IDP_PORT:-9551}"
MAX_TOTAL="${MAX_TOTAL:-20}"
KEEP="${KEEP:-0}"
APP_NAME="${APP_NAME:-cairn-bench-sessions}"
source "$root/scripts/jdk.sh"
JAVA_HOME="${JAVA_HOME_BENCH:-$(find_java_home)}" || exit 1
export JAVA_HOME

BENCH_TAG=sessions
BENCH_SCRIPT=bench/sessions.sh
source "$bench/lib.sh"
bench_defaults sessions                 # PG*, CONTROL_DB, PLATFORM, ADMIN_TOKEN, BASE (lib.sh)

BUCKET="bench_sessions_$(date +%Y%m%d%H%M%S)"

helper() {
  "$JAVA_HOME/bin/java" -cp "$root/server/target/lib/*" "$bench/src/SessionBench.java" "$@"
}

IDP_PID=""
NATS_PID=""
NATS_DIR=""
cleanup() {
  local rc=$?
  stop_gateway
  [[ -n "$IDP_PID" ]] && stop_process "$IDP_PID" idp 5
  [[ -n "$NATS_PID" ]] && stop_process "$NATS_PID" nats-server 5
  [[ -n "$NATS_DIR" ]] && rm -rf "$NATS_DIR"
  [[ -n "${JAR:-}" ]] && drop_nats_bucket "$NATS_URL" "$BUCKET" && drop_nats_bucket "$NATS_URL" "${BUCKET}_presence"
  end_run "$rc"
}
start_run "$@"
refuse_leftovers
new_report -sessions
build_server
OWN_DATABASES=1

# The run's identity provider: discovery, JWKS and SESSIONS signed ID tokens.
port_taken "$IDP_PORT" && die "port $IDP_PORT (IDP_PORT) is taken"
# exec: $! is the JVM itself, so stopping it leaves no provider behind.
(exec "$JAVA_HOME/bin/java" -cp "$root/server/target/lib/*" "$bench/src/SessionBench.java" idp --port "$IDP_PORT" \
  --tokens "$SESSIONS" --out "$RAW/id-tokens.txt") >"$RAW/idp.log" 2>&1 &
IDP_PID=$!
for _ in $(seq 1 300); do grep -q "idp ready on" "$RAW/idp.log" && break; kill -0 "$IDP_PID" 2>/dev/null || break; sleep 0.1; done
grep -q "idp ready on" "$RAW/idp.log" || die "the identity provider did not start: $(tail -3 "$RAW/idp.log")"

# start_cairn NAME EXTRA_ENV...: a gateway for one set-up.
start_cairn() {
  local name="$1"
  shift
  set_gateway_env OIDC_ISSUER="http://127.0.0.1:$IDP_PORT/" OIDC_AUDIENCE=cairn-bench NATS_SESSION_BUCKET="$BUCKET" \
    MESH_PRESENCE_BUCKET="${BUCKET}_presence" "$@"
  (cd "$root" && exec env "${gateway_env[@]}" ./cairn serve) >"$RAW/gateway-$name.log" 2>&1 &
  GW_PID=$!
  await_200 "$GW_PID" /health "$BASE/health" || die "the gateway exited: $(tail -5 "$RAW/gateway-$name.log")"
}

# measure NAME: one thread, then THREADS threads; sets r_<name>_{1,n}_{p50,p99,rps}.
measure() {
  local name="$1" threads out
  for threads in 1 "$THREADS"; do
    out="$RAW/measure-$name-$threads.txt"
    helper measure --base "$BASE" --tokens "$RAW/id-tokens.txt" --sessions "$SESSIONS" --n "$N" \
      --warmup "$WARMUP" --threads "$threads" >"$out" 2>&1 || die "$name at $threads threads failed: $(tail -3 "$out")"
    log "$name, $threads thread(s): $(grep '^p50' "$out")"
    local key=$([[ $threads == 1 ]] && echo 1 || echo n)
    printf -v "r_${name//-/_}_${key}_p50" '%s' "$(awk '$1 == "KV" && $2 == "p50_ms" { print $3 }' "$out")"
    printf -v "r_${name//-/_}_${key}_p99" '%s' "$(awk '$1 == "KV" && $2 == "p99_ms" { print $3 }' "$out")"
    printf -v "r_${name//-/_}_${key}_rps" '%s' "$(awk '$1 == "KV" && $2 == "rps" { print $3 }' "$out")"
  done
}

log "cache: NATS key-value bucket $BUCKET at $NATS_URL"
start_cairn cache NATS_URL="$NATS_URL"
measure cache
stop_gateway
drop_databases   # a fresh control database for the next set-up

log "no-nats: the control database answers every validation"
start_cairn no-nats
measure no-nats
stop_gateway
drop_databases

log "nats-down: a private nats-server, killed once the gateway is connected"
NATS_DIR="$(mktemp -d)"
nats_port=$(( PORT + 20 ))
"$(command -v nats-server || echo /usr/sbin/nats-server)" -js -a 127.0.0.1 -p "$nats_port" -sd "$NATS_DIR" >"$RAW/nats-server.log" 2>&1 &
NATS_PID=$!
for _ in $(seq 1 100); do port_taken "$nats_port" && break; sleep 0.05; done
start_cairn nats-down NATS_URL="nats://127.0.0.1:$nats_port"
stop_process "$NATS_PID" nats-server 5
NATS_PID=""
until [[ "$(curl -s "$BASE/health" | jq -r '.events.relay // empty')" == disconnected ]]; do sleep 0.2; done
measure nats-down
stop_gateway

cat >"$REPORT" <<MD
# Sessions benchmark, $stamp

\`bench/sessions.sh\`: \`POST /api/auth/validate\` of $SESSIONS sessions made by real logins (RS256 ID
tokens of the run's own OIDC provider), round-robin; $N recorded requests after $WARMUP unrecorded,
per run; HTTP/1.1 keep-alive, one connection per client thread. Machine: $(nproc) cores,
$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo); PostgreSQL and NATS on the same host.

| set-up | 1 thread p50 | 1 thread p99 | $THREADS threads p50 | $THREADS threads p99 | $THREADS threads req/s |
|---|---|---|---|---|---|
| cache (NATS KV) | $r_cache_1_p50 ms | $r_cache_1_p99 ms | $r_cache_n_p50 ms | $r_cache_n_p99 ms | $r_cache_n_rps |
| no NATS (control database) | $r_no_nats_1_p50 ms | $r_no_nats_1_p99 ms | $r_no_nats_n_p50 ms | $r_no_nats_n_p99 ms | $r_no_nats_n_rps |
| NATS down (control database) | $r_nats_down_1_p50 ms | $r_nats_down_1_p99 ms | $r_nats_down_n_p50 ms | $r_nats_down_n_p99 ms | $r_nats_down_n_rps |

Every answer was 200 with \`"valid": true\` (a run with any other answer fails).
MD
cat "$REPORT"
