-- wrk script: POST /call get_user with a random id (1..10000) per request.
--
-- Besides wrk's own summary it prints, at the end, machine-readable lines for bench/run.sh:
--   statuses: 200=N [other=M ...]        every HTTP status seen, summed over threads
--   latency_us pNN V                     wrk's latency percentiles in microseconds
--   errors connect/read/write/timeout/status counts
--   server_timing_ms parse/route/plan/execute means over the responses that carried the
--                    Server-Timing header (the gateway's own view of where the time went)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local max_id = tonumber(os.getenv("BENCH_MAX_ID") or "10000")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  -- A different seed per thread: os.time() alone would give both threads the same ids.
  local salt = tonumber(tostring({}):match("0x(%x+)"), 16) or 0
  math.randomseed(os.time() + salt)
  statuses = {}
  st_count, st_parse, st_route, st_plan, st_execute = 0, 0, 0, 0, 0
end

function request()
  local id = math.random(1, max_id)
  return wrk.format(nil, nil, nil,
    '{"platform":"bench","function":"get_user","params":[' .. id .. ']}')
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local st = headers["Server-Timing"] or headers["server-timing"]
  if st then
    local p, r, l, e = st:match("parse;dur=([%d.]+).-route;dur=([%d.]+).-plan;dur=([%d.]+).-execute;dur=([%d.]+)")
    if e then
      st_count = st_count + 1
      st_parse = st_parse + tonumber(p)
      st_route = st_route + tonumber(r)
      st_plan = st_plan + tonumber(l)
      st_execute = st_execute + tonumber(e)
    end
  end
end

function done(summary, latency, requests)
  local total = {}
  local n, sp, sr, sl, se = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    for code, count in pairs(t:get("statuses") or {}) do
      total[code] = (total[code] or 0) + count
    end
    n = n + (t:get("st_count") or 0)
    sp = sp + (t:get("st_parse") or 0)
    sr = sr + (t:get("st_route") or 0)
    sl = sl + (t:get("st_plan") or 0)
    se = se + (t:get("st_execute") or 0)
  end
  local parts = {}
  for code, count in pairs(total) do table.insert(parts, code .. "=" .. count) end
  table.sort(parts)
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency_us p%s %d\n", p, latency:percentile(p)))
  end
  io.write(string.format("latency_us max %d\n", latency.max))
  io.write(string.format("errors connect %d read %d write %d timeout %d status %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
  io.write(string.format("requests %d duration_us %d\n", summary.requests, summary.duration))
  if n > 0 then
    io.write(string.format("server_timing_ms n %d parse %.4f route %.4f plan %.4f execute %.4f\n",
      n, sp / n, sr / n, sl / n, se / n))
  end
end
