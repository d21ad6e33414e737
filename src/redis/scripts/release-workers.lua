--[[
  release-workers: unregister workers (as Ruby's Worker#unregister_worker) after settling the job
  each may still have recorded in worker:<id>.

  KEYS[1] workers set            KEYS[2] workers:heartbeat    KEYS[3] failed list
  KEYS[4] stat:failed            KEYS[5] stat:processed       KEYS[6] our worker registry hash
  ARGV[1] key prefix             ARGV[2] failed_at for entries written here
  ARGV[3] dirty-exit limit: a job interrupted by a dead worker this many times is failed, not requeued
  ARGV[4] seconds a job's dirty-exit count is remembered
  then quadruples: worker id, action, reservation token (or ""), data
    "requeue":      a dead worker: its job goes back to the front of its queue and its dirty-exit
                    count goes up; at the limit it is failed as DirtyExit instead. A node-resque
                    worker's worker:ping:<host:pid> goes too (see below)
    "requeue-clean": a worker stopping on purpose: its job goes back to the front, not counted
    "fail":         data = failure entry (or "" when suppressed) for the job reserved with the
                    token; counted in stat:processed/stat:failed. A different job found there is
                    requeued as "requeue" does.
    "keep":         the recorded job is left to the caller (it was dealt with already)
  Returns { requeued, failed, then per job a "requeue" settled: worker id, queue, payload,
  "requeued" | "failed" } (the caller runs the jobs' onDirtyExit hooks with these).
]]
--!include payload-of.lua

local prefix, failedAt = ARGV[1], ARGV[2]
local dirtyLimit, dirtyTtl = tonumber(ARGV[3]), tonumber(ARGV[4])
local requeued, failed = 0, 0
local settled = {}

local function requeue(queue, raw)
  redis.call("SADD", prefix .. "queues", queue)
  redis.call("LPUSH", prefix .. "queue:" .. queue, raw)
  requeued = requeued + 1
end

-- The entry Ruby writes for a job whose worker died (Resque::PruneDeadWorkerDirtyExit).
local function dirtyExitEntry(id, current, queue, raw, count)
  local ok, decoded = pcall(cjson.decode, current)
  local payload, extra, className = raw, "", "a job"
  if ok and type(decoded["raw_payload"]) == "string" then
    payload = '{"class":"(invalid payload)","args":[]}'
    extra = ',"raw_payload":' .. cjson.encode(raw)
  elseif ok and type(decoded["payload"]) == "table" and type(decoded["payload"]["class"]) == "string" then
    className = decoded["payload"]["class"]
  end
  local message = "Worker " .. id .. " did not gracefully exit while processing " .. className ..
    " (" .. count .. " times); it is not requeued again"
  return '{"failed_at":' .. cjson.encode(failedAt) .. ',"payload":' .. payload ..
    ',"exception":"DirtyExit","error":' .. cjson.encode(message) .. ',"backtrace":[],"worker":' ..
    cjson.encode(id) .. ',"queue":' .. cjson.encode(queue) .. ',"dirty_exits":' .. count .. extra .. "}"
end

local function requeueDirty(id, current, queue, raw)
  local counter = prefix .. "dirty_exits:" .. redis.sha1hex(raw)
  local count = redis.call("INCR", counter)
  local outcome = "requeued"
  if count >= dirtyLimit then
    redis.call("DEL", counter)
    redis.call("RPUSH", KEYS[3], dirtyExitEntry(id, current, queue, raw, count))
    failed = failed + 1
    outcome = "failed"
  else
    redis.call("EXPIRE", counter, dirtyTtl)
    requeue(queue, raw)
  end
  settled[#settled + 1] = id
  settled[#settled + 1] = queue
  settled[#settled + 1] = raw
  settled[#settled + 1] = outcome
end

for i = 5, #ARGV, 4 do
  local id, action, reservation, data = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local workerKey = prefix .. "worker:" .. id
  local current = redis.call("GET", workerKey)
  local queue, raw
  if current then queue, raw = payloadOf(current) end
  if queue then
    if action == "requeue-clean" then
      requeue(queue, raw)
    elseif action == "requeue" then
      requeueDirty(id, current, queue, raw)
    elseif action == "fail" then
      if reservation == "" or string.find(current, '"reservation":"' .. reservation .. '"', 1, true) then
        if data ~= "" then redis.call("RPUSH", KEYS[3], data) end
        redis.call("INCR", KEYS[4])
        redis.call("INCR", KEYS[5])
        failed = failed + 1
      else
        requeueDirty(id, current, queue, raw)
      end
    end
  end
  if action == "requeue" then
    -- node-resque registers "<name>:<queues>" and keeps worker:ping:<name>. Left behind, a stale
    -- ping makes node-resque's scheduler clean a worker it cannot find: an error event and a
    -- stat:failed count for no job. No other implementation writes this key.
    local name = string.match(id, "^([^:]*:[^:]*)")
    if name then redis.call("DEL", prefix .. "worker:ping:" .. name) end
  end
  redis.call("SREM", KEYS[1], id)
  redis.call("DEL", workerKey, workerKey .. ":started", prefix .. "stat:processed:" .. id,
    prefix .. "stat:failed:" .. id)
  redis.call("HDEL", KEYS[2], id)
  redis.call("HDEL", KEYS[6], id)
end
local reply = { requeued, failed }
for _, value in ipairs(settled) do reply[#reply + 1] = value end
return reply
