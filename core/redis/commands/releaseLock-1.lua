--[[
  Releases a lock, only when this holder still owns it.
    KEYS[1] the lock (string: holder token)
    ARGV[1] the holder's token
  Returns 1 released, 0 not held by this token.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
