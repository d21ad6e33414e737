--[[
  register-workers: announce the slots of a worker process as Resque workers.

  KEYS[1] workers set         KEYS[2] workers:heartbeat hash    KEYS[3] our worker registry hash
  ARGV[1] key prefix
  ARGV[2] started time (Ruby Time#to_s)   ARGV[3] heartbeat time (ISO-8601 with offset)
  ARGV[4] JSON {"heartbeat":<interval s>,"timeout":<longest job timeout s or null>} for our registry,
          so pruners know when a beat is late (see src/worker/prune.ts)
  ARGV[5..] worker ids
]]
local prefix, started, beat, info = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
for i = 5, #ARGV do
  local id = ARGV[i]
  redis.call("SADD", KEYS[1], id)
  redis.call("SET", prefix .. "worker:" .. id .. ":started", started)
  redis.call("HSET", KEYS[2], id, beat)
  redis.call("HSET", KEYS[3], id, info)
end
return #ARGV - 4
