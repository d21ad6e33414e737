-- Helpers for delayed:<ts> lists and their indexes (scripts that remove or move delayed items).

-- dropIfEmpty(list, scheduleKey, ts): delete an emptied delayed list and its zset member.
local function dropIfEmpty(list, scheduleKey, ts)
  if redis.call("LLEN", list) == 0 then
    redis.call("DEL", list)
    redis.call("ZREM", scheduleKey, ts)
  end
end

-- removeCopies(prefix, scheduleKey, indexKey, item): remove every copy of `item` from the lists
-- its timestamps:<item> index names, emptying the index. Returns how many copies were removed.
local function removeCopies(prefix, scheduleKey, indexKey, item)
  local removed = 0
  for _, member in ipairs(redis.call("SMEMBERS", indexKey)) do
    local list = prefix .. member
    removed = removed + redis.call("LREM", list, 0, item)
    redis.call("SREM", indexKey, member)
    dropIfEmpty(list, scheduleKey, string.sub(member, 9))
  end
  return removed
end

-- addTime(scheduleKey, ts, channel): add a due time to the schedule; when it is earlier than every
-- time there, publish it on `channel` so a sleeping scheduler wakes for it.
local function addTime(scheduleKey, ts, channel)
  local earliest = redis.call("ZRANGE", scheduleKey, 0, 0, "WITHSCORES")
  redis.call("ZADD", scheduleKey, ts, ts)
  if #earliest == 0 or tonumber(earliest[2]) > tonumber(ts) then redis.call("PUBLISH", channel, ts) end
end
