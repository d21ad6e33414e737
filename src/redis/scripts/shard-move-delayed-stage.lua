--[[
  shard-move-delayed-stage: on the source shard of a queue move, take the delayed items of the
  queue at the next due times (up to ARGV[5] times from the cursor, every matching item of each)
  out of the schedule into a staging list of that shard, as (time, item) pairs under a batch
  token. A batch staged before is handed back instead, so it is finished first (as
  shard-move-stage does for waiting jobs).

  KEYS[1] delayed_queue_schedule   KEYS[2] staging list   KEYS[3] staging token
  ARGV[1] key prefix   ARGV[2] queue name   ARGV[3] token for a new batch
  ARGV[4] cursor: where to scan from ("-inf", or "(<score>" after the last scanned)
  ARGV[5] due times per call (and any more sharing the last one's score)
  Returns { token, next cursor, "1" when the schedule was scanned to its end else "0", time, item, ... }.
]]
--!include call-chunked.lua

if redis.call("EXISTS", KEYS[2]) == 1 then
  local staged = redis.call("LRANGE", KEYS[2], 0, -1)
  local token = redis.call("GET", KEYS[3]) or ARGV[3]
  redis.call("SET", KEYS[3], token)
  local out = { token, ARGV[4], "0" }
  for _, value in ipairs(staged) do out[#out + 1] = value end
  return out
end

local function queueOf(item)
  local ok, decoded = pcall(cjson.decode, item)
  if ok and type(decoded) == "table" and type(decoded.queue) == "string" then return decoded.queue end
  return nil
end

local limit = tonumber(ARGV[5])
local due = redis.call("ZRANGEBYSCORE", KEYS[1], ARGV[4], "+inf", "WITHSCORES", "LIMIT", 0, limit)
local finished = (#due / 2) < limit and "1" or "0"
local cursor = ARGV[4]
if #due > 0 then
  -- The next scan starts after the last score; due times sharing it are all taken now.
  local last = due[#due]
  cursor = "(" .. last
  if finished == "0" then
    local seen = {}
    for i = 1, #due, 2 do seen[due[i]] = true end
    local same = redis.call("ZRANGEBYSCORE", KEYS[1], last, last, "WITHSCORES")
    for i = 1, #same, 2 do
      if not seen[same[i]] then
        due[#due + 1] = same[i]
        due[#due + 1] = same[i + 1]
      end
    end
  end
end
local pairs_ = {}
for i = 1, #due, 2 do
  local ts = due[i]
  local list = ARGV[1] .. "delayed:" .. ts
  local kept, moved = {}, {}
  for _, item in ipairs(redis.call("LRANGE", list, 0, -1)) do
    if queueOf(item) == ARGV[2] then moved[#moved + 1] = item else kept[#kept + 1] = item end
  end
  if #moved > 0 then
    -- Rewrite the list without the moved items (one pass, not an LREM per item).
    redis.call("DEL", list)
    if #kept > 0 then callChunked("RPUSH", list, kept) else redis.call("ZREM", KEYS[1], ts) end
    for _, item in ipairs(moved) do
      redis.call("SREM", ARGV[1] .. "timestamps:" .. item, "delayed:" .. ts)
      pairs_[#pairs_ + 1] = ts
      pairs_[#pairs_ + 1] = item
    end
  end
end
if #pairs_ > 0 then
  callChunked("RPUSH", KEYS[2], pairs_)
  redis.call("SET", KEYS[3], ARGV[3])
end
local out = { ARGV[3], cursor, finished }
for _, value in ipairs(pairs_) do out[#out + 1] = value end
return out
