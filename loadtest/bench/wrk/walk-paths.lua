-- wrk script: walks a list of request paths (one per line), each path used once in order
-- and wrapping around, with an optional fixed Cookie and an optional pause of each connection
-- before each request: `fixed` pauses exactly delay-ms; `random` pauses a random time with mean
-- delay-ms (exponential, capped at 10x), as independent phones do, so that connections answered
-- together do not come back together. With an address count N, each request carries an
-- X-Forwarded-For address of its own, cycling through N addresses of 10.0.0.0/8 (a flood from N
-- clients, for a gateway with trustProxy).
-- Usage: wrk -s walk-paths.lua <url> -- <paths-file> [cookie|-] [delay-ms] [fixed|random] [addresses]
-- done() prints one JSON line: requests (answered), sent (paths handed out), seconds, rps,
-- latency percentiles (ms), statuses, and for scan answers (JSON bodies) the count of each
-- "outcome" and of "replay":true.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  cookie = args[2]
  if cookie == "-" then cookie = nil end
  pause = tonumber(args[3] or "0")
  local randomPause = args[4] == "random"
  -- wrk sends every request through a timer once a delay() hook exists: only have one when asked.
  if pause > 0 and randomPause then
    delay = function() return math.min(10 * pause, -pause * math.log(1 - math.random())) end
  elseif pause > 0 then
    delay = function() return pause end
  end
  addresses = tonumber(args[5] or "0")
  nextIndex = 1
  sent = 0
  statuses = {}
  outcomes = {}
  replays = 0
  if cookie then wrk.headers["Cookie"] = cookie end
  wrk.headers["Accept"] = "application/json"
end

function request()
  local path = paths[nextIndex]
  nextIndex = nextIndex + 1
  sent = sent + 1
  if nextIndex > #paths then nextIndex = 1 end
  if addresses > 0 then
    local n = sent % addresses
    wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local outcome = body:match('"outcome":"([%a_]+)"')
  if outcome then outcomes[outcome] = (outcomes[outcome] or 0) + 1 end
  if body:find('"replay":true', 1, true) then replays = replays + 1 end
end

-- {"a":1,"b":2} from a Lua table of counts
local function jsonCounts(counts, quoteKey)
  local parts = {}
  for key, n in pairs(counts) do parts[#parts + 1] = string.format(quoteKey, key) .. ":" .. n end
  return "{" .. table.concat(parts, ",") .. "}"
end

-- the counts of every thread, added up
local function mergedCounts(name)
  local merged = {}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get(name)) do merged[key] = (merged[key] or 0) + n end
  end
  return merged
end

function done(summary, latency, requests)
  local sentCount, replayCount = 0, 0
  for _, thread in ipairs(threads) do
    sentCount = sentCount + thread:get("sent")
    replayCount = replayCount + thread:get("replays")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"sent":%d,"seconds":%.3f,"rps":%.1f,"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f,"errors":%d,"statuses":%s,"outcomes":%s,"replays":%d}\n',
    summary.requests, sentCount, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    jsonCounts(mergedCounts("statuses"), '"%d"'), jsonCounts(mergedCounts("outcomes"), '"%s"'), replayCount))
end
