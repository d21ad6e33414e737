--[[
  release-workers: unregister workers (as Ruby's Worker#unregister_worker) after settling the job
  each may still have recorded in worker:<id>.

  KEYS[1] workers set            KEYS[2] workers:heartbeat    KEYS[3] failed list
  KEYS[4] stat:failed            KEYS[5] stat:processed       KEYS[6] our worker registry hash
  KEYS[7] dirty-exit counts hash KEYS[8] failed_queues set (redis_multi_queue failure backend)
  KEYS[9] pruned-workers list (newest first, capped): what pruning found, for monitors
  ARGV[1] key prefix             ARGV[2] failed_at for entries written here
  ARGV[3] dirty-exit limit: a job interrupted by a dead worker this many times is failed, not requeued
  ARGV[4] seconds a job's dirty-exit count is remembered after its last dirty exit
  ARGV[5] failure backend: "redis" or "redis_multi_queue"
  then quadruples: worker id, action, reservation token (or ""), data
    "requeue":      a dead worker: its job goes back to the front of its queue and its dirty-exit
                    count goes up; at the limit it is failed as DirtyExit instead. A node-resque
                    worker's worker:ping:<host:pid> goes too (see below)
    "requeue-clean": a worker stopping on purpose: its job goes back to the front, not counted
    "fail":         data = failure entry (or "" when suppressed) for the job reserved with the
                    token; counted in stat:processed/stat:failed. A different job found there is
                    requeued as "requeue" does.
    "orphan":       data = a worker:<id> value seen earlier for an id that is not registered. If the
                    id is still not registered and the value is unchanged, its job is requeued as
                    "requeue" does and the key deleted; otherwise nothing happens.
  Returns { requeued, failed, then per job requeued or failed as a dirty exit: worker id, queue,
  payload, "requeued" | "failed" } (the caller runs the jobs' onDirtyExit hooks with these).
  Each worker released as "requeue" (found dead) or "orphan" (acted on) is also recorded in KEYS[9]
  as {"worker","at" (ms, Redis' clock),"queue","class","outcome"}, the newest PRUNED_KEPT kept.
]]
--!include raw-bytes.lua
--!include payload-of.lua

local prefix, failedAt = ARGV[1], ARGV[2]
local dirtyLimit, dirtyTtl = tonumber(ARGV[3]), tonumber(ARGV[4])
local multiQueueFailures = ARGV[5] == "redis_multi_queue"
local requeued, failed = 0, 0
local settled = {}
local PRUNED_KEPT = 100

-- A monitor alerts on dead workers from this record (pruning is otherwise only in a worker's log).
local function recordPruned(id, queue, raw, outcome)
  local time = redis.call("TIME")
  local record = { worker = id, at = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000), outcome = outcome }
  if queue then
    record.queue = queue
    local ok, payload = pcall(cjson.decode, raw)
    if ok and type(payload) == "table" and type(payload["class"]) == "string" then record.class = payload["class"] end
  end
  redis.call("LPUSH", KEYS[9], cjson.encode(record))
  redis.call("LTRIM", KEYS[9], 0, PRUNED_KEPT - 1)
end

local function requeue(queue, raw)
  redis.call("SADD", prefix .. "queues", queue)
  redis.call("LPUSH", prefix .. "queue:" .. queue, raw)
  requeued = requeued + 1
end

local function storeFailure(queue, entry)
  if multiQueueFailures then
    local name = queue .. "_failed"
    redis.call("SADD", KEYS[8], name)
    redis.call("RPUSH", prefix .. name, entry)
  else
    redis.call("RPUSH", KEYS[3], entry)
  end
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

-- Dirty exits are counted per payload bytes in one hash; a recorded outcome clears the count
-- (work-cycle.lua), so it follows a job from one dirty exit to the next and no further.
local function requeueDirty(id, current, queue, raw)
  local digest = redis.sha1hex(raw)
  local count = redis.call("HINCRBY", KEYS[7], digest, 1)
  local outcome = "requeued"
  if count >= dirtyLimit then
    redis.call("HDEL", KEYS[7], digest)
    storeFailure(queue, dirtyExitEntry(id, current, queue, raw, count))
    failed = failed + 1
    outcome = "failed"
  else
    redis.call("EXPIRE", KEYS[7], dirtyTtl)
    requeue(queue, raw)
  end
  settled[#settled + 1] = id
  settled[#settled + 1] = queue
  settled[#settled + 1] = raw
  settled[#settled + 1] = outcome
  return outcome
end

for i = 6, #ARGV, 4 do
  local id, action, reservation, data = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local workerKey = prefix .. "worker:" .. id
  local current = redis.call("GET", workerKey)
  local queue, raw
  if current then queue, raw = payloadOf(current) end
  if action == "orphan" then
    if current == data and redis.call("SISMEMBER", KEYS[1], id) == 0 then
      local outcome = "none"
      if queue then outcome = requeueDirty(id, current, queue, raw) end
      redis.call("DEL", workerKey)
      recordPruned(id, queue, raw, outcome)
    end
  else
    if queue then
      if action == "requeue-clean" then
        requeue(queue, raw)
      elseif action == "requeue" then
        recordPruned(id, queue, raw, requeueDirty(id, current, queue, raw))
      elseif action == "fail" then
        if reservation == "" or string.find(current, '"reservation":"' .. reservation .. '"', 1, true) then
          if data ~= "" then storeFailure(queue, data) end
          redis.call("HDEL", KEYS[7], redis.sha1hex(raw))
          redis.call("INCR", KEYS[4])
          redis.call("INCR", KEYS[5])
          failed = failed + 1
        else
          requeueDirty(id, current, queue, raw)
        end
      end
    end
    if action == "requeue" and not queue then recordPruned(id, nil, nil, "none") end
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
end
local reply = { requeued, failed }
for _, value in ipairs(settled) do reply[#reply + 1] = value end
return reply
