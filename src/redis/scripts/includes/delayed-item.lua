-- Delayed items: {"class","args","queue"} JSON (Ruby; node-resque writes {"class","queue","args"}).
-- queuePayloadOf(raw, queueOfClass) turns one into the queue payload Ruby Resque expects,
-- {"class":…,"args":[…]}, built from the item's own bytes: cjson would rewrite numbers (1.0 → 1)
-- and empty arrays ([] → {}), and Ruby matches payloads by bytes.

-- Index of the last character of the JSON value starting at index i (text is valid JSON).
local function jsonValueEnd(text, i)
  local c = string.sub(text, i, i)
  if c == '"' then
    local j = i + 1
    while true do
      local q = string.find(text, '["\\]', j)
      if not q then return nil end
      if string.sub(text, q, q) == "\\" then j = q + 2 else return q end
    end
  elseif c == "{" or c == "[" then
    local depth, j = 0, i
    while true do
      local k = string.find(text, '[%[%]{}"]', j)
      if not k then return nil end
      local ch = string.sub(text, k, k)
      if ch == '"' then
        k = jsonValueEnd(text, k)
        if not k then return nil end
      elseif ch == "{" or ch == "[" then
        depth = depth + 1
      else
        depth = depth - 1
        if depth == 0 then return k end
      end
      j = k + 1
    end
  end
  local k = string.find(text, "[,}%]%s]", i)
  return (k or (#text + 1)) - 1
end

-- The exact text of top-level member `name` of the JSON object `text`, or nil.
local function rawMember(text, name)
  local quoted = '"' .. name .. '"'
  local i = string.find(text, "%S")
  if not i or string.sub(text, i, i) ~= "{" then return nil end
  i = i + 1
  while true do
    i = string.find(text, "%S", i)
    if not i or string.sub(text, i, i) ~= '"' then return nil end
    local keyEnd = jsonValueEnd(text, i)
    if not keyEnd then return nil end
    local key = string.sub(text, i, keyEnd)
    i = string.find(text, "%S", keyEnd + 1)
    if not i or string.sub(text, i, i) ~= ":" then return nil end
    i = string.find(text, "%S", i + 1)
    if not i then return nil end
    local valueEnd = jsonValueEnd(text, i)
    if not valueEnd then return nil end
    if key == quoted then return string.sub(text, i, valueEnd) end
    i = string.find(text, "%S", valueEnd + 1)
    if not i then return nil end
    if string.sub(text, i, i) == "," then i = i + 1 end
  end
end

-- Returns payload, queue, className for a usable item. Otherwise returns nil and a reason:
-- "invalid" (not a JSON object with a string class), or "no-queue" followed by the class name and
-- the payload the item would have had.
-- A missing queue member is looked up in queueOfClass (class name → queue of a registered job).
-- args like Ruby's scheduler: an array is kept, null/missing is [], anything else is one argument.
local function queuePayloadOf(raw, queueOfClass)
  local ok, decoded = pcall(cjson.decode, raw)
  if not ok or type(decoded) ~= "table" or type(decoded["class"]) ~= "string" or decoded["class"] == "" then
    return nil, "invalid", nil
  end
  local className = decoded["class"]
  local rawClass = rawMember(raw, "class") or cjson.encode(className)
  local rawArgs = rawMember(raw, "args")
  local args
  if rawArgs == nil or rawArgs == "null" then
    args = "[]"
  elseif string.sub(rawArgs, 1, 1) == "[" then
    args = rawArgs
  else
    args = "[" .. rawArgs .. "]"
  end
  local payload = '{"class":' .. rawClass .. ',"args":' .. args .. "}"
  local queue = decoded["queue"]
  if type(queue) ~= "string" or queue == "" then queue = queueOfClass[className] end
  if not queue then return nil, "no-queue", className, payload end
  return payload, queue, className
end
