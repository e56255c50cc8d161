#!/usr/bin/env bash
# GATE benchmark: what authentication, the policy and a rate limit cost on a data-API GET
# (GET /v1/items/{id}, random id, the bench/data-api bundle with 10,000 rows), three ways on one
# gateway, one after the other:
#   token    the platform's token (a hash looked up in memory) and no rate-limit rule: the floor
#   member   a realm member's token (HS256 JWT verified, the member and its realm read from the
#            realm store's cache, the data API's role rule): authentication and policy
#   limited  the same, the member's realm with a rate-limit policy (one token bucket per member,
#            large enough never to refuse) kept in Redis (RATE_LIMIT_STORE=redis): all three
# wrk at CLIENTS connections; p50/p99 from wrk's latency distribution. Writes
# bench/results/YYYY-MM-DD-HHMM-gate.md (raw outputs beside it) and prints it. Drops what it made.
#
# usage: bench/gate.sh            run the benchmark (knobs below, as environment variables)
#        bench/gate.sh cleanup    drop what a KEEP=1 or killed run left behind
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
da="$bench/data-api"   # the bundle and the wrk script

# ---- knobs -------------------------------------------------------------------------------------
DURATION="${DURATION:-20}"              # seconds of each measured wrk run
WARMUP="${WARMUP:-20}"                  # seconds of wrk before each measured run
CLIENTS="${CLIENTS:-32}"                # wrk connections
THREADS="${THREADS:-$(( CLIENTS < 2 ? CLIENTS : 2 ))}"  # wrk threads (no more than connections)
ROUNDS="${ROUNDS:-2}"                   # the three runs are repeated this often, interleaved (best p99 kept)
PORT="${PORT:-9570}"
MAX_TOTAL="${MAX_TOTAL:-30}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
KEEP="${KEEP:-0}"
APP_NAME="${APP_NAME:-cairn-bench-gate}"

BENCH_TAG=gate
BENCH_SCRIPT=bench/gate.sh
source "$bench/lib.sh"
bench_defaults gate                 # PG*, CONTROL_DB, PLATFORM, ADMIN_TOKEN, BASE (lib.sh)

TENANT=t1
DB="${PLATFORM}_${TENANT}"
ROWS=10000
GW_PID=""

source "$bench/compare.sh"   # start_gateway, cpu_snapshot

cleanup() {
  local rc=$?
  set +e
  stop_gateway
  end_run "$rc"
}
start_run "$@"
command -v wrk >/dev/null || die "wrk is not installed: apt-get install -y wrk"
redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1 || die "Redis does not answer at $REDIS_URL"
port_taken "$PORT" && die "port $PORT is in use (set PORT)"
refuse_leftovers
OWN_DATABASES=1
new_report -gate
build_server
describe_machine

set_gateway_env RATE_LIMIT_STORE=redis RATE_LIMIT_REDIS_URL="$REDIS_URL" \
  REALM_TOKEN_SECRET="$(openssl rand -hex 32)" MAX_CONNECTIONS_PER_POOL=10
start_gateway

api() { # METHOD PATH JSON: the admin's request; dies unless 2xx; the body on stdout
  local out="$RAW/api.json" code
  code="$(curl -s -o "$out" -w '%{http_code}' -X "$1" "$BASE$2" -H "Authorization: Bearer $ADMIN_TOKEN" \
    -H 'content-type: application/json' ${3:+-d "$3"})"
  [[ "$code" == 2* ]] || die "$1 $2 answered $code: $(head -c 500 "$out")"
  cat "$out"
}

log "registering platform $PLATFORM tenant $TENANT, seeding $ROWS rows"
tar -czf "$RAW/bundle.tar.gz" -C "$da/bundle" postgresql
code="$(curl -s -o "$RAW/register.json" -w '%{http_code}' \
  -F platform="$PLATFORM" -F tenant_id="$TENANT" -F schema=@"$RAW/bundle.tar.gz" "$BASE/register")"
[[ "$code" == 200 ]] || die "register answered $code: $(cat "$RAW/register.json")"
psql_q "INSERT INTO items (name, category, price, created_at)
        SELECT 'item ' || g, 'c' || (1 + (g - 1) % 20), round((g % 1000) * 0.37 + 1, 2),
               timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute'
        FROM generate_series(1, $ROWS) AS g" "$DB" >/dev/null
psql_q "ANALYZE items" "$DB" >/dev/null

log "credentials: the platform token, two members (one under a rate-limit policy)"
platform_token="$(api POST /admin/platform-token "{\"platform\":\"$PLATFORM\"}" | jq -r '.token')"
[[ -n "$platform_token" && "$platform_token" != null ]] || die "no platform token"
api POST /api/policies '{"name":"bench-gate-limit","type":"rate-limit","config":{"rules":[{"per":"member","requestsPerMinute":60000000,"burst":10000000}]}}' >/dev/null
api POST /api/realms "{\"realmId\":\"$PLATFORM/$TENANT/plain\",\"parentRealmId\":\"$PLATFORM/$TENANT\"}" >/dev/null
api POST /api/realms "{\"realmId\":\"$PLATFORM/$TENANT/limited\",\"parentRealmId\":\"$PLATFORM/$TENANT\",\"policies\":[\"bench-gate-limit\"]}" >/dev/null
member_token() { # REALM: a member there, its key exchanged for a token
  local key
  key="$(api POST /api/members "{\"name\":\"reader\",\"realmId\":\"$1\",\"memberType\":\"consumer\",\"roles\":[\"admin\"]}" | jq -r '.apiKey')"
  curl -s "$BASE/api/auth/token" -H 'content-type: application/json' -d "{\"apiToken\":\"$key\"}" | jq -r '.token'
}
member_plain="$(member_token "$PLATFORM/$TENANT/plain")"
member_limited="$(member_token "$PLATFORM/$TENANT/limited")"

