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
-- A ts of 1e11 or more is epoch milliseconds (delayPrecision "milliseconds"): its score is still
-- seconds, with a fraction, so members of both kinds sort and fall due together.
local function addTime(scheduleKey, ts, channel)
  local earliest = redis.call("ZRANGE", scheduleKey, 0, 0, "WITHSCORES")
  local score = tonumber(ts)
  if score >= 1e11 then score = score / 1000 end
  redis.call("ZADD", scheduleKey, string.format("%.3f", score), ts)
  if #earliest == 0 or tonumber(earliest[2]) > score then redis.call("PUBLISH", channel, ts) end
end
