-- Acting on list items a caller read earlier, identified by position AND content.
-- Between the read and this script, workers may have popped items ahead of them, producers pushed
-- more, or other clients removed some, so an item may sit a little away from where it was read.
-- locateRefs finds each one at its position or else the nearest item with the same bytes within
-- `window` positions (identical bytes are the same job to Resque, which matches payloads by bytes).
-- Each position is claimed once, so N references to N identical items act on N items, never one
-- item twice. The cost is one LRANGE of the span the references cover plus twice the window.

-- locateRefs(key, indexes, raws, window): indexes are 0-based from the head, or negative from the
-- tail (-1 = last), as read. Returns the list length and, for each reference, its position from
-- the head now, or false when no such item is within reach (it was taken, removed or edited).
local function locateRefs(key, indexes, raws, window)
  local len = redis.call("LLEN", key)
  local found = {}
  local lo, hi
  for i = 1, #indexes do
    found[i] = false
    local index = indexes[i]
    if index < 0 then index = len + index end
    indexes[i] = index
    if lo == nil or index < lo then lo = index end
    if hi == nil or index > hi then hi = index end
  end
  if len == 0 or lo == nil then return len, found end
  local first = math.max(0, lo - window)
  local last = math.min(len - 1, hi + window)
  if first > last then return len, found end
  local items = redis.call("LRANGE", key, first, last)
  local claimed = {}
  local byRaw -- raw -> ascending positions (1-based in items), built on the first miss
  for i = 1, #indexes do
    local at = indexes[i] - first + 1
    if items[at] ~= nil and items[at] == raws[i] and not claimed[at] then
      claimed[at] = true
      found[i] = indexes[i]
    else
      if byRaw == nil then
        byRaw = {}
        for p, raw in ipairs(items) do
          local list = byRaw[raw]
          if list == nil then
            list = {}
            byRaw[raw] = list
          end
          list[#list + 1] = p
        end
      end
      local best
      for _, p in ipairs(byRaw[raws[i]] or {}) do
        if not claimed[p] and (best == nil or math.abs(p - at) < math.abs(best - at)) then best = p end
      end
      if best ~= nil then
        claimed[best] = true
        found[i] = first + best - 1
      end
    end
  end
  return len, found
end

-- removePositions(key, positions, sentinel, len): removes the items at these positions (from the
-- head, as locateRefs returns them). Each is overwritten with `sentinel` (a value unique to the
-- call, so nothing else is removed) and one LREM takes them out, scanning from the nearer end.
-- Returns how many were removed.
local function removePositions(key, positions, sentinel, len)
  if #positions == 0 then return 0 end
  local sum = 0
  for _, p in ipairs(positions) do
    redis.call("LSET", key, p, sentinel)
    sum = sum + p
  end
  local count = #positions
  if sum / count > len / 2 then count = -count end
  return redis.call("LREM", key, count, sentinel)
end

-- refsFrom(first, groupSize): reads ARGV from `first` in groups of `groupSize`, each starting with
-- an index and the raw item; returns indexes, raws and the groups (for extra members).
local function refsFrom(first, groupSize)
  local indexes, raws, groups = {}, {}, {}
  for i = first, #ARGV, groupSize do
    local n = #indexes + 1
    indexes[n] = tonumber(ARGV[i])
    raws[n] = ARGV[i + 1]
    groups[n] = i
  end
  return indexes, raws, groups
end
