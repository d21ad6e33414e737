--[[
  failed-requeue: put failed jobs back on their queues (Resque::Failure.requeue, requeue_and_remove,
  and their bulk forms). Each entry is named by position and exact bytes (see list-refs.lua); an
  entry no longer within reach (another client removed or retried it) is left alone, so under
  concurrent retries every entry is requeued exactly once.

  KEYS[1] the failed list (failed or <queue>_failed)   KEYS[2] queues set
  ARGV[1] key prefix
  ARGV[2] "update": the entry stays, replaced by its version with retried_at
          "remove": the entry is removed
  ARGV[3] sentinel (unique to this call)   ARGV[4] window   ARGV[5] worker wake-up channel
  ARGV[6..] groups of 5: reference (see list-refs.lua), entry as read, replacement ("" when removing), queue, payload
  Returns { requeued, missing }.
]]
--!include list-refs.lua

local prefix, mode, sentinel = ARGV[1], ARGV[2], ARGV[3]
local refs, raws, groups = refsFrom(6, 5)
local len, found = locateRefs(KEYS[1], refs, raws, tonumber(ARGV[4]))
local requeued, missing = 0, 0
local positions, woken = {}, {}
for i = 1, #found do
  if found[i] then
    local g = groups[i]
    local queue, payload = ARGV[g + 3], ARGV[g + 4]
    if mode == "update" then
      redis.call("LSET", KEYS[1], found[i], ARGV[g + 2])
    else
      positions[#positions + 1] = found[i]
    end
    redis.call("SADD", KEYS[2], queue)
    redis.call("RPUSH", prefix .. "queue:" .. queue, payload)
    woken[queue] = true
    requeued = requeued + 1
  else
    missing = missing + 1
  end
end
removePositions(KEYS[1], positions, sentinel, len)
for queue in pairs(woken) do redis.call("PUBLISH", ARGV[5], queue) end
return { requeued, missing }
