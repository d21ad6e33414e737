--[[
  limit-renew: extend a holder's lease while its job runs (only if it still holds a slot).
  KEYS[1] holders zset     ARGV[1] holder token     ARGV[2] lease ms
  Returns 1 when extended, 0 when the holder no longer holds a slot.
]]
if not redis.call("ZSCORE", KEYS[1], ARGV[1]) then return 0 end
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call("ZADD", KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local ttl = redis.call("PTTL", KEYS[1])
if ttl < tonumber(ARGV[2]) then redis.call("PEXPIRE", KEYS[1], ARGV[2]) end
return 1
