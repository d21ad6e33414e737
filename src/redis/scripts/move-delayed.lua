--[[
  move-delayed: take every copy of some encoded delayed items out of the schedule and either put
  them at a new due time (reschedule) or onto their queues now (resque-scheduler's enqueue_delayed).

  KEYS[1] delayed_queue_schedule   KEYS[2] queues set   KEYS[3] failed list   KEYS[4] stat:failed
  KEYS[5..] timestamps:<item> for each item of ARGV[7..]
  ARGV[1] key prefix
  ARGV[2] "at" to reschedule, or "now" to enqueue
  ARGV[3] at: the new due time (unix seconds); now: unused
  ARGV[4] at: scheduler wake-up channel; now: worker wake-up channel
  ARGV[5] failed_at and ARGV[6] worker field, for items that cannot be enqueued (now)
  ARGV[7..] encoded items (byte matches)

  Moved items keep their own bytes (at) or become {"class","args"} on their item's queue (now).
  An item that names no queue, or is not a job, becomes a `failed` entry instead (never dropped).
  Returns { moved, failed }.
]]
--!include delayed-item.lua
--!include delayed-lists.lua
--!include failure-entry.lua

local prefix, mode, target, channel = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local failedAt, workerId = ARGV[5], ARGV[6]
local moved, failedCount = 0, 0
local wokenQueues = {}
for i = 7, #ARGV do
  local item, index = ARGV[i], KEYS[i - 2]
  local count = removeCopies(prefix, KEYS[1], index, item)
  if count > 0 then
    if mode == "at" then
      local list = prefix .. "delayed:" .. target
      for _ = 1, count do redis.call("RPUSH", list, item) end
      redis.call("SADD", index, "delayed:" .. target)
      moved = moved + count
    else
      local payload, queue, className, partial = queuePayloadOf(item, {})
      if payload then
        for _ = 1, count do redis.call("RPUSH", prefix .. "queue:" .. queue, payload) end
        redis.call("SADD", KEYS[2], queue)
        wokenQueues[queue] = true
        moved = moved + count
      else
        local entry = unqueuedFailure(failedAt, workerId, item, queue, className, partial)
        for _ = 1, count do redis.call("RPUSH", KEYS[3], entry) end
        redis.call("INCRBY", KEYS[4], count)
        failedCount = failedCount + count
      end
    end
  end
end
if moved > 0 and mode == "at" then addTime(KEYS[1], target, channel) end
for queue in pairs(wokenQueues) do redis.call("PUBLISH", channel, queue) end
return { moved, failedCount }
