--[[
  failed-remove: Resque::Failure.remove and its bulk form. Ruby overwrites the entry with "" and
  removes one ""; here each entry is overwritten with a value unique to the call, so an entry that
  happens to be "" (or Ruby's own sentinel mid-removal) is never taken instead. Entries are named
  by position and exact bytes (see list-refs.lua); one no longer within reach is left alone.

  KEYS[1] the failed list (failed or <queue>_failed)
  ARGV[1] sentinel (unique to this call)   ARGV[2] window
  ARGV[3..] pairs (reference, entry as read), references as in list-refs.lua
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
