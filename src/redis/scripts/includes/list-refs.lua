-- Acting on list items a caller read earlier, identified by position AND content.
-- Between the read and this script, workers may have popped items ahead of them, producers pushed
-- more, or other clients removed some, so an item may sit away from where it was read.
-- A reference carries the item's position when read and, when the reader knew the list's length,
-- its distance from the tail then ("<index>:<from tail>"): pops at the head do not change the
-- latter, pushes at the tail do not change the former. locateRefs finds each item at one of those
-- positions, or else the nearest item with the same bytes within `window` positions of them
-- (identical bytes are the same job to Resque, which matches payloads by bytes). Each position is
-- claimed once, so N references to N identical items act on N items, never one item twice. The
-- cost is an LRANGE of the span the references cover plus the window (two when pops and pushes
-- moved the two guesses far apart).

-- parseRef("123" or "123:456") -> index, distance from the tail (or nil)
local function parseRef(text)
  local colon = string.find(text, ":", 1, true)
  if not colon then return tonumber(text), nil end
  return tonumber(string.sub(text, 1, colon - 1)), tonumber(string.sub(text, colon + 1))
end

-- locateRefs(key, refs, raws, window): refs as "<index>[:<from tail>]" strings. Returns the list
-- length and, for each reference, its position from the head now, or false when no such item is
-- within reach (it was taken, removed or edited).
local function locateRefs(key, refs, raws, window)
  local len = redis.call("LLEN", key)
  local found = {}
  local guesses = {}
  for i = 1, #refs do
    found[i] = false
    local index, tail = parseRef(refs[i])
    local g = { index }
    if tail then g[2] = len - tail end
    guesses[i] = g
  end
  if len == 0 or #refs == 0 then return len, found end

  -- The spans to read: around the guesses by position, and around those from the tail.
  local spans = {}
  for k = 1, 2 do
    local lo, hi
    for i = 1, #refs do
      local p = guesses[i][k]
      if p then
        -- A guess past either end (the list got shorter) still has its window inside the list.
        p = math.max(0, math.min(len - 1, p))
        if lo == nil or p < lo then lo = p end
        if hi == nil or p > hi then hi = p end
      end
    end
    if lo then spans[#spans + 1] = { math.max(0, lo - window), math.min(len - 1, hi + window) } end
  end
  if #spans == 2 and spans[2][1] <= spans[1][2] + 1 and spans[1][1] <= spans[2][2] + 1 then
    spans = { { math.min(spans[1][1], spans[2][1]), math.max(spans[1][2], spans[2][2]) } }
  end
  local windows = {}
  for _, span in ipairs(spans) do
    windows[#windows + 1] = { first = span[1], items = redis.call("LRANGE", key, span[1], span[2]) }
  end

  local claimed = {}
  local function itemAt(p)
    for _, w in ipairs(windows) do
      local item = w.items[p - w.first + 1]
      if item ~= nil then return item end
    end
    return nil
  end
  for i = 1, #refs do
    local raw = raws[i]
    for _, p in ipairs(guesses[i]) do
      if not found[i] and not claimed[p] and itemAt(p) == raw then
        claimed[p] = true
        found[i] = p
      end
    end
    if not found[i] then
      -- The nearest unclaimed copy of the bytes to either guess, in the windows read.
      local best, bestDistance
      for _, w in ipairs(windows) do
        if w.byRaw == nil then
          w.byRaw = {}
          for q, item in ipairs(w.items) do
            local list = w.byRaw[item]
            if list == nil then
              list = {}
              w.byRaw[item] = list
            end
            list[#list + 1] = w.first + q - 1
          end
        end
        for _, p in ipairs(w.byRaw[raw] or {}) do
          if not claimed[p] then
            for _, guess in ipairs(guesses[i]) do
              local distance = math.abs(p - guess)
              if bestDistance == nil or distance < bestDistance then
                best, bestDistance = p, distance
              end
            end
          end
        end
      end
      if best ~= nil then
        claimed[best] = true
        found[i] = best
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
-- a reference ("<index>[:<from tail>]") and the raw item; returns refs, raws and the groups (for
-- extra members).
local function refsFrom(first, groupSize)
  local refs, raws, groups = {}, {}, {}
  for i = first, #ARGV, groupSize do
    local n = #refs + 1
    refs[n] = ARGV[i]
    raws[n] = ARGV[i + 1]
    groups[n] = i
  end
  return refs, raws, groups
end
