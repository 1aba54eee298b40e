#!lua
--[[
  Decides every scan of one campaign that arrived in one event-loop turn of a gateway, in order,
  atomically: code state, window, batch activation, consumer limits, velocity rules, allow /
  hold / block, bans, the prize (with fallback to lower tiers), and the decision appended to the
  events stream. Every key shares the campaign's hash tag; the caller computes the bucketed keys
  (day in the campaign's time zone, minute, hour) from ARGV[2].

  Input:
    KEYS[1]  epoch          string; missing = the campaign's state was lost and must be rebuilt
    KEYS[2]  batches        hash batchId -> "1" active | "0" inactive
    KEYS[3]  codes          hash code -> msgpack { d: device, o: outcome, t: tier index, s: scan id,
                            a: ms, r: reason mask, c: score } of the scan that consumed the code;
                            markUndelivered adds { ux: deadline ms, un: network, uu: uaClass } when
                            its answer was lost
    KEYS[4]  clones         hash code -> scans of the consumed code by other devices
    KEYS[5]  issued         hash tierId -> prizes issued (held reservations included)
    KEYS[6]  held           hash tierId -> prizes reserved by held scans
    KEYS[7]  consumerTotal  hash consumer -> codes consumed in the campaign
    KEYS[8]  consumerDay    hash consumer -> codes consumed on the campaign-local day of ARGV[2]
    KEYS[9]  velocity       hash "d:<device>" | "i:<ip>" | "c:<consumer>" -> scans, this minute
    KEYS[10] velocityPrev   the same hash of the previous minute (read only)
    KEYS[11] ipDevices      hash "<ip>|<device>" -> "1" (seen without cookie) | "r" (came back with
                            its cookie), "#<ip>" -> distinct devices, "r#<ip>" -> those that came
                            back, this hour
    KEYS[12] events         stream of decisions; the entry id is the scan id
    KEYS[13] outcomes       hash outcome name -> decisions
    KEYS[14] bans           hash "d:<device>" | "a:<address>" | "n:<network>" -> ms the ban ends
                            (the campaign's own bans and those of every campaign; core/bans/)
    KEYS[15] serialRuns     hash "<batch>:<serial>" -> "<ms>|<device>" of the codes consumed in this
                            10-minute window, and of those blocked with reason serial_run (the serial_run rule)
    KEYS[16] serialRunsPrev the same hash of the previous window (read only)
    KEYS[17] regionFlows    hash "<batch>" -> codes of the batch consumed by scans with a place (a
                            region, or off the batch's region), and scans the diverted_batch rule
                            blocked, "<batch>|<region>" -> of them from that region ("?":
                            off-region, nowhere known); the campaign's whole life (the
                            diverted_batch rule; not rebuilt from Postgres)

    ARGV[1]  msgpack map, the campaign's params:
               startsAt, endsAt      the window in ms: startsAt <= now < endsAt
               perDay, perCampaign   codes one consumer (= device) may consume per day / in all
               holdAt, blockAt       score thresholds
               deviceRate, ipRate    scans per minute from one device / IP above which a rule fires
               consumerRate          redemption attempts per minute by one consumer, likewise
               devicesPerIp          distinct devices per IP per hour above which the IP may be a farm
               devicesPerFixedIp     the same for a broadband or data-centre address (network type
                                     fixed or hosting): a home or office line has a few phones
               returningShare        ... unless at least this share of them came back with their cookie
               serialRun             { length, gapMs }: the serial_run rule's run
               diversion             { minScans, share, offRegionBits }: the diverted_batch rule;
                                     offRegionBits are the worker reasons saying "off its batch's region"
               tiers                 array of { id, inventory }, best first
               rules                 { clone, device_velocity, ip_velocity, consumer_velocity,
                                       ip_device_farm, serial_run, diverted_batch }, each [reason bit,
                                       score weight];
                                     a rule the campaign switched off is absent
               weights               weights[b + 1]: the campaign's weight of reason bit 1 << b (0: off)
               names                 names[o] is the name of outcome o (the outcomes counter's field)
               minuteMs              width of a velocity bucket
               ttl                   { minute, hour, day }: seconds the bucketed keys live
    ARGV[2]  now, ms
    ARGV[3]  msgpack flat array, 16 values per scan:
               code, batchId, serial, deviceId, ip, workerScore (0-100), workerReasonMask,
               drawnTierIndex (-1: no prize), newDevice (0|1), uaClass, region ("" unknown),
               lat, lon (false unknown), network (the IP's /24, or /64 for IPv6),
               userAgent (the raw header, capped by the caller; kept only in held and blocked
               events, the ones the fraud team reads, so the stream does not carry it for every scan),
               networkType (the address's, core/geo: "mobile", "fixed", "hosting", ...; "" unknown)

  Output:
    -1  EPOCH_MISSING: nothing decided, nothing written
    error reply "ERR SCAN_MALFORMED <n>": scan n is malformed; nothing decided, nothing written
    otherwise a flat array, 8 values per scan, in order:
      outcome, tierIndex (-1: none), scanId, replay (0|1), firstScannedAtMs (0: none), reasonMask,
      score, redeliveredTo (the original device for a redelivery, else "")
      A replay answers the original decision (its scan id, tier, reasons, score); an
      already_redeemed scan answers its own scan id and when the code was first consumed.
      A redelivery is a replay to another device: the consuming answer was lost (markUndelivered),
      and this scan comes before the mark's deadline from the same network and UA class. The mark
      is cleared, so an answer is redelivered at most once; the event names the original device
      and carries rd = 1.

  A scan whose device, address or network is banned (a ban ending after now) is blocked with
  reason banned before its code is looked at: it consumes no code and no prize, counts against no
  consumer limit, and is not a clone even when the code is consumed, because the code may be a
  genuine one that its buyer scans later. A banned device's replay of a code it consumed earlier
  is blocked too. Bans that ended are ignored and their fields deleted on the way.

  Each decision's event carries rw, the campaign's weights of the reasons in its mask (lowest bit
  first), so a score can be explained after the campaign file changes.

  Every scan counts towards its device's and IP's velocity and its IP's device count; scans
  that reach the fraud rules count as redemption attempts of their consumer. The code is
  consumed (codes, consumer limits) by won, no_prize and held. A held scan reserves its prize
  (issued and held + 1); a scan that would be held but has no prize left is no_prize.
]]
local rcall = redis.call
-- Counter steps are written "1", not 1: Redis formats a number argument with sprintf("%.17g") on every call.

--- @include "outcomes"
--- @include "checkScans"
--- @include "velocity"
--- @include "takePrize"
--- @include "serialRun"

local EPOCH_MISSING = -1
local REASON_BANNED = 8192

if rcall("EXISTS", KEYS[1]) == 0 then
  return EPOCH_MISSING
end

local params = cmsgpack.unpack(ARGV[1])
local now = tonumber(ARGV[2])
local scans = cmsgpack.unpack(ARGV[3])
local tiers = params.tiers
local rules = params.rules

local scanCount, malformedAt = checkScans(scans, #tiers)
if not scanCount then
  return redis.error_reply("ERR SCAN_MALFORMED " .. malformedAt)
end

local previousWeight = 1 - (now % params.minuteMs) / params.minuteMs
local batchActive = {}
local issued = {}
local tally = {}
local results = {}
local consumedAny = false
-- Most campaigns ban nobody: one EXISTS per call spares every scan the HMGET.
local anyBans = rcall("EXISTS", KEYS[14]) == 1

local function tierId(index)
  local tier = tiers[index + 1]
  return tier and tier.id or ""
end

local function isBatchActive(batchId)
  local active = batchActive[batchId]
  if active == nil then
    active = rcall("HGET", KEYS[2], batchId) == "1"
    batchActive[batchId] = active
  end
  return active
end

-- Adds a counter rule's weight and reason bit when it fires; the score is capped at 100. A rule
-- the campaign switched off (nil) never fires.
local function applyRule(fires, rule, score, mask)
  if not fires or not rule then
    return score, mask
  end
  return math.min(100, score + rule[2]), bit.bor(mask, rule[1])
end

-- The campaign's weights of the reasons in `mask`, lowest bit first: what each fired rule added.
local function weightsOf(mask)
  local fired = {}
  local b = 1
  while mask > 0 do
    if mask % 2 == 1 then
      fired[#fired + 1] = params.weights[b] or 0
    end
    mask = math.floor(mask / 2)
    b = b + 1
  end
  return fired
end

--[[
  Appends the decision on the scan at `base` to the stream, the outcomes tally and the results;
  returns the new entry id. `first` is the consuming decision for replays and already_redeemed;
  `redeliveredTo` the device a redelivered answer belongs to.
]]
local function record(base, outcome, tier, replay, mask, score, first, redeliveredTo)
  local event = {
    v = 1, at = now, code = scans[base + 1], batch = scans[base + 2], serial = scans[base + 3],
    dev = redeliveredTo or scans[base + 4], ip = scans[base + 5], o = outcome, t = tierId(tier), rp = replay,
    sc = score, rs = mask, first = first and first.s or "", ua = scans[base + 10],
    rg = scans[base + 11], nd = scans[base + 9],
  }
  if mask ~= 0 then
    event.rw = weightsOf(mask)
  end
  if redeliveredTo then
    event.rd = 1
  end
  if outcome == OUTCOME_HELD or outcome == OUTCOME_BLOCKED then
    event.uar = scans[base + 15]
  end
  if scans[base + 12] then
    event.lat = scans[base + 12]
    event.lon = scans[base + 13]
  end
  local id = rcall("XADD", KEYS[12], "*", "d", cmsgpack.pack(event))
  tally[outcome] = (tally[outcome] or 0) + 1
  local n = #results
  results[n + 1] = outcome
  results[n + 2] = tier
  results[n + 3] = replay == 1 and first.s or id
  results[n + 4] = replay
  results[n + 5] = first and first.a or 0
  results[n + 6] = mask
  results[n + 7] = score
  results[n + 8] = redeliveredTo or ""
  return id
end

-- The consuming answer `first` was lost (markUndelivered) and the scan at `base` plausibly comes
-- from the same phone: before the deadline, from the same network, with the same UA class.
local function isLostAnswerOf(first, base)
  return first.ux ~= nil and now < first.ux and first.un == scans[base + 14] and first.uu == scans[base + 10]
end

-- Whether a ban on the device, address or network of the scan at `base` is in force; deletes the ended ones it meets.
local function isBanned(base)
  local fields = { "d:" .. scans[base + 4], "a:" .. scans[base + 5], "n:" .. scans[base + 14] }
  local ends = rcall("HMGET", KEYS[14], fields[1], fields[2], fields[3])
  local banned = false
  for i = 1, 3 do
    if ends[i] then
      -- a value that is no number counts as ended: an error here would stop the batch half-decided
      if (tonumber(ends[i]) or 0) > now then
        banned = true
      else
        rcall("HDEL", KEYS[14], fields[i])
      end
    end
  end
  return banned
end

-- One more scan of the batch with a place, from the flow's region.
local function countFlow(batchId, flowField)
  rcall("HINCRBY", KEYS[17], batchId, "1")
  rcall("HINCRBY", KEYS[17], flowField, "1")
end

local function decide(base)
  local code, batchId, device, ip = scans[base + 1], scans[base + 2], scans[base + 4], scans[base + 5]
  local score, mask, drawn = scans[base + 6], scans[base + 7], scans[base + 8]

  local deviceField, ipField, consumerField = "d:" .. device, "i:" .. ip, "c:" .. device
  local previous = rcall("HMGET", KEYS[10], deviceField, ipField, consumerField)
  local deviceScans = slidingCount(rcall("HINCRBY", KEYS[9], deviceField, "1"), previous[1], previousWeight)
  local ipScans = slidingCount(rcall("HINCRBY", KEYS[9], ipField, "1"), previous[2], previousWeight)
  local newDevice = scans[base + 9] == 1
  local ipDevices, returningDevices = countDevicesBehind(KEYS[11], ip, device, not newDevice)

  if anyBans and isBanned(base) then
    record(base, OUTCOME_BLOCKED, -1, 0, bit.bor(mask, REASON_BANNED), score)
    return
  end

  local consumed = rcall("HGET", KEYS[3], code)
  if consumed then
    local first = cmsgpack.unpack(consumed)
    if first.d == device then
      record(base, first.o, first.t, 1, first.r or 0, first.c or 0, first)
      return
    end
    if isLostAnswerOf(first, base) then
      first.ux, first.un, first.uu = nil, nil, nil
      rcall("HSET", KEYS[3], code, cmsgpack.pack(first))
      record(base, first.o, first.t, 1, first.r or 0, first.c or 0, first, first.d)
      return
    end
    rcall("HINCRBY", KEYS[4], code, "1")
    score, mask = applyRule(true, rules.clone, score, mask)
    record(base, OUTCOME_ALREADY_REDEEMED, -1, 0, mask, score, first)
    return
  end

  if now < params.startsAt then
    record(base, OUTCOME_CAMPAIGN_NOT_STARTED, -1, 0, mask, score)
    return
  end
  if now >= params.endsAt then
    record(base, OUTCOME_CAMPAIGN_ENDED, -1, 0, mask, score)
    return
  end
  if not isBatchActive(batchId) then
    record(base, OUTCOME_NOT_ACTIVATED, -1, 0, mask, score)
    return
  end
  local total = tonumber(rcall("HGET", KEYS[7], device) or 0)
  local today = tonumber(rcall("HGET", KEYS[8], device) or 0)
  if total >= params.perCampaign or today >= params.perDay then
    record(base, OUTCOME_LIMIT_REACHED, -1, 0, mask, score)
    return
  end

  local attempts = slidingCount(rcall("HINCRBY", KEYS[9], consumerField, "1"), previous[3], previousWeight)
  score, mask = applyRule(deviceScans > params.deviceRate, rules.device_velocity, score, mask)
  score, mask = applyRule(ipScans > params.ipRate, rules.ip_velocity, score, mask)
  score, mask = applyRule(attempts > params.consumerRate, rules.consumer_velocity, score, mask)
  -- A fresh device on an address full of devices that never come back: phones behind a carrier
  -- NAT keep their cookies and return, a farm's cookieless devices do not. A broadband or
  -- data-centre line is full sooner: a household has a few phones, a mobile carrier's NAT thousands.
  local networkType = scans[base + 16]
  local fixedLine = networkType == "fixed" or networkType == "hosting"
  local devicesAllowed = fixedLine and params.devicesPerFixedIp or params.devicesPerIp
  local farm = newDevice and ipDevices > devicesAllowed and returningDevices < params.returningShare * ipDevices
  score, mask = applyRule(farm, rules.ip_device_farm, score, mask)
  local serial = scans[base + 3]
  if rules.serial_run then
    score, mask = applyRule(endsSerialRun(KEYS[15], KEYS[16], batchId, serial, device, params.serialRun, now), rules.serial_run, score, mask)
  end
  -- Where the batch's goods turn up: one traveller off the batch's region is noise, a region that
  -- takes a large share of the batch is a flow (diverted goods, bought there).
  local flowField
  local scoreBeforeDiversion = score
  if rules.diverted_batch then
    local offRegion = bit.band(scans[base + 7], params.diversion.offRegionBits) ~= 0
    local region = scans[base + 11]
    if region ~= "" or offRegion then
      flowField = batchId .. "|" .. ((region ~= "" and region) or "?")
    end
    if offRegion and flowField then
      local counts = rcall("HMGET", KEYS[17], batchId, flowField)
      local intoRegion = tonumber(counts[2] or 0) + 1
      local located = tonumber(counts[1] or 0) + 1
      local diversion = params.diversion
      score, mask = applyRule(intoRegion >= diversion.minScans and intoRegion >= diversion.share * located, rules.diverted_batch, score, mask)
    end
  end
  if score >= params.blockAt then
    -- A blocked step of a serial walk is still a step: remembered, so the walk's next code sees the run
    -- (the code itself stays unconsumed, for its buyer, who can scan it once the walk is gapMs past).
    if rules.serial_run and bit.band(mask, rules.serial_run[1]) ~= 0 then
      rememberSerial(KEYS[15], batchId, serial, device, now)
      consumedAny = true
    end
    -- Likewise a scan that diverted_batch alone blocked is still the batch's goods turning up in
    -- that region: uncounted, the flow would shrink under its share and let the next one through.
    if flowField and scoreBeforeDiversion < params.blockAt and bit.band(mask, rules.diverted_batch[1]) ~= 0 then
      countFlow(batchId, flowField)
    end
    record(base, OUTCOME_BLOCKED, -1, 0, mask, score)
    return
  end

  local tier = takePrize(KEYS[5], tiers, issued, drawn)
  local outcome = OUTCOME_WON
  if tier < 0 then
    outcome = OUTCOME_NO_PRIZE
  elseif score >= params.holdAt then
    outcome = OUTCOME_HELD
    rcall("HINCRBY", KEYS[6], tierId(tier), "1")
  end
  local id = record(base, outcome, tier, 0, mask, score)
  rcall("HSET", KEYS[3], code, cmsgpack.pack({ d = device, o = outcome, t = tier, s = id, a = now, r = mask, c = score }))
  rcall("HINCRBY", KEYS[7], device, "1")
  rcall("HINCRBY", KEYS[8], device, "1")
  rememberSerial(KEYS[15], batchId, serial, device, now)
  if flowField then
    countFlow(batchId, flowField)
  end
  consumedAny = true
end

for base = 0, (scanCount - 1) * SCAN_FIELDS, SCAN_FIELDS do
  decide(base)
end

for outcome, count in pairs(tally) do
  rcall("HINCRBY", KEYS[13], params.names[outcome], count)
end
if scanCount > 0 then
  rcall("EXPIRE", KEYS[9], params.ttl.minute)
  rcall("EXPIRE", KEYS[11], params.ttl.hour)
end
if consumedAny then
  rcall("EXPIRE", KEYS[8], params.ttl.day)
  rcall("EXPIRE", KEYS[15], params.ttl.serialWindow)
end
return results
