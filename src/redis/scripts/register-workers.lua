--[[
  register-workers: announce the slots of a worker process as Resque workers.

  KEYS[1] workers set         KEYS[2] workers:heartbeat hash
  ARGV[1] key prefix
  ARGV[2] started time (Ruby Time#to_s)   ARGV[3] heartbeat time (ISO-8601 with offset)
  ARGV[4..] worker ids
]]
local prefix, started, beat = ARGV[1], ARGV[2], ARGV[3]
for i = 4, #ARGV do
  local id = ARGV[i]
  redis.call("SADD", KEYS[1], id)
  redis.call("SET", prefix .. "worker:" .. id .. ":started", started)
  redis.call("HSET", KEYS[2], id, beat)
end
return #ARGV - 3
