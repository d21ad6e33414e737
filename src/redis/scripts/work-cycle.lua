--[[
  work-cycle: finish the jobs a worker process completed and reserve new jobs for its idle slots,
  in one atomic step (reliable fetch: a popped job is always recorded in worker:<id>).

  KEYS[1] queues set          KEYS[2] stat:processed     KEYS[3] stat:failed
  KEYS[4] failed list         KEYS[5] pause-all-workers
  KEYS[6] this process's last-call marker (holds the token of its last call)
  ARGV[1] key prefix
  ARGV[2] run_at for newly reserved jobs (ISO-8601, ...Z)
  ARGV[3] reservation token of this call (unique per call; stored in each worker value it writes)
  ARGV[4] "1" when recovering: an earlier call failed, so it may or may not have run. A call
          whose token is already in the marker is a replay (the client re-sent it after a
          reconnect) and recovers too.
  ARGV[5] F = number of finished slots, followed by F quintuples:
          worker id, outcome, queue, data, reservation token the job was reserved with
          done:    the job ran (successfully or skipped); counts as processed
          failed:  data = failure entry JSON, or "" when a plugin (retry) suppresses the entry;
                   counts as processed and failed either way
          requeue: data = raw payload, pushed back to the front of its queue; no stats
          release: the worker key is cleared without stats (the job was handed elsewhere)
  then N = number of idle slots to fill, followed by N worker ids
  then G = 1 when queue entries are patterns to match against the queues set, else 0
  then M = number of queue entries, followed by M entries:
          G = 0: queue names in priority order
          G = 1: pairs of (kind "+" include / "-" exclude, Lua pattern)
  then P = 1 to honour pause-all-workers

  When recovering, a finish is applied only if worker:<id> still holds the job reserved with
  the given token (otherwise the lost call applied it), and an idle slot whose worker key holds
  a job gets that job back instead of a new one (the lost call reserved it).

  A finished slot's worker key is deleted, unless the same call reserves a new job for that slot:
  then the new value overwrites it (one command instead of DEL + SET).

  Returns { status, id1, queue1, payload1, reservation1, id2, ... }; status is "ok" or "paused".
]]
--!include call-chunked.lua
--!include payload-of.lua

local prefix, runAt, token = ARGV[1], ARGV[2], ARGV[3]
local replayed = redis.call("SET", KEYS[6], token, "GET", "EX", 86400) == token
local recovering = ARGV[4] == "1" or replayed
local i = 5

