--[[
  change-delayed-items: remove, enqueue now, or reschedule delayed items found at known times
  (the admin API's row actions and remove_delayed_selection / enqueue_delayed_selection).

  KEYS[1] delayed_queue_schedule   KEYS[2] queues set   KEYS[3] failed list   KEYS[4] stat:failed
  ARGV[1] key prefix
  ARGV[2] "remove", "now" (onto the item's queue) or "at" (to the time ARGV[3])
  ARGV[3] at: the new due time (unix seconds)
  ARGV[4] scheduler wake-up channel   ARGV[5] worker wake-up channel
  ARGV[6] failed_at and ARGV[7] worker field, for items that cannot be enqueued (now)
  ARGV[8] N, then N pairs (class name, queue) of registered jobs, for items without a queue member
  then triples (ts, item, copies): copies of the item to take from delayed:<ts> (0 = every copy)

  The timestamps:<item> entry for a time goes when no copy of the item is left there; an emptied
  list is deleted with its zset member. An item that cannot be enqueued becomes a `failed` entry.
  Returns { changed, failed }: copies acted on (a copy gone meanwhile is not counted), and of
  those, how many became failed entries.
]]
--!include delayed-item.lua
--!include delayed-lists.lua
--!include failure-entry.lua

local prefix, mode, target = ARGV[1], ARGV[2], ARGV[3]
local failedAt, workerId = ARGV[6], ARGV[7]
local queueOfClass = {}
local pairsCount = tonumber(ARGV[8])
for p = 0, pairsCount - 1 do
  queueOfClass[ARGV[9 + 2 * p]] = ARGV[10 + 2 * p]
end
local changed, failedCount, rescheduled = 0, 0, 0
local wokenQueues = {}
for i = 9 + 2 * pairsCount, #ARGV, 3 do
  local ts, item, copies = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local list = prefix .. "delayed:" .. ts
  local count = redis.call("LREM", list, copies, item)
  if count > 0 then
    local index = prefix .. "timestamps:" .. item
    if not redis.call("LPOS", list, item) then redis.call("SREM", index, "delayed:" .. ts) end
    dropIfEmpty(list, KEYS[1], ts)
    changed = changed + count
    if mode == "at" then
      local targetList = prefix .. "delayed:" .. target
      for _ = 1, count do redis.call("RPUSH", targetList, item) end
      redis.call("SADD", index, "delayed:" .. target)
      rescheduled = rescheduled + count
    elseif mode == "now" then
      local payload, queue, className, partial = queuePayloadOf(item, queueOfClass)
      if payload then
        for _ = 1, count do redis.call("RPUSH", prefix .. "queue:" .. queue, payload) end
        redis.call("SADD", KEYS[2], queue)
        wokenQueues[queue] = true
      else
        local entry = unqueuedFailure(failedAt, workerId, item, queue, className, partial)
        for _ = 1, count do redis.call("RPUSH", KEYS[3], entry) end
        redis.call("INCRBY", KEYS[4], count)
        failedCount = failedCount + count
      end
    end
  end
end
if rescheduled > 0 then addTime(KEYS[1], target, ARGV[4]) end
for queue in pairs(wokenQueues) do redis.call("PUBLISH", ARGV[5], queue) end
return { changed, failedCount }
