--[[
  remove-delayed-items: remove delayed items found at known times (remove_delayed_selection).

  KEYS[1] delayed_queue_schedule
  ARGV[1] key prefix
  ARGV[2..] pairs (ts, encoded item)

  Every copy of the item in that list goes, with its timestamps:<item> entry for that time; an
  emptied list is deleted with its zset member. Returns the number of items removed.
]]
--!include delayed-lists.lua

local prefix = ARGV[1]
local removed = 0
for i = 2, #ARGV, 2 do
  local ts, item = ARGV[i], ARGV[i + 1]
  local list = prefix .. "delayed:" .. ts
  removed = removed + redis.call("LREM", list, 0, item)
  redis.call("SREM", prefix .. "timestamps:" .. item, "delayed:" .. ts)
  dropIfEmpty(list, KEYS[1], ts)
end
return removed
