--[[
  move-delayed: take every copy of some encoded delayed items out of the schedule and either put
  them at a new due time (reschedule) or onto their queues now (resque-scheduler's enqueue_delayed).

  KEYS[1] delayed_queue_schedule   KEYS[2] queues set
  KEYS[3..] timestamps:<item> for each item of ARGV[5..]
  ARGV[1] key prefix
  ARGV[2] "at" to reschedule, or "now" to enqueue
  ARGV[3] at: the new due time (unix seconds); now: unused
  ARGV[4] at: scheduler wake-up channel; now: worker wake-up channel
  ARGV[5..] encoded items (byte matches)

  Moved items keep their own bytes (at) or become {"class","args"} on their item's queue (now).
  Returns the number of items moved.
]]
--!include delayed-item.lua
--!include delayed-lists.lua

local prefix, mode, target, channel = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local moved = 0
local wokenQueues = {}
for i = 5, #ARGV do
  local item, index = ARGV[i], KEYS[i - 2]
  local count = removeCopies(prefix, KEYS[1], index, item)
  if count > 0 then
    if mode == "at" then
      local list = prefix .. "delayed:" .. target
      for _ = 1, count do redis.call("RPUSH", list, item) end
      redis.call("SADD", index, "delayed:" .. target)
    else
      -- Items here are encoded by DelayedJobs from validated input, so they always carry a class and queue.
      local payload, queue = queuePayloadOf(item, {})
      if payload then
        for _ = 1, count do redis.call("RPUSH", prefix .. "queue:" .. queue, payload) end
        redis.call("SADD", KEYS[2], queue)
        wokenQueues[queue] = true
      end
    end
    moved = moved + count
  end
end
if moved > 0 and mode == "at" then addTime(KEYS[1], target, channel) end
for queue in pairs(wokenQueues) do redis.call("PUBLISH", channel, queue) end
return moved
