--[[
  remove-schedule: delete a dynamic schedule (resque-scheduler's remove_schedule) and flag it for
  the leading scheduler to unload.

  KEYS[1] persistent_schedules   KEYS[2] schedules_changed
  ARGV[1] name   ARGV[2] scheduler wake-up channel
  Returns 1 when the schedule existed, else 0.
]]
local existed = redis.call("HDEL", KEYS[1], ARGV[1])
redis.call("SADD", KEYS[2], ARGV[1])
redis.call("PUBLISH", ARGV[2], "schedules")
return existed
