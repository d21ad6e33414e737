--[[
  promote-due-jobs: move the items of due delayed times onto their queues, in order, in one step
  per batch (resque-scheduler's handle_delayed_items, without a round trip per job).

  KEYS[1] delayed_queue_schedule   KEYS[2] queues set   KEYS[3] failed list   KEYS[4] stat:failed
  ARGV[1] key prefix
  ARGV[2] now (unix seconds): times <= now are due
  ARGV[3] most items to move in this call
  ARGV[4] worker wake-up channel
  ARGV[5] failed_at for failure entries   ARGV[6] worker field for failure entries
  ARGV[7] N, then N pairs (class name, queue) of registered jobs, for items without a queue member

  Each item becomes {"class","args"} on queue:<its queue>; its timestamps:<item> entry is removed,
  and an emptied delayed:<ts> list is deleted with its zset member. An item that is not a job, or
  has no queue member and a class no registered job names, becomes a `failed` entry (never lost).
  A zset member that is not a timestamp, or whose key is not a list, is dropped from the zset only.
  Returns { moved, failed, more (1 when the batch was full), dropped }.
]]
--!include call-chunked.lua
--!include delayed-item.lua
--!include delayed-lists.lua
--!include failure-entry.lua

local prefix, now, budget = ARGV[1], ARGV[2], tonumber(ARGV[3])
local wakeChannel, failedAt, workerId = ARGV[4], ARGV[5], ARGV[6]
local queueOfClass = {}
local pairsCount = tonumber(ARGV[7])
for p = 0, pairsCount - 1 do
  queueOfClass[ARGV[8 + 2 * p]] = ARGV[9 + 2 * p]
end

local moved, failedCount, dropped, taken = 0, 0, 0, 0
local byQueue, queueOrder, failures = {}, {}, {}

local due = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", now, "LIMIT", 0, budget)
for _, ts in ipairs(due) do
  if taken >= budget then break end
  local key = prefix .. "delayed:" .. ts
  local kind = redis.call("TYPE", key)["ok"]
  if not string.match(ts, "^%-?%d+$") or (kind ~= "list" and kind ~= "none") then
    redis.call("ZREM", KEYS[1], ts)
    dropped = dropped + 1
  else
    local items = redis.call("LRANGE", key, 0, budget - taken - 1)
    if #items > 0 then redis.call("LTRIM", key, #items, -1) end
    taken = taken + #items
    local member = "delayed:" .. ts
    for _, raw in ipairs(items) do
      redis.call("SREM", prefix .. "timestamps:" .. raw, member)
      local payload, queue, className, partial = queuePayloadOf(raw, queueOfClass)
      if payload then
        if not byQueue[queue] then
          byQueue[queue] = {}
          queueOrder[#queueOrder + 1] = queue
        end
        local list = byQueue[queue]
        list[#list + 1] = payload
        moved = moved + 1
      else
        failures[#failures + 1] = unqueuedFailure(failedAt, workerId, raw, queue, className, partial)
      end
    end
    dropIfEmpty(key, KEYS[1], ts)
  end
end

for _, queue in ipairs(queueOrder) do
  redis.call("SADD", KEYS[2], queue)
  callChunked("RPUSH", prefix .. "queue:" .. queue, byQueue[queue])
  redis.call("PUBLISH", wakeChannel, queue)
end
if #failures > 0 then
  failedCount = #failures
  callChunked("RPUSH", KEYS[3], failures)
  redis.call("INCRBY", KEYS[4], failedCount)
end
local more = 0
if taken >= budget then more = 1 end
return { moved, failedCount, more, dropped }
