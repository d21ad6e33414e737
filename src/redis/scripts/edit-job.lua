--[[
  edit-job: replace one queued job in place, if it is still there (by position and exact bytes,
  see list-refs.lua). It keeps its place in the queue.

  KEYS[1] queue:<name>
  ARGV[1] reference as read (see list-refs.lua)   ARGV[2] payload as read   ARGV[3] new payload   ARGV[4] window
  Returns the job's position now, or -1 when it is gone (taken by a worker, removed, edited).
]]
--!include list-refs.lua

local _, found = locateRefs(KEYS[1], { ARGV[1] }, { ARGV[2] }, tonumber(ARGV[4]))
if not found[1] then return -1 end
redis.call("LSET", KEYS[1], found[1], ARGV[3])
return found[1]
