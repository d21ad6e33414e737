--[[
  move-jobs: move queued jobs a caller selected to the back of another queue, keeping their bytes
  and their order. Each job is named by position and exact bytes (see list-refs.lua); a job no
  longer within reach (a worker took it) is left alone and not counted.

  KEYS[1] queue:<from>   KEYS[2] queue:<to>   KEYS[3] queues set
  ARGV[1] sentinel (unique to this call)   ARGV[2] window   ARGV[3] target queue name
  ARGV[4] worker wake-up channel
  ARGV[5..] pairs (reference, payload), references as in list-refs.lua
  Returns the number moved.
]]
--!include call-chunked.lua
--!include list-refs.lua

local refs, raws = refsFrom(5, 2)
local len, found = locateRefs(KEYS[1], refs, raws, tonumber(ARGV[2]))
local positions, order = {}, {}
for i = 1, #found do
  if found[i] then
    positions[#positions + 1] = found[i]
    order[#order + 1] = { found[i], raws[i] }
  end
end
if #positions == 0 then return 0 end
table.sort(order, function(a, b) return a[1] < b[1] end)
local payloads = {}
for i, entry in ipairs(order) do payloads[i] = entry[2] end
removePositions(KEYS[1], positions, ARGV[1], len)
redis.call("SADD", KEYS[3], ARGV[3])
callChunked("RPUSH", KEYS[2], payloads)
redis.call("PUBLISH", ARGV[4], ARGV[3])
return #payloads