# check NAME TOKEN: one GET, which must be 200 (and, for limited, carry RateLimit headers).
check() {
  curl -s -D "$RAW/check-$1.headers" -o "$RAW/check-$1.json" -w '%{http_code}' "$BASE/v1/items/1" \
    -H "Authorization: Bearer $2" -H "x-tenant-id: $TENANT" >"$RAW/check-$1.code"
  [[ "$(cat "$RAW/check-$1.code")" == 200 ]] || die "check $1: $(cat "$RAW/check-$1.code") $(head -c 500 "$RAW/check-$1.json")"
}
check token "$platform_token"
check member "$member_plain"
check limited "$member_limited"
grep -qi '^ratelimit:' "$RAW/check-limited.headers" || die "the limited member's answer has no RateLimit header"
grep -qi '^ratelimit:' "$RAW/check-member.headers" && die "the plain member's answer has a RateLimit header"

# run NAME TOKEN SECONDS: wrk; p50/p99 (ms) and req/s appended to $RAW/results.txt.
run() {
  local name="$1" token="$2" secs="$3" out="$RAW/$1.txt" statuses
  env BENCH_SCENARIO=cairn-get BENCH_MAX_ID="$ROWS" BENCH_JWT="$token" BENCH_TENANT="$TENANT" \
    wrk -t"$THREADS" -c"$CLIENTS" -d"${secs}s" --latency -s "$da/wrk.lua" "$BASE" >"$out" 2>"$RAW/$name.err" ||
    die "$name: wrk failed: $(tail -3 "$RAW/$name.err")"
  statuses="$(sed -n 's/^statuses: //p' "$out")"
  [[ "$statuses" =~ ^200=[0-9]+$ ]] || die "$name: answers other than 200: $statuses"
}
record() { # NAME ROUND
  local out="$RAW/$1.txt"
  printf '%s %s %s %s %s\n' "$1" "$2" \
    "$(awk '$1 == "latency_us" && $2 == "p50" { printf "%.3f", $3 / 1000 }' "$out")" \
    "$(awk '$1 == "latency_us" && $2 == "p99" { printf "%.3f", $3 / 1000 }' "$out")" \
    "$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")" >>"$RAW/results.txt"
  log "$1 (round $2): $(tail -1 "$RAW/results.txt")"
}
: >"$RAW/results.txt"
log "warm-up ${WARMUP}s each"
run token "$platform_token" "$WARMUP"
run member "$member_plain" "$WARMUP"
run limited "$member_limited" "$WARMUP"
for round in $(seq 1 "$ROUNDS"); do
  for name in token member limited; do
    case "$name" in token) t="$platform_token" ;; member) t="$member_plain" ;; limited) t="$member_limited" ;; esac
    psql_q "CHECKPOINT" >/dev/null
    run "$name" "$t" "$DURATION"
    cp "$RAW/$name.txt" "$RAW/$name-$round.txt"
    record "$name" "$round"
  done
done
stop_gateway

# The best round of each (lowest p99): noise on a shared 2-core machine only ever adds latency.
best() { sort -k4,4n <(awk -v n="$1" '$1 == n' "$RAW/results.txt") | head -1; }
read -r _ _ t50 t99 trps < <(best token)
read -r _ _ m50 m99 mrps < <(best member)
read -r _ _ l50 l99 lrps < <(best limited)
cat >"$REPORT" <<MD
# Gate benchmark, $stamp

\`bench/gate.sh\`: \`GET /v1/items/{id}\` (random id of $ROWS rows) at $CLIENTS connections, wrk
${DURATION}s per run after ${WARMUP}s of warm-up, $ROUNDS interleaved rounds, the round with the lowest p99
of each kept (all rounds in \`$stamp/results.txt\`).

| credential and limits | p50 | p99 | req/s | p99 over the floor |
|---|---|---|---|---|
| platform token, no rate limit (the floor) | $t50 ms | $t99 ms | $trps | |
| member token (JWT, realm store, role rule), no rate limit | $m50 ms | $m99 ms | $mrps | $(calc "$m99 - $t99") ms |
| member token and a rate-limit bucket in Redis | $l50 ms | $l99 ms | $lrps | $(calc "$l99 - $t99") ms |

Target: authentication, policy and rate limit together add at most 0.3 ms at p99 (Kong's key-auth
and rate-limiting plugins add 2.2 ms).

Machine: $cpu_model, $(nproc) cores, $mem_total; PostgreSQL $pg_version; the gateway on $jdk_version;
commit $git_rev; load before the run $load_before${busy_before:+; busy: $busy_before}. wrk, the
gateway, Redis and PostgreSQL share the machine's cores.
MD
cat "$REPORT"
