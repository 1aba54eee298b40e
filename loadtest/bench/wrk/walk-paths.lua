-- wrk script: walks a list of request paths (one per line), each path used once in order
-- and wrapping around, with an optional fixed Cookie and an optional per-connection delay.
-- Usage: wrk -s walk-paths.lua <url> -- <paths-file> [cookie|-] [delay-ms]
-- done() prints one JSON line: requests, seconds, rps, latency percentiles (ms), statuses.

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
  nextIndex = 1
  statuses = {}
  if cookie then wrk.headers["Cookie"] = cookie end
  wrk.headers["Accept"] = "application/json"
end

function request()
  local path = paths[nextIndex]
  nextIndex = nextIndex + 1
  if nextIndex > #paths then nextIndex = 1 end
  return wrk.format("GET", path)
end

function delay()
  return pause
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do merged[status] = (merged[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(merged) do parts[#parts + 1] = string.format('"%d":%d', status, n) end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f,"errors":%d,"statuses":{%s}}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ",")))
end
