--[[
  retry-schedule: schedule the retry of a failed job, unless a retry of the same job identity is
  already pending (resque-retry's try_again plus the suppression copy, in one step). Used where a
  failure is not recorded by a work cycle (a pool master settling a child's job); a worker's own
  failures schedule their retry as part of the outcome work-cycle.lua records.

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

  Returns { 1, ts } when scheduled (ts 0 for "now"), { 0, ts of the pending retry } otherwise
  (see retry-schedule-core.lua).
]]
--!include delayed-lists.lua
--!include retry-schedule-core.lua

local scheduled, at = scheduleRetry({
  counterKey = KEYS[1], pendingKey = KEYS[2], copyKey = KEYS[3],
  scheduleKey = KEYS[4], delayedKey = KEYS[5], timestampsKey = KEYS[6],
  queuesKey = KEYS[7], queueKey = KEYS[8],
  prefix = ARGV[1], mode = ARGV[2], ts = ARGV[3], item = ARGV[4], payload = ARGV[5], queue = ARGV[6],
  copy = ARGV[7], copyTtl = ARGV[8], pendingTtl = ARGV[9],
  schedulerChannel = ARGV[10], workerChannel = ARGV[11], attempt = ARGV[12], limit = ARGV[13],
})
return { scheduled, at }
