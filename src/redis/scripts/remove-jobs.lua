--[[
  remove-jobs: Resque.dequeue. Removes matching payloads from one queue atomically.

  KEYS[1] queue:<name>
  ARGV[1] "exact": remove payloads equal to one of ARGV[2..] (byte match, as Ruby does)
          "class": remove every payload whose "class" is ARGV[2]
  Returns the number removed.
]]
local removed = 0
if ARGV[1] == "exact" then
  for i = 2, #ARGV do
    removed = removed + redis.call("LREM", KEYS[1], 0, ARGV[i])
  end
  return removed
end
local className = ARGV[2]
local items = redis.call("LRANGE", KEYS[1], 0, -1)
local matching = {}
for _, raw in ipairs(items) do
  local ok, decoded = pcall(cjson.decode, raw)
  if ok and type(decoded) == "table" and decoded["class"] == className and not matching[raw] then
    matching[raw] = true
    removed = removed + redis.call("LREM", KEYS[1], 0, raw)
  end
end
return removed
