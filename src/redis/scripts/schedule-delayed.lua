--[[
  schedule-delayed: put encoded delayed items at one due time (resque-scheduler's delayed_push,
  which Ruby does in three commands, done atomically).

  KEYS[1] delayed_queue_schedule
  KEYS[2] delayed:<ts>
  KEYS[3..] timestamps:<item> for each item, in the order of ARGV[3..]
  ARGV[1] ts (unix seconds)
  ARGV[2] scheduler wake-up channel
  ARGV[3..] encoded items {"class","args","queue"}

  Publishes ts on the wake-up channel when it is earlier than every time already scheduled, so a
  sleeping scheduler wakes for it. Returns the number of items added.
]]
--!include call-chunked.lua
--!include delayed-lists.lua

local ts = ARGV[1]
local member = "delayed:" .. ts
local items = {}
for i = 3, #ARGV do
  items[#items + 1] = ARGV[i]
  redis.call("SADD", KEYS[i], member)
end
callChunked("RPUSH", KEYS[2], items)
addTime(KEYS[1], ts, ARGV[2])
return #items
