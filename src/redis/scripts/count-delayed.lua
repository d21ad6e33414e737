--[[
  count-delayed: count delayed items (count_all_scheduled_jobs) one page of due times per call,
  so no call walks the whole schedule.

  KEYS[1] delayed_queue_schedule
  ARGV[1] key prefix
  ARGV[2] lowest score to read, exclusive ("(<score>") or "-inf" for the first page
  ARGV[3] most due times to read
  Returns { items counted, the last time read ("" when none), due times read }.
]]
local times = redis.call("ZRANGEBYSCORE", KEYS[1], ARGV[2], "+inf", "LIMIT", 0, tonumber(ARGV[3]))
local total = 0
for _, ts in ipairs(times) do
  local key = ARGV[1] .. "delayed:" .. ts
  if redis.call("TYPE", key)["ok"] == "list" then total = total + redis.call("LLEN", key) end
end
return { total, times[#times] or "", #times }
