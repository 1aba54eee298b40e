--[[
  The serial_run rule's memory: a leaked printer file is walked in serial order, genuine buyers
  scan random packages. Each consumed code is written as field "<batch>:<serial>" ->
  "<ms>|<device>" into the hash of its 10-minute window; a run is read from this window's hash
  and the one before it.
]]

--[[
  Whether the code (batchId, serial) scanned now by `device` ends a run: the `length - 1` serials
  just below it were all consumed, each at most `gapMs` before the next one up (the newest at
  most gapMs before now), and not all by this device (one family scanning the consecutive
  packages of a carton it bought is no leak).
]]
local function endsSerialRun(currentKey, previousKey, batchId, serial, device, run, now)
  if serial < run.length - 1 then
    return false
  end
  local fields = {}
  for k = 1, run.length - 1 do
    fields[k] = batchId .. ":" .. (serial - k)
  end
  local current = redis.call("HMGET", currentKey, unpack(fields))
  local previous = redis.call("HMGET", previousKey, unpack(fields))
  local later = now
  local otherDevice = false
  for k = 1, run.length - 1 do
    local entry = current[k] or previous[k]
    if not entry then
      return false
    end
    local bar = string.find(entry, "|", 1, true)
    local at = bar and tonumber(string.sub(entry, 1, bar - 1))
    if not at or at > later or later - at > run.gapMs then
      return false
    end
    if string.sub(entry, bar + 1) ~= device then
      otherDevice = true
    end
    later = at
  end
  return otherDevice
end

-- Remembers that `device` consumed (batchId, serial) now, in the current window's hash.
local function rememberSerial(currentKey, batchId, serial, device, now)
  redis.call("HSET", currentKey, batchId .. ":" .. serial, now .. "|" .. device)
end
