--[[
  heartbeat-workers: record a heartbeat for the workers of a process that are still registered.

  KEYS[1] workers set         KEYS[2] workers:heartbeat hash
  ARGV[1] heartbeat time (ISO-8601 with offset)
  ARGV[2..] worker ids

  A worker that was pruned (unregistered by another process that judged it dead) gets no
  heartbeat, which would otherwise leave an entry for an unknown worker; its id is returned so the
  process can register it again before it takes more work.
  Returns the ids that are not registered.
]]
local missing = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call("SISMEMBER", KEYS[1], id) == 1 then
    redis.call("HSET", KEYS[2], id, ARGV[1])
  else
    missing[#missing + 1] = id
  end
end
return missing
