-- wrk script of bench/graphql.sh: POSTs one GraphQL request body per run, to whichever server wrk's
-- URL names (Cairn's or PostGraphile's /graphql); or, for the optional REST reference runs, GETs
-- one path of Cairn's data API.
--
-- Environment:
--   BENCH_BODY     the JSON request body ({"query": ..., "variables": ...}); every __ID__ in it is
--                  replaced, per request, by a random integer 1..BENCH_MAX_ID (workload a). A body
--                  without __ID__ is sent as it is, the same bytes every time (workload b).
--   BENCH_PATH     instead of BENCH_BODY: GET this path (and query string), __ID__ replaced the same
--                  way; the response body is then not checked for GraphQL's "errors"
--   BENCH_MAX_ID   10000
--   BENCH_JWT      when set, sent as "Authorization: Bearer ..." (Cairn); empty for PostGraphile
--   BENCH_TENANT   when set, sent as x-tenant-id (Cairn)
--
-- Besides wrk's own summary it prints, at the end, machine-readable lines for bench/graphql.sh:
--   statuses: 200=N [other=M ...]   every HTTP status seen, summed over threads
--   graphql_errors N                 200 responses whose body carried "errors" or no "data"
--   latency_us pNN V                 wrk's latency percentiles in microseconds
--   errors connect/read/write/timeout/status counts
--   requests N duration_us D
local body = os.getenv("BENCH_BODY") or ""
local get_path = os.getenv("BENCH_PATH") or ""
local max_id = tonumber(os.getenv("BENCH_MAX_ID") or "10000")
local jwt = os.getenv("BENCH_JWT") or ""
local tenant = os.getenv("BENCH_TENANT") or ""

local graphql = get_path == ""
local template = graphql and body or get_path
if template == "" then
  io.stderr:write("wrk.lua: BENCH_BODY (or BENCH_PATH) is empty\n")
  os.exit(2)
end

if graphql then
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
if jwt ~= "" then wrk.headers["Authorization"] = "Bearer " .. jwt end
if tenant ~= "" then wrk.headers["x-tenant-id"] = tenant end

-- The body (or path) split at its placeholders: parts[1] .. id .. parts[2] .. id .. ... (plain find,
-- no patterns).
local parts = {}
do
  local from = 1
  while true do
    local s, e = template:find("__ID__", from, true)
    if not s then break end
    table.insert(parts, template:sub(from, s - 1))
    from = e + 1
  end
  table.insert(parts, template:sub(from))
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local fixed -- the request when the body has no placeholder

function init(args)
  -- A different seed per thread: os.time() alone would give both threads the same ids.
  local salt = tonumber(tostring({}):match("0x(%x+)"), 16) or 0
  math.randomseed(os.time() + salt)
  statuses = {}
  gql_errors = 0
  if #parts == 1 then
    fixed = graphql and wrk.format(nil, nil, nil, body) or wrk.format("GET", get_path)
  end
end

function request()
  if fixed then
    return fixed
  end
  local filled = table.concat(parts, tostring(math.random(1, max_id)))
  if graphql then
    return wrk.format(nil, nil, nil, filled)
  end
  return wrk.format("GET", filled)
end

function response(status, headers, resp)
  statuses[status] = (statuses[status] or 0) + 1
  -- GraphQL reports failures in a 200 body; a request that failed must not count as served.
  if graphql and status == 200 and (not resp or resp:find('"errors"', 1, true) or not resp:find('"data"', 1, true)) then
    gql_errors = gql_errors + 1
  end
end

function done(summary, latency, requests)
  local total, errors = {}, 0
  for _, t in ipairs(threads) do
    for code, count in pairs(t:get("statuses") or {}) do
      total[code] = (total[code] or 0) + count
    end
    errors = errors + (t:get("gql_errors") or 0)
  end
  local out = {}
  for code, count in pairs(total) do table.insert(out, code .. "=" .. count) end
  table.sort(out)
  io.write("statuses: " .. table.concat(out, " ") .. "\n")
  io.write(string.format("graphql_errors %d\n", errors))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency_us p%s %d\n", p, latency:percentile(p)))
  end
  io.write(string.format("latency_us max %d\n", latency.max))
  io.write(string.format("errors connect %d read %d write %d timeout %d status %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
  io.write(string.format("requests %d duration_us %d\n", summary.requests, summary.duration))
end
