--[[
  delete-if-owner: delete a lock key only if it still holds the caller's value.
  KEYS[1] the lock key    ARGV[1] the owner's value
]]
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
