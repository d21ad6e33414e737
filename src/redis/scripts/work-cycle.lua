--[[
  work-cycle: record the outcomes of the jobs a worker process finished and reserve new jobs for
  its idle slots, in one atomic step (reliable fetch: a popped job is always recorded in
  worker:<id>).

  KEYS[1] queues set          KEYS[2] stat:processed     KEYS[3] stat:failed
  KEYS[4] failed list         KEYS[5] pause-all-workers
  KEYS[6] workers set         KEYS[7] dirty-exit counts hash
  KEYS[8] failed_queues set (redis_multi_queue failure backend)
  ARGV[1] key prefix
  ARGV[2] run_at for newly reserved jobs (ISO-8601, ...Z)
  ARGV[3] reservation token of this call (unique per call; stored in each worker value it writes)
  ARGV[4] "1" when recovering: an earlier call failed, so it may or may not have run. A call
          whose token is already in the worker key of one of its idle slots is a replay (the
          client re-sent it after a reconnect; its first run reserved that job) and recovers too.
  ARGV[5] failure backend: "redis" (the failed list) or "redis_multi_queue" (<queue>_failed lists)
  ARGV[6] S = number of finished slots whose job succeeded with nothing to write, followed by S
          packed values "<reservation token>\t<worker id>" (the token has no tab)
  then    F = number of the other finished slots, followed by F tuples:
          worker id, outcome, queue, data, reservation token,
          W = number of write values that follow, then those W values
          done:    the job ran (successfully or skipped); counts as processed
          failed:  data = failure entry JSON, or "" when a plugin (retry) suppresses the entry;
                   counts as processed and failed either way
          writes (W = 0 for none; done and failed only): the name of a retry identity to
                   forget ("" for none), then 1 and the 10 fields of a retry to schedule in
                   RETRY_FIELDS order (worker-store.ts), or 0. The retry plugin's writes for this
                   run, applied under the same fence as the outcome, so a job whose reservation
                   was taken away schedules no retry and clears no attempt counter. Only what
                   differs between jobs travels: the keys are built here from the namespace.
          requeue: data = raw payload, pushed back to the front of its queue; no stats
          release: the worker key is cleared without stats (the job was handed elsewhere)
  then N = number of idle slots to fill, followed by N worker ids
  then G = 1 when queue entries are patterns to match against the queues set, else 0
  then M = number of queue entries, followed by M entries:
          G = 0: queue names in priority order
          G = 1: pairs of (kind "+" include / "-" exclude, Lua pattern)
  then P = 1 to honour pause-all-workers
  then A = number of job classes whose retry attempts are counted here, followed by A triples:
          payload class name, identity class name (whitespace removed), seconds the counter
          lives ("" to keep it until cleared). For a reserved job of such a class whose args Lua
          can join exactly as Ruby does (strings and integers), the attempt is counted as the
          retry plugin's beforePerform would count it (retry-begin-attempts.lua), in this call:
          the worker then needs no call of its own before the job runs. Other jobs are counted by
          the worker, which also checks each count against its own identity and undoes a count
          made under another name.

  Fencing: an outcome is applied only while worker:<id> still holds the job reserved with the
  given token. Pruning may have taken the job away from a slow worker (and requeued it); that
  worker's late outcome then records nothing and is reported back as fenced. A slot is given a job
  only while its id is registered in the workers set, so no reservation is ever left without an
  owner that pruning can see; unregistered idle slots are reported back instead.

  When recovering, an idle slot whose worker key holds a job gets that job back instead of a new
  one (the lost call reserved it).

  A finished slot's worker key is deleted, unless the same call reserves a new job for that slot:
  then the new value overwrites it (one command instead of DEL + SET).

  The stats history and job durations are not written here: worker processes count recorded
  outcomes in memory and flush them every few seconds (flush-history.lua).

  Returns { status, fenced (positions among the finished slots, packed ones first, from 1), unregistered ids,
  retries (per slot with a retry write: position, scheduled 1/0, ts of the new or pending retry),
  counted (per reserved job whose attempt this call counted: its position among the reserved jobs
  from 1, then "<attempt>\t<1 if the count created the counter, else 0>\t<identity name>"; when
  recovering, the counter as the lost call left it), then per reserved job: id, queue, payload,
  reservation, encoding }; status is "ok" or "paused". encoding is "" for a payload sent as is,
  "base64" for one whose bytes are not UTF-8 (sent base64-encoded so no client decoding can alter
  them).
]]
--!include call-chunked.lua
--!include raw-bytes.lua
--!include payload-of.lua
--!include delayed-lists.lua
--!include retry-schedule-core.lua
--!include retry-begin-core.lua

