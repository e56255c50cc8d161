# What the benchmarks against PostGraphile share (bench/data-api.sh, bench/graphql.sh): starting and
# stopping Cairn and PostGraphile, the CPU each one and PostgreSQL used, and an HS256 JWT made with
# openssl. Sourced after bench/lib.sh; the caller sets BASE, GQL, GQL_DIR (where PostGraphile's
# node_modules are), gql_cmd, gateway_env, RAW, JWT_SECRET, PLATFORM and TENANT before it calls them.

# PostGraphile's cluster workers are children of its master process: they are stopped too, and
# waited for, so that none still runs while Cairn is measured.
stop_postgraphile() {
  [[ -n "$GQL_PID" ]] || return 0
  local workers pid deadline
  workers="$(pgrep -P "$GQL_PID" || true)"
  stop_process "$GQL_PID" PostGraphile
  GQL_PID=""
  for pid in $workers; do
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == node ]] || continue
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$(( $(now_us) + 10000000 ))
    # Gone, or a zombie (exited; its new parent reaps it).
    while [[ -r "/proc/$pid/stat" && "$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]] &&
          (( $(now_us) < deadline )); do sleep 0.05; done
  done
}

# cpu_snapshot SERVER_PID: prints "machine_busy server postgres" in ticks. The server is the
# process and its children (PostGraphile's cluster workers); PostgreSQL is the postmaster and its
# backends, including the ones that exited.
cpu_snapshot() {
  local busy server=0 pg=0
  busy="$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)"
  read -r server pg < <({ cat /proc/[0-9]*/stat 2>/dev/null || true; } | sed 's/^\([0-9]*\) .*) /\1 /' |
    awk -v s="$1" -v pm="${PM_PID:-0}" '
      # After the sed: $1 pid, $3 ppid, $13/$14 utime/stime, $15/$16 the children that exited.
      $1 == s || $3 == s { sv += $13 + $14 }
      $1 == pm { pg += $13 + $14 + $15 + $16 } $3 == pm { pg += $13 + $14 }
      END { print sv + 0, pg + 0 }')
  echo "$busy $server $pg"
}

start_gateway() {
  local t0
  t0="$(now_us)"
  # exec twice: the subshell becomes env, then the launcher, which execs java: $! is the JVM.
  (cd "$root" && exec env "${gateway_env[@]}" ./cairn serve) >"$RAW/gateway.log" 2>&1 &
  GW_PID=$!
  await_200 "$GW_PID" /health "$BASE/health" \
    || { GW_PID=""; die "the gateway exited during start-up: $(tail -5 "$RAW/gateway.log")"; }
  log "gateway up after $(( ($(now_us) - t0) / 1000 )) ms"
}

start_postgraphile() {
  local t0
  t0="$(now_us)"
  (cd "$GQL_DIR" && exec env NODE_ENV=production "${gql_cmd[@]}") >"$RAW/postgraphile.log" 2>&1 &
  GQL_PID=$!
  await_200 "$GQL_PID" PostGraphile "$GQL" -H 'Content-Type: application/json' -d '{"query":"{ __typename }"}' \
    || { GQL_PID=""; die "PostGraphile exited during start-up: $(tail -5 "$RAW/postgraphile.log")"; }
  log "PostGraphile up after $(( ($(now_us) - t0) / 1000 )) ms"
}

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
make_jwt() {
  local header payload signature
  header="$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url)"
  payload="$(printf '{"sub":"bench","platform":"%s","tenant":"%s","roles":["admin"],"exp":%d}' \
    "$PLATFORM" "$TENANT" "$(( $(date +%s) + 3 * 3600 ))" | b64url)"
  signature="$(printf '%s' "$header.$payload" | openssl dgst -sha256 -hmac "$JWT_SECRET" -binary | b64url)"
  echo "$header.$payload.$signature"
}
