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

-- addTime(scheduleKey, ts, channel, seen): add a due time to the schedule; when it is earlier than
-- every time there, publish it on `channel` so a sleeping scheduler wakes for it.
-- A ts of 1e11 or more is epoch milliseconds (delayPrecision "milliseconds"): its score is still
-- seconds, with a fraction, so members of both kinds sort and fall due together.
-- `seen` (optional): a table a script that adds many times keeps across calls; it remembers the
-- earliest score, so the schedule is read once per script run instead of once per time.
local function addTime(scheduleKey, ts, channel, seen)
  local earliest
  if seen and seen.known then
    earliest = seen.earliest
  else
    local first = redis.call("ZRANGE", scheduleKey, 0, 0, "WITHSCORES")
    earliest = first[2] and tonumber(first[2])
  end
  local score = tonumber(ts)
  if score >= 1e11 then score = score / 1000 end
  redis.call("ZADD", scheduleKey, string.format("%.3f", score), ts)
  if not earliest or earliest > score then
    redis.call("PUBLISH", channel, ts)
    earliest = score
  end
  if seen then
    seen.known = true
    seen.earliest = earliest
  end
end