local prefix, runAt, token = ARGV[1], ARGV[2], ARGV[3]
local recovering = ARGV[4] == "1"
local multiQueueFailures = ARGV[5] == "redis_multi_queue"
local i = 6

-- Outcomes ------------------------------------------------------------------------------------
-- Finished slots are numbered packed successes first, then tuples. Per slot: its id, reservation
-- token, and the ARGV position of its tuple (nil for a packed success: outcome "done", no writes).
local finishedKeys, fenced = {}, {}
local workerKeys, ids, tokens, tuples = {}, {}, {}, {}
local finished = 0
local packed = tonumber(ARGV[i]); i = i + 1
for _ = 1, packed do
  local value = ARGV[i]; i = i + 1
  local tab = string.find(value, "\t", 1, true)
  finished = finished + 1
  tokens[finished] = string.sub(value, 1, tab - 1)
  ids[finished] = string.sub(value, tab + 1)
end
local tupleCount = tonumber(ARGV[i]); i = i + 1
for _ = 1, tupleCount do
  finished = finished + 1
  ids[finished] = ARGV[i]
  tokens[finished] = ARGV[i + 4]
  tuples[finished] = i
  i = i + 6 + tonumber(ARGV[i + 5])
end
for f = 1, finished do workerKeys[f] = prefix .. "worker:" .. ids[f] end
local current = finished > 0 and redis.call("MGET", unpack(workerKeys)) or {}

-- An identity's keys from its name "<class>[:<id>]" (keys.ts: retryCounter, retryPending,
-- retryFailureCopy): resque-retry's counter and failure copy, and our pending record.
local function retryKeys(name)
  return prefix .. "resque-retry:" .. name, prefix .. "resque-ts:retry-pending:" .. name, prefix .. "failure-resque-retry:" .. name
end

local retries = {}           -- position, scheduled, ts per retry scheduled with an outcome

-- What every retry of this call shares; applyWrites fills in the rest per retry (one table for
-- all of them: scheduleRetry only reads it). `seen` keeps the schedule's earliest time.
local retry = {
  scheduleKey = prefix .. "delayed_queue_schedule", queuesKey = KEYS[1], prefix = prefix,
  schedulerChannel = prefix .. "scheduler:wakeup", workerChannel = prefix .. "wakeup", seen = {},
}

