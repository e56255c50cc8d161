#!/usr/bin/env bash
# MESH benchmark: service-call round trips through Cairn's realm mesh (caller -> Cairn -> provider
# -> Cairn -> caller, every hop a WebSocket; bench/src/MeshBench.java) at CALLERS concurrent
# callers, against plain NATS request-reply on the same machine and NATS server (the floor: one
# responder, one requester connection per caller, the same payload). Both closed loop, one call in
# flight per caller. Writes bench/results/YYYY-MM-DD-HHMM-mesh.md (raw outputs beside it) and prints
# it. Drops its control database at the end, also on failure.
#
# usage: bench/mesh.sh            run the benchmark (knobs below, as environment variables)
#        bench/mesh.sh cleanup    drop what a KEEP=1 or killed run left behind
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"

# ---- knobs -------------------------------------------------------------------------------------
N="${N:-100000}"                        # recorded calls per run (total over the callers)
WARMUP="${WARMUP:-1000}"                # unrecorded calls per caller before each run
CALLERS="${CALLERS:-32}"                # concurrent callers, each its own connection
N1="${N1:-10000}"                       # recorded calls of the one-caller runs (round-trip latency unloaded)
NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
PORT="${PORT:-9560}"
MAX_TOTAL="${MAX_TOTAL:-20}"
KEEP="${KEEP:-0}"
APP_NAME="${APP_NAME:-cairn-bench-mesh}"
source "$root/scripts/jdk.sh"
JAVA_HOME="${JAVA_HOME_BENCH:-$(find_java_home)}" || exit 1
export JAVA_HOME

BENCH_TAG=mesh
BENCH_SCRIPT=bench/mesh.sh
source "$bench/lib.sh"
bench_defaults mesh                 # PG*, CONTROL_DB, PLATFORM, ADMIN_TOKEN, BASE (lib.sh)

BUCKET="bench_mesh_$(date +%Y%m%d%H%M%S)"

helper() {
  "$JAVA_HOME/bin/java" -cp "$root/server/target/lib/*" "$bench/src/MeshBench.java" "$@"
}

cleanup() {
  local rc=$?
  stop_gateway
  [[ -n "${JAR:-}" ]] && drop_nats_bucket "$NATS_URL" "$BUCKET"
  end_run "$rc"
}
start_run "$@"
refuse_leftovers
new_report -mesh
build_server
describe_machine
OWN_DATABASES=1

port_taken "$PORT" && die "port $PORT (PORT) is taken"
set_gateway_env NATS_URL="$NATS_URL" MESH_PRESENCE_BUCKET="$BUCKET" REALM_TOKEN_SECRET="bench-mesh-secret-$RANDOM$RANDOM-0123456789abcdef"
(cd "$root" && exec env "${gateway_env[@]}" ./cairn serve) >"$RAW/gateway.log" 2>&1 &
GW_PID=$!
await_200 "$GW_PID" /health "$BASE/health" || die "the gateway exited: $(tail -5 "$RAW/gateway.log")"
helper setup --base "$BASE" --admin "$ADMIN_TOKEN" --callers "$CALLERS" --out "$RAW/tokens.txt" >"$RAW/setup.txt" 2>&1 ||
  die "setting up realms and members failed: $(tail -3 "$RAW/setup.txt")"

# run NAME CALLERS N ARGS...: one measured run; sets r_<name>_{p50,p99,p999,cps}.
run() {
  local name="$1" callers="$2" n="$3" out="$RAW/$1.txt"
  shift 3
  helper "$@" --callers "$callers" --warmup "$WARMUP" --n "$n" >"$out" 2>&1 || die "$name failed: $(tail -3 "$out")"
  log "$(grep -v '^KV' "$out" | tail -1)"
  local k
  for k in p50 p99 p999; do printf -v "r_${name}_$k" '%s' "$(awk -v k="${k}_ms" '$1 == "KV" && $2 == k { print $3 }' "$out")"; done
  printf -v "r_${name}_cps" '%s' "$(awk '$1 == "KV" && $2 == "cps" { print $3 }' "$out")"
}

run nats1 1 "$N1" nats --nats "$NATS_URL"
run mesh1 1 "$N1" mesh --ws "ws://127.0.0.1:$PORT/gateway" --tokens "$RAW/tokens.txt"
run nats "$CALLERS" "$N" nats --nats "$NATS_URL"
run mesh "$CALLERS" "$N" mesh --ws "ws://127.0.0.1:$PORT/gateway" --tokens "$RAW/tokens.txt"
stop_gateway

ratio_p50="$(calc "$r_mesh_p50 / $r_nats_p50")"
ratio_p99="$(calc "$r_mesh_p99 / $r_nats_p99")"
ratio1_p50="$(calc "$r_mesh1_p50 / $r_nats1_p50")"
ratio1_p99="$(calc "$r_mesh1_p99 / $r_nats1_p99")"
cat >"$REPORT" <<MD
# Mesh benchmark, $stamp

\`bench/mesh.sh\`: service calls through the realm mesh (caller -> Cairn -> provider -> Cairn ->
caller, every hop a WebSocket frame) against plain NATS request-reply (caller -> nats-server ->
responder -> nats-server -> caller), both at $CALLERS concurrent callers, one call in flight per caller,
each caller its own connection, one provider/responder; $N recorded calls ($N1 with one caller) after
$WARMUP unrecorded per caller. The policy check (a capability-access rule), presence lookup and round-robin choice run on
every call.

| path | callers | p50 | p99 | p99.9 | calls/s |
|---|---|---|---|---|---|
| NATS request-reply (the floor) | $CALLERS | $r_nats_p50 ms | $r_nats_p99 ms | $r_nats_p999 ms | $r_nats_cps |
| Cairn mesh service-call | $CALLERS | $r_mesh_p50 ms | $r_mesh_p99 ms | $r_mesh_p999 ms | $r_mesh_cps |
| ratio (mesh / NATS) | $CALLERS | ${ratio_p50}× | ${ratio_p99}× | | |
| NATS request-reply (the floor) | 1 | $r_nats1_p50 ms | $r_nats1_p99 ms | $r_nats1_p999 ms | $r_nats1_cps |
| Cairn mesh service-call | 1 | $r_mesh1_p50 ms | $r_mesh1_p99 ms | $r_mesh1_p999 ms | $r_mesh1_cps |
| ratio (mesh / NATS) | 1 | ${ratio1_p50}× | ${ratio1_p99}× | | |

At $CALLERS callers both paths keep the machine's two cores busy (the callers and the provider are
Java programs on the same cores), so their latency is mostly waiting for a core; one caller shows
the round trip itself.

Machine: $cpu_model, $(nproc) cores, $mem_total; PostgreSQL $pg_version; the gateway on $jdk_version;
commit $git_rev; load before the run $load_before${busy_before:+; busy: $busy_before}. The callers, the
provider, the gateway and nats-server share the machine's cores.
MD
cat "$REPORT"
