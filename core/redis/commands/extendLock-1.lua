--[[
  Extends a lock, only while this holder still owns it (a lock that expired and was taken by
  another process is never stretched).
    KEYS[1] the lock (string: holder token)
    ARGV[1] the holder's token
    ARGV[2] new time to live, ms
  Returns 1 extended, 0 not held by this token.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
