--[[
  failed-remove: Resque::Failure.remove — LSET the entry to "" and LREM one "" (Ruby's sentinel).

  KEYS[1] failed list
  ARGV[1] index    ARGV[2] the entry as the caller read it (guards against a shifted list)
  Returns 1, or 0 when the entry at index is no longer the one read.
]]
local index = tonumber(ARGV[1])
if redis.call("LINDEX", KEYS[1], index) ~= ARGV[2] then return 0 end
redis.call("LSET", KEYS[1], index, "")
redis.call("LREM", KEYS[1], 1, "")
return 1
