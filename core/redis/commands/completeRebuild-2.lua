--[[
  The last step of a campaign state rebuild: sets the epoch (the campaign is served again) and
  releases the rebuild lock, only when this rebuild still holds the lock. A rebuild whose lock
  expired (another one took over) never marks the state complete.
    KEYS[1] the campaign's rebuild lock (string: holder token)
    KEYS[2] the campaign's epoch
    ARGV[1] the holder's token
    ARGV[2] the epoch value
  Returns 1 completed, 0 the lock is not held by this token (nothing written).
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[1])
return 1
