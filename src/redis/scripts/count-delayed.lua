--[[
  count-delayed: the number of delayed items at all times (count_all_scheduled_jobs), read in one
  consistent step.

  KEYS[1] delayed_queue_schedule
  ARGV[1] key prefix
]]
local total = 0
for _, ts in ipairs(redis.call("ZRANGE", KEYS[1], 0, -1)) do
  local key = ARGV[1] .. "delayed:" .. ts
  if redis.call("TYPE", key)["ok"] == "list" then total = total + redis.call("LLEN", key) end
end
return total