-- Applies a finished slot's writes starting at ARGV[w]: the identity to forget, the retry flag,
-- then the retry's fields (identity name, mode, ts, body, queue, copy, copyTtl, pendingTtl,
-- attempt, limit; body is the delayed item in mode "at", the payload in mode "now").
local function applyWrites(f, w)
  if ARGV[w] ~= "" then redis.call("DEL", retryKeys(ARGV[w])) end
  if ARGV[w + 1] ~= "1" then return end
  local r = retry
  r.counterKey, r.pendingKey, r.copyKey = retryKeys(ARGV[w + 2])
  local mode, ts, body, queue = ARGV[w + 3], ARGV[w + 4], ARGV[w + 5], ARGV[w + 6]
  r.mode, r.ts, r.item, r.payload, r.queue = mode, ts, body, body, queue
  if mode == "at" then
    r.delayedKey, r.timestampsKey = prefix .. "delayed:" .. ts, prefix .. "timestamps:" .. body
  else
    r.queueKey = prefix .. "queue:" .. queue
  end
  r.copy, r.copyTtl, r.pendingTtl, r.attempt, r.limit = ARGV[w + 7], ARGV[w + 8], ARGV[w + 9], ARGV[w + 10], ARGV[w + 11]
  local scheduled, at = scheduleRetry(r)
  retries[#retries + 1] = f
  retries[#retries + 1] = scheduled
  retries[#retries + 1] = at
end

local processed, failedTotal = 0, 0
local failures = {}          -- { queue, entry } of failures to store
local settledPayloads = {}   -- values of recorded jobs (their dirty-exit counts are cleared)

for f = 1, finished do
  local t = tuples[f]
  local id, reservedWith = ids[f], tokens[f]
  local outcome, queue, data, writeCount = "done", "", "", 0
  if t then outcome, queue, data, writeCount = ARGV[t + 1], ARGV[t + 2], ARGV[t + 3], tonumber(ARGV[t + 5]) end
  local value = current[f]
  if value and string.find(value, '"reservation":"' .. reservedWith .. '"', 1, true) then
    if outcome == "done" or outcome == "failed" then
      processed = processed + 1
      redis.call("INCR", prefix .. "stat:processed:" .. id)
      if outcome == "failed" then
        failedTotal = failedTotal + 1
        if data ~= "" then failures[#failures + 1] = { queue, data } end
        redis.call("INCR", prefix .. "stat:failed:" .. id)
      end
      settledPayloads[#settledPayloads + 1] = value
      if writeCount > 0 then applyWrites(f, t + 6) end
    elseif outcome == "requeue" then
      redis.call("SADD", KEYS[1], queue)
      redis.call("LPUSH", prefix .. "queue:" .. queue, data)
    end
    finishedKeys[#finishedKeys + 1] = workerKeys[f]
  else
    fenced[#fenced + 1] = f
  end
end

if processed > 0 then redis.call("INCRBY", KEYS[2], processed) end
if failedTotal > 0 then redis.call("INCRBY", KEYS[3], failedTotal) end
if multiQueueFailures then
  -- Ruby's Resque::Failure::RedisMultiQueue: one list per queue, named in failed_queues.
  for _, failure in ipairs(failures) do
    local name = failure[1] .. "_failed"
    redis.call("SADD", KEYS[8], name)
    redis.call("RPUSH", prefix .. name, failure[2])
  end
else
  local entries = {}
  for n, failure in ipairs(failures) do entries[n] = failure[2] end
  callChunked("RPUSH", KEYS[4], entries)
end

-- A job that ends with a recorded outcome no longer carries the dirty exits of earlier runs.
if #settledPayloads > 0 and redis.call("EXISTS", KEYS[7]) == 1 then
  local digests = {}
  for n, value in ipairs(settledPayloads) do
    local _, raw = payloadOf(value)
    digests[n] = redis.sha1hex(raw or value)
  end
  callChunked("HDEL", KEYS[7], digests)
end

-- Reservations ---------------------------------------------------------------------------------
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
local honourPause = ARGV[i] == "1"; i = i + 1
local countable = {}
local countableCount = tonumber(ARGV[i]); i = i + 1
for _ = 1, countableCount do
  countable[ARGV[i]] = { ARGV[i + 1], ARGV[i + 2] }
  i = i + 3
end

-- The decoded payload when it is a JSON object with a string "class", else nil.
local function decodeJob(raw)
  local ok, decoded = pcall(cjson.decode, raw)
  if ok and type(decoded) == "table" and type(decoded["class"]) == "string" then return decoded end
  return nil
end

-- The retry identity name ("<class>[:<sha1>]") and counter lifetime of a job whose attempts are
-- counted here, or nil. resque-retry's default identifier is the SHA1 of Ruby's args.join('-');
-- Lua joins only what it can join exactly: strings, and numbers without a fraction below 2^53
-- (a JSON 1.0 is a Float in Ruby, joined as "1.0": the worker finds that its own name differs).
local function countedIdentity(decoded, raw)
  local spec = countable[decoded["class"]]
  if not spec then return nil end
  local args = decoded["args"]
  if type(args) ~= "table" or not string.find(raw, '"args"%s*:%s*%[') then return nil end
  local n = #args
  for key in pairs(args) do
    if type(key) ~= "number" or key > n then return nil end
  end
  local parts = {}
  for a = 1, n do
    local value = args[a]
    if type(value) == "string" then
      parts[a] = value
    elseif type(value) == "number" and value == math.floor(value) and math.abs(value) < 9007199254740992 then
      parts[a] = string.format("%.0f", value)
    else
      return nil
    end
  end
  local joined = table.concat(parts, "-")
  if joined == "" then return spec[1], spec[2] end
  return spec[1] .. ":" .. redis.sha1hex(joined), spec[2]
end

-- Counts a run of the job (beginAttempt, as retry-begin-attempts.lua); "" when its attempts are
-- not counted here.
local function countAttempt(decoded, raw)
  if not decoded then return "" end
  local name, lifetime = countedIdentity(decoded, raw)
  if not name then return "" end
  local counterKey, pendingKey = retryKeys(name)
  local attempt, created = beginAttempt(counterKey, pendingKey, lifetime)
  return attempt .. "\t" .. (created and "1" or "0") .. "\t" .. name
end

-- A recovered job was counted by the lost call that reserved it: its attempt is the counter now.
local function countedBefore(decoded, raw)
  if not decoded then return "" end
  local name = countedIdentity(decoded, raw)
  if not name then return "" end
  local counter = redis.call("GET", (retryKeys(name)))
  if not counter then return "" end
  return counter .. "\t0\t" .. name
end

local unregistered = {}
if slotCount > 0 then
  local registered = redis.call("SMISMEMBER", KEYS[6], unpack(slots))
  local owned = {}
  for s, id in ipairs(slots) do
    if registered[s] == 1 then owned[#owned + 1] = id else unregistered[#unregistered + 1] = id end
  end
  slots = owned
  slotCount = #owned
end

local counted = {}           -- position among the reserved jobs, count text, per job counted here
local result = { "ok", fenced, unregistered, retries, counted }
local reservedCount = 0

-- Notes the attempt counted (or found counted) for the job just added to the result.
local function noteCounted(text)
  reservedCount = reservedCount + 1
  if text ~= "" then
    counted[#counted + 1] = reservedCount
    counted[#counted + 1] = text
  end
end

-- A replay: the first run of this very call reserved jobs, so their worker keys hold this call's
-- token. The keys of finished slots were read above; only other idle slots' keys are read here
-- (none at concurrency 1 under load, where the one idle slot is the one that finished).
if not recovering and slotCount > 0 then
  local mine = '"reservation":"' .. token .. '"'
  local read, unread = {}, {}
  for f = 1, finished do read[workerKeys[f]] = current[f] or false end
  for _, id in ipairs(slots) do
    local key = prefix .. "worker:" .. id
    local value = read[key]
    if value == nil then
      unread[#unread + 1] = key
    elseif value and string.find(value, mine, 1, true) then
      recovering = true
    end
  end
  if not recovering and #unread > 0 then
    for _, value in ipairs(redis.call("MGET", unpack(unread))) do
      if value and string.find(value, mine, 1, true) then recovering = true end
    end
  end
end

if recovering then
  -- The idle-slot check below reads worker keys, so finished ones must be gone first.
  callChunked("DEL", nil, finishedKeys)
  finishedKeys = {}
  if slotCount > 0 then
    local free = {}
    for _, id in ipairs(slots) do
      local value = redis.call("GET", prefix .. "worker:" .. id)
      local queue, raw
      if value then queue, raw = payloadOf(value) end
      if queue then
        local text = isUtf8(raw)
        result[#result + 1] = id
        result[#result + 1] = queue
        result[#result + 1] = text and raw or base64Encode(raw)
        result[#result + 1] = string.match(value, '"reservation":"([^"]*)"') or ""
        result[#result + 1] = text and "" or "base64"
        noteCounted(text and countedBefore(decodeJob(raw), raw) or "")
      else
        free[#free + 1] = id
      end
    end
    slots = free
    slotCount = #free
  end
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
-- lost), but the worker value embeds a readable stand-in and keeps the raw bytes beside it
-- (base64-encoded when they are not UTF-8, so the value stays valid JSON text).
local function workerValue(queue, raw, text, decoded)
  local head = '{"queue":' .. cjson.encode(queue) .. ',"run_at":"' .. runAt .. '","reservation":"' .. token .. '","payload":'
  local standIn = head .. '{"class":"(invalid payload)","args":[]}'
  if not text then return standIn .. ',"raw_payload_base64":"' .. base64Encode(raw) .. '"}' end
  if decoded then return head .. raw .. "}" end
  return standIn .. ',"raw_payload":' .. cjson.encode(raw) .. "}"
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
      local text = isUtf8(raw)
      local decoded = text and decodeJob(raw) or nil
      refilled[workerKey] = true
      workerValues[#workerValues + 1] = workerKey
      workerValues[#workerValues + 1] = workerValue(queue, raw, text, decoded)
      result[#result + 1] = id
      result[#result + 1] = queue
      result[#result + 1] = text and raw or base64Encode(raw)
      result[#result + 1] = token
      result[#result + 1] = text and "" or "base64"
      noteCounted(countAttempt(decoded, raw))
    end
  end
end
callChunked("MSET", nil, workerValues)
clearFinished(refilled)
return result
