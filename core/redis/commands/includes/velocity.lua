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
  Records that `device` scanned from `ip` this hour and returns how many distinct devices did,
  and how many of them came back (sent a cookie: `returning` is 1): field "<ip>|<device>" marks a
  pair as seen, "#<ip>" counts the pairs, "r#<ip>" the returning ones. A device counts as
  returning when its first scan from the address this hour carried its cookie.
]]
local function countDevicesBehind(hourKey, ip, device, returning)
  local total, back = "#" .. ip, "r#" .. ip
  if redis.call("HSETNX", hourKey, ip .. "|" .. device, "1") == 1 then
    local devices = redis.call("HINCRBY", hourKey, total, "1")
    if returning then
      return devices, redis.call("HINCRBY", hourKey, back, "1")
    end
    return devices, tonumber(redis.call("HGET", hourKey, back) or 0)
  end
  local counts = redis.call("HMGET", hourKey, total, back)
  return tonumber(counts[1]), tonumber(counts[2] or 0)
end
