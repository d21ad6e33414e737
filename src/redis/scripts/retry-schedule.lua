--[[
  retry-schedule: schedule the retry of a failed job, unless a retry of the same job identity is
  already pending (resque-retry's try_again plus the suppression copy, in one step).

  KEYS[1] resque-retry:<class>[:<id>]             attempt counter
  KEYS[2] resque-ts:retry-pending:<class>[:<id>]  the retry last scheduled for this identity
  KEYS[3] failure-resque-retry:<class>[:<id>]     copy of the last failure (resque-retry's format)
  KEYS[4] delayed_queue_schedule
  KEYS[5] delayed:<ts>                 (mode "at")
  KEYS[6] timestamps:<delayed item>    (mode "at")
  KEYS[7] queues set                   (mode "now")
  KEYS[8] queue:<queue>                (mode "now")
  ARGV[1] key prefix
  ARGV[2] mode: "at" puts the delayed item at ts; "now" pushes the payload onto the queue
  ARGV[3] ts, unix seconds (mode "at")
  ARGV[4] delayed item {"class","args","queue"} (mode "at")
  ARGV[5] queue payload, the failed job's exact bytes (mode "now")
  ARGV[6] queue
  ARGV[7] failure copy JSON, or "" to write none
  ARGV[8] seconds the failure copy lives
  ARGV[9] seconds the pending record lives
  ARGV[10] scheduler wake-up channel   ARGV[11] worker wake-up channel
  ARGV[12] the attempt that failed     ARGV[13] the retry limit, or "" when unlimited

  A retry is pending when the pending record was written while the counter held its current value
  (no run of the identity has begun since: this failure comes from a copy that ran alongside), or
  when the scheduled item is still in the delayed schedule. Then nothing new is scheduled and only
  the failure copy is refreshed, so two workers failing copies of one job schedule one retry.
  Returns { 1, ts } when scheduled (ts 0 for "now"), { 0, ts of the pending retry } otherwise.
]]
--!include delayed-lists.lua

local prefix, mode, ts = ARGV[1], ARGV[2], ARGV[3]
local item, payload, queue = ARGV[4], ARGV[5], ARGV[6]
local copy, copyTtl, pendingTtl = ARGV[7], ARGV[8], ARGV[9]

local counter = redis.call("GET", KEYS[1])
local recorded = redis.call("GET", KEYS[2])
if recorded then
  local ok, pending = pcall(cjson.decode, recorded)
  if ok and type(pending) == "table" then
    local unchanged = counter and pending["counter"] == counter
    local delayed = type(pending["at"]) == "number" and type(pending["item"]) == "string" and
      redis.call("SISMEMBER", prefix .. "timestamps:" .. pending["item"], "delayed:" .. pending["at"]) == 1
    if unchanged or delayed then
      if copy ~= "" then redis.call("SET", KEYS[3], copy, "EX", copyTtl) end
      return { 0, pending["at"] or 0 }
    end
  end
end

-- Like resque-retry: the counter exists while a retry is on its way (it may have been cleared
-- by a copy that succeeded meanwhile).
if not counter then
  redis.call("SET", KEYS[1], -1)
  counter = "-1"
end

local record = { counter = counter, queue = queue, attempt = tonumber(ARGV[12]) }
if ARGV[13] ~= "" then record["limit"] = tonumber(ARGV[13]) end
if mode == "at" then
  redis.call("RPUSH", KEYS[5], item)
  redis.call("SADD", KEYS[6], "delayed:" .. ts)
  addTime(KEYS[4], ts, ARGV[10])
  record["at"] = tonumber(ts)
  record["item"] = item
else
  redis.call("SADD", KEYS[7], queue)
  redis.call("RPUSH", KEYS[8], payload)
  redis.call("PUBLISH", ARGV[11], queue)
end
redis.call("SET", KEYS[2], cjson.encode(record), "EX", pendingTtl)
if copy ~= "" then redis.call("SET", KEYS[3], copy, "EX", copyTtl) end
if mode == "at" then return { 1, tonumber(ts) } end
return { 1, 0 }
