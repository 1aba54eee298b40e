--[[
  Checks the shape of every scan before anything is written: Redis does not roll a script back,
  so a malformed scan found half-way would leave the scans before it decided and the rest not.

  Input:
    scans    flat array, SCAN_FIELDS values per scan (see the calling script's contract)
    maxTier  number of prize tiers (a drawn tier index is -1 .. maxTier - 1)

  Output:
    the number of scans, or nil and the 1-based position of the first malformed scan
]]
local SCAN_FIELDS = 16

local function isCount(value)
  return type(value) == "number" and value >= 0 and value == math.floor(value)
end

local function isCoordinate(value)
  return value == false or (type(value) == "number" and value == value)
end

local function checkScans(scans, maxTier)
  local total = #scans
  if total % SCAN_FIELDS ~= 0 then
    return nil, math.floor(total / SCAN_FIELDS) + 1
  end
  for base = 0, total - SCAN_FIELDS, SCAN_FIELDS do
    local drawn = scans[base + 8]
    local ok = type(scans[base + 1]) == "string" and isCount(scans[base + 2]) and isCount(scans[base + 3])
      and type(scans[base + 4]) == "string" and type(scans[base + 5]) == "string"
      and isCount(scans[base + 6]) and scans[base + 6] <= 100 and isCount(scans[base + 7])
      and type(drawn) == "number" and drawn == math.floor(drawn) and drawn >= -1 and drawn < maxTier
      and (scans[base + 9] == 0 or scans[base + 9] == 1)
      and type(scans[base + 10]) == "string" and type(scans[base + 11]) == "string"
      and isCoordinate(scans[base + 12]) and isCoordinate(scans[base + 13])
      and type(scans[base + 14]) == "string" and type(scans[base + 15]) == "string"
      and type(scans[base + 16]) == "string"
    if not ok then
      return nil, base / SCAN_FIELDS + 1
    end
  end
  return total / SCAN_FIELDS
end
