--[[
  shard-move-delayed-push: on the destination shard of a queue move, put a staged batch of delayed
  items into the schedule at their own due times, once: the batch token is recorded beside it, so
  pushing the same batch again does nothing (as shard-move-push does for waiting jobs).

  KEYS[1] delayed_queue_schedule   KEYS[2] moved-batch marker (per token)
  ARGV[1] key prefix   ARGV[2] seconds the marker lives   ARGV[3] scheduler wake-up channel
  ARGV[4..] pairs (due time, item)
  Returns the number of items put in the schedule (0 when the batch was pushed before).
]]
--!include delayed-lists.lua

if redis.call("EXISTS", KEYS[2]) == 1 then return 0 end
local count = 0
for i = 4, #ARGV - 1, 2 do
  local ts, item = ARGV[i], ARGV[i + 1]
  redis.call("RPUSH", ARGV[1] .. "delayed:" .. ts, item)
  redis.call("SADD", ARGV[1] .. "timestamps:" .. item, "delayed:" .. ts)
  addTime(KEYS[1], ts, ARGV[3])
  count = count + 1
end
redis.call("SET", KEYS[2], "1", "EX", tonumber(ARGV[2]))
return count
