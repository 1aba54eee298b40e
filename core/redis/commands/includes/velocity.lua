--[[
  Live counters behind the velocity rules, bucketed so that old buckets simply expire.
]]

--[[
  The sliding estimate of scans in the last 60 s: this minute's count plus the previous minute's
  (a value of HGET/HMGET, false when absent), weighted by the part of the previous minute still
  inside the window.
]]
local function slidingCount(current, previous, previousWeight)
  if not previous then
    return current
  end
  return current + tonumber(previous) * previousWeight
end

--[[
  Records that `device` scanned from `ip` this hour; returns how many distinct devices did, and
  how many of them came back (scanned with their cookie: `returning`) at least once. Field
  "<ip>|<device>" is "1" for a pair seen only without a cookie, "r" once it came back; "#<ip>"
  counts the pairs, "r#<ip>" the ones that came back. A phone behind a carrier NAT whose first
  visit this hour was cookieless counts as returning from its next scan on.
]]
local function countDevicesBehind(hourKey, ip, device, returning)
  local total, back, pair = "#" .. ip, "r#" .. ip, ip .. "|" .. device
  local seen = redis.call("HGET", hourKey, pair)
  local devices, returned
  if not seen then
    devices = redis.call("HINCRBY", hourKey, total, "1")
  end
  if returning and seen ~= "r" then
    redis.call("HSET", hourKey, pair, "r")
    returned = redis.call("HINCRBY", hourKey, back, "1")
  elseif not seen then
    redis.call("HSET", hourKey, pair, "1")
  end
  if not devices or not returned then
    local counts = redis.call("HMGET", hourKey, total, back)
    devices = devices or tonumber(counts[1])
    returned = returned or tonumber(counts[2] or 0)
  end
  return devices, returned
end
