--[[
  status-write: write a job's status (resque-status's `status:<uuid>` JSON) if it is still the
  value the writer read, so a kill and a worker never overwrite each other's update unseen.

  KEYS[1] status:<uuid>     KEYS[2] _kill set     KEYS[3] _statuses zset
  ARGV[1] uuid
  ARGV[2] the value the writer read ("" = no status yet; "*" = any value, overwrite)
  ARGV[3] the new value
  ARGV[4] seconds the status lives after this write (0 = no expiry, as resque-status's expire_in)
  ARGV[5] flags, any of:
          "k" refuse if the uuid is on the kill list (a job starting or reporting progress)
          "c" create: ZADD the uuid to _statuses with ARGV[6] as score, and drop members older
              than ARGV[6] - ARGV[4] (resque-status's create)
          "r" remove the uuid from the kill list (the job ended)
  ARGV[6] unix seconds now (for "c")
  Returns "ok", "changed" (the value is not the one read: read again), or "killed".
]]
local current = redis.call("GET", KEYS[1])
local expected, flags = ARGV[2], ARGV[5]
if expected ~= "*" and (current or "") ~= expected then return "changed" end
if string.find(flags, "k", 1, true) and redis.call("SISMEMBER", KEYS[2], ARGV[1]) == 1 then
  return "killed"
end
local ttl = tonumber(ARGV[4])
if ttl > 0 then
  redis.call("SET", KEYS[1], ARGV[3], "EX", ttl)
else
  redis.call("SET", KEYS[1], ARGV[3])
end
if string.find(flags, "c", 1, true) then
  local now = tonumber(ARGV[6])
  redis.call("ZADD", KEYS[3], now, ARGV[1])
  if ttl > 0 then redis.call("ZREMRANGEBYSCORE", KEYS[3], "-inf", now - ttl) end
end
if string.find(flags, "r", 1, true) then redis.call("SREM", KEYS[2], ARGV[1]) end
return "ok"
