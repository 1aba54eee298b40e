#!lua
--[[
  Records that the answer to a consuming decision never reached its phone (the request was
  aborted after the decision script ran), so that a retry from the same phone within the
  redelivery window is answered with that decision and device (see redeemBatch). The mark lives
  in the code's own record, so it needs no key of its own and goes when the record goes.

  Input:
    KEYS[1]  codes     hash code -> msgpack record of the decision that consumed the code
    ARGV[1]  code
    ARGV[2]  scanId    the lost answer's scan id (the consuming decision's)
    ARGV[3]  network   the phone's network: IPv4 /24 or IPv6 /64, as the redeemBatch scan carries it
    ARGV[4]  uaClass   the phone's User-Agent class
    ARGV[5]  deadline  ms; a retry from then on is not redelivered

  Output:
     1  recorded: the record carries ux (deadline), un (network), uu (uaClass)
    -2  CODE_NOT_CONSUMED: the code has no record (the campaign's state was lost or rebuilt)
    -3  DECISION_REPLACED: the record is another decision's; nothing written
]]
local CODE_NOT_CONSUMED = -2
local DECISION_REPLACED = -3

local packed = redis.call("HGET", KEYS[1], ARGV[1])
if not packed then
  return CODE_NOT_CONSUMED
end
local record = cmsgpack.unpack(packed)
if record.s ~= ARGV[2] then
  return DECISION_REPLACED
end
record.ux = tonumber(ARGV[5])
record.un = ARGV[3]
record.uu = ARGV[4]
redis.call("HSET", KEYS[1], ARGV[1], cmsgpack.pack(record))
return 1