local finished = tonumber(ARGV[i]); i = i + 1
local processed, failedTotal = 0, 0
local failures, finishedKeys = {}, {}
for _ = 1, finished do
  local id, outcome, queue, data, reservedWith = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  i = i + 5
  local workerKey = prefix .. "worker:" .. id
  local apply = true
  if recovering then
    local current = redis.call("GET", workerKey)
    apply = current and string.find(current, '"reservation":"' .. reservedWith .. '"', 1, true) ~= nil
  end
  if apply then
    if outcome == "done" or outcome == "failed" then
      processed = processed + 1
      redis.call("INCR", prefix .. "stat:processed:" .. id)
      if outcome == "failed" then
        failedTotal = failedTotal + 1
        if data ~= "" then failures[#failures + 1] = data end
        redis.call("INCR", prefix .. "stat:failed:" .. id)
      end
    elseif outcome == "requeue" then
      redis.call("SADD", KEYS[1], queue)
      redis.call("LPUSH", prefix .. "queue:" .. queue, data)
    end
    finishedKeys[#finishedKeys + 1] = workerKey
  end
end
if recovering then
  -- The idle-slot check below reads worker keys, so finished ones must be gone first.
  callChunked("DEL", nil, finishedKeys)
  finishedKeys = {}
end
if processed > 0 then redis.call("INCRBY", KEYS[2], processed) end
if failedTotal > 0 then redis.call("INCRBY", KEYS[3], failedTotal) end
callChunked("RPUSH", KEYS[4], failures)

local slotCount = tonumber(ARGV[i]); i = i + 1
local slots = {}
for s = 1, slotCount do slots[s] = ARGV[i + s - 1] end
i = i + slotCount
local globbing = ARGV[i] == "1"; i = i + 1
local entryCount = tonumber(ARGV[i]); i = i + 1
local step = globbing and 2 or 1
local entries = {}
for e = 1, entryCount * step do entries[e] = ARGV[i + e - 1] end
i = i + entryCount * step
local honourPause = ARGV[i] == "1"

local result = { "ok" }

if recovering and slotCount > 0 then
  local free = {}
  for _, id in ipairs(slots) do
    local current = redis.call("GET", prefix .. "worker:" .. id)
    local queue, raw
    if current then queue, raw = payloadOf(current) end
    if queue then
      result[#result + 1] = id
      result[#result + 1] = queue
      result[#result + 1] = raw
      result[#result + 1] = string.match(current, '"reservation":"([^"]*)"') or ""
    else
      free[#free + 1] = id
    end
  end
  slots = free
  slotCount = #free
end

-- Deletes the finished slots' worker keys, except those `refilled` (key -> true) by this call.
local function clearFinished(refilled)
  if #finishedKeys == 0 then return end
  local stale = {}
  for _, key in ipairs(finishedKeys) do
    if not refilled[key] then stale[#stale + 1] = key end
  end
  callChunked("DEL", nil, stale)
end

if slotCount == 0 then
  clearFinished({})
  return result
end

if honourPause then
  local pause = redis.call("GET", KEYS[5])
  if pause and string.lower(string.match(pause, "^%s*(.-)%s*$")) == "true" then
    result[1] = "paused"
    clearFinished({})
    return result
  end
end

-- Resolve the queue list. Ruby Resque matches each pattern against the known queues,
-- sorts each pattern's matches, concatenates them, drops duplicates and "!" exclusions.
local queueList = entries
if globbing then
  local known = redis.call("SMEMBERS", KEYS[1])
  table.sort(known)
  local excluded, seen = {}, {}
  queueList = {}
  for e = 1, #entries, 2 do
    if entries[e] == "-" then
      for _, q in ipairs(known) do
        if string.find(q, entries[e + 1]) then excluded[q] = true end
      end
    end
  end
  for e = 1, #entries, 2 do
    if entries[e] == "+" then
      for _, q in ipairs(known) do
        if not seen[q] and not excluded[q] and string.find(q, entries[e + 1]) then
          seen[q] = true
          queueList[#queueList + 1] = q
        end
      end
    end
  end
end

-- A payload that is not a JSON object with a string "class" is still reserved (so it is never
-- lost), but the worker value embeds a readable stand-in and keeps the raw bytes beside it.
local function workerValue(queue, raw)
  local ok, decoded = pcall(cjson.decode, raw)
  local head = '{"queue":' .. cjson.encode(queue) .. ',"run_at":"' .. runAt .. '","reservation":"' .. token .. '","payload":'
  if ok and type(decoded) == "table" and type(decoded["class"]) == "string" then
    return head .. raw .. "}"
  end
  return head .. '{"class":"(invalid payload)","args":[]},"raw_payload":' .. cjson.encode(raw) .. "}"
end

local filled = 0
local workerValues, refilled = {}, {}
for _, queue in ipairs(queueList) do
  if filled >= slotCount then break end
  local items = redis.call("LPOP", prefix .. "queue:" .. queue, slotCount - filled)
  if items then
    for _, raw in ipairs(items) do
      filled = filled + 1
      local id = slots[filled]
      local workerKey = prefix .. "worker:" .. id
      refilled[workerKey] = true
      workerValues[#workerValues + 1] = workerKey
      workerValues[#workerValues + 1] = workerValue(queue, raw)
      result[#result + 1] = id
      result[#result + 1] = queue
      result[#result + 1] = raw
      result[#result + 1] = token
    end
  end
end
callChunked("MSET", nil, workerValues)
clearFinished(refilled)
return result
