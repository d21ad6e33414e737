--[[
  publish-schedules: the leading scheduler replaces the published copy of its effective schedule
  (static and dynamic entries), so the admin API on any host can list schedules it cannot load.

  KEYS[1] resque-ts:schedules
  ARGV[1..] pairs (schedule name, JSON description)
]]
redis.call("DEL", KEYS[1])
for i = 1, #ARGV, 2 do
  redis.call("HSET", KEYS[1], ARGV[i], ARGV[i + 1])
end
return #ARGV / 2
