--[[
  limit-acquire: take a slot of a concurrency limit and a place in a rate window, both or neither.

  KEYS[1] holders zset (member = holder token, score = lease expiry, ms)
  KEYS[2] rate log zset (member = one run, score = when it started, ms)
  KEYS[3] limits hash (limit key -> configuration JSON, for listing)
  ARGV[1] holder token       ARGV[2] concurrency (0 = no concurrency limit)
  ARGV[3] lease ms           ARGV[4] runs allowed per window (0 = no rate limit)
  ARGV[5] window ms          ARGV[6] limit key        ARGV[7] configuration JSON
  ARGV[8] a unique id of this run (its member in the rate log)
  Expired leases (holders killed without releasing) are dropped first, so a slot is never leaked
  for longer than a lease. Times come from Redis' clock, the same for every host.
  Returns { 1 } when taken, else { 0, "concurrency" | "rate", ms until a place may free up }.
]]
local token, concurrency, lease = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local rate, window = tonumber(ARGV[4]), tonumber(ARGV[5])
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

if concurrency > 0 then
  redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now)
  if not redis.call("ZSCORE", KEYS[1], token) and redis.call("ZCARD", KEYS[1]) >= concurrency then
    local first = redis.call("ZRANGE", KEYS[1], 0, 0, "WITHSCORES")
    return { 0, "concurrency", tonumber(first[2]) - now }
  end
end
if rate > 0 then
  redis.call("ZREMRANGEBYSCORE", KEYS[2], "-inf", now - window)
  if redis.call("ZCARD", KEYS[2]) >= rate then
    local oldest = redis.call("ZRANGE", KEYS[2], 0, 0, "WITHSCORES")
    return { 0, "rate", tonumber(oldest[2]) + window - now }
  end
  redis.call("ZADD", KEYS[2], now, ARGV[8])
  redis.call("PEXPIRE", KEYS[2], window)
end
if concurrency > 0 then
  redis.call("ZADD", KEYS[1], now + lease, token)
  redis.call("PEXPIRE", KEYS[1], lease)
end
redis.call("HSET", KEYS[3], ARGV[6], ARGV[7])
return { 1 }
