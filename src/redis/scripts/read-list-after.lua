--[[
  read-list-after: the next items of a list after an item read earlier (the anchor), for admin
  walks that change a list chunk by chunk while workers pop from its head, producers push to its
  tail and other clients remove items. Positions shift under such a walk; its anchor does not.

  KEYS[1] the list
  ARGV[1] the anchor's position when read, or -1 to read from the head
  ARGV[2] the anchor's bytes
  ARGV[3] window: how far the anchor may have moved and still be found by a bounded scan
  ARGV[4] most items to return

  The anchor is looked for at its position, then within the window, then from the head up to its
  position plus the window (LPOS). When it is gone (workers took it, so everything before it too,
  or someone removed it), the walk goes on from the head; items read again are ones it kept.
  Returns { position of the first item returned, the list's length, items... }.
]]
local key, index, anchor = KEYS[1], tonumber(ARGV[1]), ARGV[2]
local window, count = tonumber(ARGV[3]), tonumber(ARGV[4])
local at = -1
if index >= 0 then
  if redis.call("LINDEX", key, index) == anchor then
    at = index
  else
    local first = math.max(0, index - window)
    local items = redis.call("LRANGE", key, first, index + window)
    local best
    for p, raw in ipairs(items) do
      if raw == anchor then
        local pos = first + p - 1
        if best == nil or math.abs(pos - index) < math.abs(best - index) then best = pos end
      end
    end
    if best == nil then best = redis.call("LPOS", key, anchor, "MAXLEN", index + window + 1) end
    if best then at = best end
  end
end
local items = redis.call("LRANGE", key, at + 1, at + count)
table.insert(items, 1, redis.call("LLEN", key))
table.insert(items, 1, at + 1)
return items
