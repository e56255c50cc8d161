-- wrk script of bench/data-api.sh: one scenario per run, chosen by BENCH_SCENARIO.
--
--   cairn-get          GET  /v1/items/{id}, random id 1..BENCH_MAX_ID
--   cairn-list         GET  /v1/items?where=...&take=50 (the path is the one in wrk's URL)
--   cairn-create       POST /v1/items without Idempotency-Key (the platform's idempotency is optional)
--   cairn-create-idem  POST /v1/items with a unique Idempotency-Key per request
--   gql-get            POST /graphql itemById(id: $id), random id 1..BENCH_MAX_ID
--   gql-list           POST /graphql allItems(condition: {category: ...}, first: 50)
--
-- Environment: BENCH_SCENARIO, BENCH_MAX_ID (10000), BENCH_JWT (Cairn scenarios), BENCH_TENANT
-- (x-tenant-id), BENCH_CATEGORY (gql-list), BENCH_KEY_PREFIX (unique per run, so that no key of
-- one run is replayed by the next).
--
-- Besides wrk's own summary it prints, at the end, machine-readable lines for bench/data-api.sh:
--   statuses: 200=N [other=M ...]   every HTTP status seen, summed over threads
--   graphql_errors N                 200 responses whose body carried "errors" (gql-* only)
--   latency_us pNN V                 wrk's latency percentiles in microseconds
--   errors connect/read/write/timeout/status counts
--   requests N duration_us D
local scenario = os.getenv("BENCH_SCENARIO") or ""
local max_id = tonumber(os.getenv("BENCH_MAX_ID") or "10000")
local key_prefix = os.getenv("BENCH_KEY_PREFIX") or "bench"
local category = os.getenv("BENCH_CATEGORY") or "c3"

local known = { ["cairn-get"] = true, ["cairn-list"] = true, ["cairn-create"] = true,
                ["cairn-create-idem"] = true, ["gql-get"] = true, ["gql-list"] = true }
if not known[scenario] then
  io.stderr:write("wrk.lua: unknown BENCH_SCENARIO '" .. scenario .. "'\n")
  os.exit(2)
end
local graphql = scenario:sub(1, 4) == "gql-"

if graphql then
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
else
  wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_JWT") or "")
  wrk.headers["x-tenant-id"] = os.getenv("BENCH_TENANT") or "t1"
  if scenario == "cairn-create" or scenario == "cairn-create-idem" then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
  end
end

local CREATE_BODY = '{"name":"x","category":"c1","price":1.5}'
local GQL_GET_PREFIX = '{"query":"query ItemById($id: BigInt!) { itemById(id: $id) { id name category price createdAt } }",'
  .. '"variables":{"id":"'
local GQL_LIST_BODY = '{"query":"{ allItems(condition: {category: \\"' .. category
  .. '\\"}, first: 50) { nodes { id name category price createdAt } } }"}'

local threads = {}
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("tid", next_thread)
  table.insert(threads, thread)
end

local fixed -- the request of the scenarios that send the same bytes every time

function init(args)
  -- A different seed per thread: os.time() alone would give both threads the same ids.
  local salt = tonumber(tostring({}):match("0x(%x+)"), 16) or 0
  math.randomseed(os.time() + salt)
  statuses = {}
  gql_errors = 0
  counter = 0
  if scenario == "cairn-list" then
    fixed = wrk.format("GET")
  elseif scenario == "cairn-create" then
    fixed = wrk.format("POST", "/v1/items", nil, CREATE_BODY)
  elseif scenario == "gql-list" then
    fixed = wrk.format("POST", nil, nil, GQL_LIST_BODY)
  end
end

function request()
  if fixed then
    return fixed
  elseif scenario == "cairn-get" then
    return wrk.format("GET", "/v1/items/" .. math.random(1, max_id))
  elseif scenario == "gql-get" then
    return wrk.format("POST", nil, nil, GQL_GET_PREFIX .. math.random(1, max_id) .. '"}}')
  else -- cairn-create-idem: key = run prefix + thread + counter, unique over all runs
    -- wrk.format takes the headers given instead of wrk.headers, so they are copied.
    counter = counter + 1
    local h = {}
    for name, value in pairs(wrk.headers) do h[name] = value end
    h["Idempotency-Key"] = key_prefix .. "-" .. tid .. "-" .. counter
    return wrk.format("POST", "/v1/items", h, CREATE_BODY)
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  -- GraphQL reports failures in a 200 body; a request that failed must not count as served.
  if graphql and status == 200 and body and body:find('"errors"', 1, true) then
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
  local parts = {}
  for code, count in pairs(total) do table.insert(parts, code .. "=" .. count) end
  table.sort(parts)
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
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
