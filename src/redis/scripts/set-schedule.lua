--[[
  set-schedule: store a dynamic schedule (resque-scheduler's set_schedule with persist) and flag it
  for the leading scheduler to reload.

  KEYS[1] persistent_schedules   KEYS[2] schedules_changed
  ARGV[1] name   ARGV[2] config JSON   ARGV[3] scheduler wake-up channel
]]
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
redis.call("SADD", KEYS[2], ARGV[1])
redis.call("PUBLISH", ARGV[3], "schedules")
return 1
