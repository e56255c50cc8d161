-- wrk script for bench/memory.sh: POST /call get_user(random id) into a random database of many,
-- so the gateway keeps opening, using and (after POOL_IDLE_TIMEOUT_SECS) closing pools.
--
-- Each request picks one database (v4 body: {platform, schema_name, uuid, function, params}):
--   - with probability MEM_EXTRA_PCT % one of the MEM_EXTRA record-only databases
--     ({platform}_{schema}_x00001 ...: rows in the control database without a PostgreSQL database,
--     expected to answer 404 database_not_found quickly);
--   - otherwise one of the MEM_TENANTS real tenant databases ({platform}_{schema}_t0001 ...).
-- Environment: MEM_PLATFORM, MEM_SCHEMA, MEM_TENANTS, MEM_TENANT_WIDTH, MEM_EXTRA,
-- MEM_EXTRA_WIDTH, MEM_EXTRA_PCT, MEM_MAX_ID (ids of get_user are 1..MEM_MAX_ID).
--
-- Besides wrk's own summary it prints, at the end, machine-readable lines for bench/memory.sh:
--   statuses: 200=N [404=M ...]          every HTTP status seen, summed over threads
--   sent real N extra M                  requests built for each kind of database (a response
--                                        cannot be matched to its request in wrk, so statuses
--                                        are not split by kind: 200s are real, the rest extras)
--   latency_us pNN V                     wrk's latency percentiles in microseconds
--   errors connect/read/write/timeout/status counts
--   requests N duration_us D
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local platform = os.getenv("MEM_PLATFORM") or "memorybench"
local schema = os.getenv("MEM_SCHEMA") or "tenant"
local tenants = tonumber(os.getenv("MEM_TENANTS") or "1000")
local tenant_width = tonumber(os.getenv("MEM_TENANT_WIDTH") or "4")
local extra = tonumber(os.getenv("MEM_EXTRA") or "0")
local extra_width = tonumber(os.getenv("MEM_EXTRA_WIDTH") or "5")
local extra_pct = tonumber(os.getenv("MEM_EXTRA_PCT") or "2")
local max_id = tonumber(os.getenv("MEM_MAX_ID") or "1000")
local threads = {}

-- Everything of the body but the database id and the user id, built once.
local head = '{"platform":"' .. platform .. '","schema_name":"' .. schema .. '","uuid":"'
local tenant_fmt = "t%0" .. tenant_width .. "d"
local extra_fmt = "x%0" .. extra_width .. "d"

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  -- A different seed per thread: os.time() alone would give both threads the same sequence.
  local salt = tonumber(tostring({}):match("0x(%x+)"), 16) or 0
  math.randomseed(os.time() + salt)
  statuses = {}
  sent_real, sent_extra = 0, 0
end

function request()
  local db
  if extra > 0 and math.random() * 100 < extra_pct then
    db = string.format(extra_fmt, math.random(1, extra))
    sent_extra = sent_extra + 1
  else
    db = string.format(tenant_fmt, math.random(1, tenants))
    sent_real = sent_real + 1
  end
  return wrk.format(nil, nil, nil,
    head .. db .. '","function":"get_user","params":[' .. math.random(1, max_id) .. ']}')
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  local real, extras = 0, 0
  for _, t in ipairs(threads) do
    for code, count in pairs(t:get("statuses") or {}) do
      total[code] = (total[code] or 0) + count
    end
    real = real + (t:get("sent_real") or 0)
    extras = extras + (t:get("sent_extra") or 0)
  end
  local parts = {}
  for code, count in pairs(total) do table.insert(parts, code .. "=" .. count) end
  table.sort(parts)
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
  io.write(string.format("sent real %d extra %d\n", real, extras))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency_us p%s %d\n", p, latency:percentile(p)))
  end
  io.write(string.format("latency_us max %d\n", latency.max))
  io.write(string.format("errors connect %d read %d write %d timeout %d status %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
  io.write(string.format("requests %d duration_us %d\n", summary.requests, summary.duration))
end
