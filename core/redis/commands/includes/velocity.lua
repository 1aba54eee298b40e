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
  Records that `device` scanned from `ip` this hour and returns how many distinct devices did:
  field "<ip>|<device>" marks a pair as seen, "#<ip>" counts the pairs.
]]
local function countDevicesBehind(hourKey, ip, device)
  local total = "#" .. ip
  if redis.call("HSETNX", hourKey, ip .. "|" .. device, "1") == 1 then
    return redis.call("HINCRBY", hourKey, total, "1")
  end
  return tonumber(redis.call("HGET", hourKey, total))
end
