--[[
  Issues one prize of the drawn tier or, when that tier is exhausted, of the next lower one
  (tiers are listed best first, so "lower" is a higher index).

  Input:
    issuedKey  hash tierId -> prizes issued
    tiers      array of { id, inventory }, best first
    issued     per-call cache: tier position -> issued count (nil until read)
    drawn      0-based tier index from the draw, -1 for no prize

  Output:
    the 0-based index of the tier issued (its count incremented), or -1 when none is left
]]
local function takePrize(issuedKey, tiers, issued, drawn)
  if drawn < 0 then
    return -1
  end
  for position = drawn + 1, #tiers do
    local tier = tiers[position]
    local count = issued[position]
    if count == nil then
      count = tonumber(redis.call("HGET", issuedKey, tier.id) or 0)
    end
    if count < tier.inventory then
      issued[position] = redis.call("HINCRBY", issuedKey, tier.id, "1")
      return position - 1
    end
    issued[position] = count
  end
  return -1
end
