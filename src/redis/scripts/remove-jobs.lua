--[[
  remove-jobs: remove queued jobs a caller selected (Resque.dequeue, admin remove and bulk remove).
  Each job is named by the position and the exact bytes the caller read (see list-refs.lua); a
  job no longer within reach (a worker took it) is left alone and not counted.

  KEYS[1] queue:<name>
  ARGV[1] sentinel: a value unique to this call, marking items while they are taken out
  ARGV[2] window: how far (positions) a job may have moved since it was read
  ARGV[3..] pairs (reference, payload): "<index>[:<distance from the tail>]" as read (see list-refs.lua)
  Returns the number removed.
]]
--!include list-refs.lua

local refs, raws = refsFrom(3, 2)
local len, found = locateRefs(KEYS[1], refs, raws, tonumber(ARGV[2]))
local positions = {}
for i = 1, #found do
  if found[i] then positions[#positions + 1] = found[i] end
end
return removePositions(KEYS[1], positions, ARGV[1], len)
