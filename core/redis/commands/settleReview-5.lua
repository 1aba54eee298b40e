#!lua
--[[
  Settles one held scan, atomically: checks that the scan is still held, moves its reserved prize
  (approve: it stays issued; reject: it returns to the tier's inventory), rewrites the code's
  record so that the same device re-scanning sees what the review made of it, and appends a
  review event to the campaign's events stream (the ingest writes it to Postgres exactly once).

  Input:
    KEYS[1]  epoch    string; missing = the campaign's state was lost and must be rebuilt
    KEYS[2]  codes    hash code -> msgpack record of the decision that consumed it (redeemBatch);
                      a settled record carries rv = "approved" | "rejected"
    KEYS[3]  issued   hash tierId -> prizes issued (held reservations included)
    KEYS[4]  held     hash tierId -> prizes reserved by held scans
    KEYS[5]  events   the campaign's events stream

    ARGV[1]  code
    ARGV[2]  scanId       the held scan's id: the record's s must be it
    ARGV[3]  decision     "approve" | "reject"
    ARGV[4]  reviewer     who decided ("system" for the expiry sweeper)
    ARGV[5]  note         "" for none
    ARGV[6]  now, ms
    ARGV[7]  msgpack array of the campaign's tier ids, best first (the record's t indexes it)
    ARGV[8]  the review_rejected reason bit, added to a rejected record's reason mask

  Output:
     1  SETTLED: the record now answers won (approve) or blocked with review_rejected (reject);
        a review event { v: 1, k: "review", at, code, scan, dec, by, note, t } was appended
    -1  EPOCH_MISSING: the campaign's state is being rebuilt; nothing written
    -2  CODE_NOT_CONSUMED: the code has no record; nothing written
    -3  DECISION_REPLACED: the record is another scan's; nothing written
    -4  ALREADY_SETTLED: the scan was approved or rejected before; nothing written
    -5  NOT_HELD: the scan was decided without a hold (won, no_prize); nothing written
    error reply "ERR REVIEW_MALFORMED": the decision is neither approve nor reject; nothing written
]]
local rcall = redis.call

--- @include "outcomes"

local SETTLED = 1
local EPOCH_MISSING = -1
local CODE_NOT_CONSUMED = -2
local DECISION_REPLACED = -3
local ALREADY_SETTLED = -4
local NOT_HELD = -5

local code, scanId, decision = ARGV[1], ARGV[2], ARGV[3]
if decision ~= "approve" and decision ~= "reject" then
  return redis.error_reply("ERR REVIEW_MALFORMED")
end
if rcall("EXISTS", KEYS[1]) == 0 then
  return EPOCH_MISSING
end

local packed = rcall("HGET", KEYS[2], code)
if not packed then
  return CODE_NOT_CONSUMED
end
local record = cmsgpack.unpack(packed)
if record.s ~= scanId then
  return DECISION_REPLACED
end
if record.rv then
  return ALREADY_SETTLED
end
if record.o ~= OUTCOME_HELD then
  return NOT_HELD
end

local tierId = cmsgpack.unpack(ARGV[7])[record.t + 1]
rcall("HINCRBY", KEYS[4], tierId, "-1")
if decision == "approve" then
  record.o, record.rv = OUTCOME_WON, "approved"
else
  rcall("HINCRBY", KEYS[3], tierId, "-1")
  record.o, record.t, record.rv = OUTCOME_BLOCKED, -1, "rejected"
  record.r = bit.bor(record.r or 0, tonumber(ARGV[8]))
end
rcall("HSET", KEYS[2], code, cmsgpack.pack(record))
rcall("XADD", KEYS[5], "*", "d", cmsgpack.pack({
  v = 1, k = "review", at = tonumber(ARGV[6]), code = code, scan = scanId, dec = decision,
  by = ARGV[4], note = ARGV[5], t = tierId,
}))
return SETTLED
