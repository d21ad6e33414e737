-- scheduleRetry(r): schedule the retry of a failed job unless a retry of the same identity is
-- already pending (resque-retry's try_again plus the suppression copy). Shared by
-- retry-schedule.lua (a call of its own) and work-cycle.lua (a retry recorded as a job's outcome).
--
-- r: counterKey, pendingKey, copyKey (resque-retry's counter and failure copy, our pending record);
--    scheduleKey, delayedKey, timestampsKey (mode "at"); queuesKey, queueKey (mode "now");
--    prefix, mode ("at" | "now"), ts (string, mode "at"), item (delayed item, mode "at"),
--    payload (queue payload, mode "now"), queue, copy ("" for none), copyTtl, pendingTtl,
--    schedulerChannel, workerChannel, attempt, limit ("" when unlimited); seen (optional: see
--    addTime, for a script that schedules several retries).
--
-- A retry is pending when the pending record was written while the counter held its current value
-- (no run of the identity has begun since: this failure comes from a copy that ran alongside), or
-- when the scheduled item is still in the delayed schedule. Then nothing new is scheduled and only
-- the failure copy is refreshed, so two workers failing copies of one job schedule one retry.
-- Returns scheduled (1 or 0), ts of the new or pending retry (0 for "now").
local function scheduleRetry(r)
  local both = redis.call("MGET", r.counterKey, r.pendingKey)
  local counter, recorded = both[1], both[2]
  if recorded then
    local ok, pending = pcall(cjson.decode, recorded)
    if ok and type(pending) == "table" then
      local unchanged = counter and pending["counter"] == counter
      local delayed = type(pending["at"]) == "number" and type(pending["item"]) == "string" and
        redis.call("SISMEMBER", r.prefix .. "timestamps:" .. pending["item"], "delayed:" .. pending["at"]) == 1
      if unchanged or delayed then
        if r.copy ~= "" then redis.call("SET", r.copyKey, r.copy, "EX", r.copyTtl) end
        return 0, pending["at"] or 0
      end
    end
  end

  -- Like resque-retry: the counter exists while a retry is on its way (it may have been cleared
  -- by a copy that succeeded meanwhile).
  if not counter then
    redis.call("SET", r.counterKey, -1)
    counter = "-1"
  end

  local record = { counter = counter, queue = r.queue, attempt = tonumber(r.attempt) }
  if r.limit ~= "" then record["limit"] = tonumber(r.limit) end
  if r.mode == "at" then
    redis.call("RPUSH", r.delayedKey, r.item)
    redis.call("SADD", r.timestampsKey, "delayed:" .. r.ts)
    addTime(r.scheduleKey, r.ts, r.schedulerChannel, r.seen)
    record["at"] = tonumber(r.ts)
    record["item"] = r.item
  else
    redis.call("SADD", r.queuesKey, r.queue)
    redis.call("RPUSH", r.queueKey, r.payload)
    redis.call("PUBLISH", r.workerChannel, r.queue)
  end
  redis.call("SET", r.pendingKey, cjson.encode(record), "EX", r.pendingTtl)
  if r.copy ~= "" then redis.call("SET", r.copyKey, r.copy, "EX", r.copyTtl) end
  if r.mode == "at" then return 1, tonumber(r.ts) end
  return 1, 0
end
