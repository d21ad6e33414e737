--[[
  fire-schedule: enqueue one due slot of a recurring schedule, at most once, even when two
  schedulers both believe they lead.

  KEYS[1] scheduler:fired:<name>:<slot>   KEYS[2] scheduler:last_run   KEYS[3] scheduler:next_run
  KEYS[4] delayed:last_enqueued_at        KEYS[5] queues set          KEYS[6] queue:<queue>
  KEYS[7] resque-ts:schedules:disabled
  ARGV[1] schedule name   ARGV[2] slot (unix seconds)   ARGV[3] next slot, or "" when none
  ARGV[4] seconds the fired marker lives   ARGV[5] queue   ARGV[6] payload {"class","args"}
  ARGV[7] fire time as Ruby's Time#to_s   ARGV[8] worker wake-up channel

  A slot fires only if no slot at or after it has fired (last_run) and its marker is new, and
  not while an operator has disabled the schedule (its slots are skipped, not saved up).
  Returns 1 when it fired, 0 when it had fired already, 2 when the schedule is disabled.
]]
local name, slot = ARGV[1], tonumber(ARGV[2])
if redis.call("HEXISTS", KEYS[7], name) == 1 then
  if ARGV[3] ~= "" then redis.call("HSET", KEYS[3], name, ARGV[3]) end
  return 2
end
local last = redis.call("HGET", KEYS[2], name)
if last and tonumber(last) and tonumber(last) >= slot then return 0 end
if not redis.call("SET", KEYS[1], "1", "NX", "EX", ARGV[4]) then return 0 end
redis.call("RPUSH", KEYS[6], ARGV[6])
redis.call("SADD", KEYS[5], ARGV[5])
redis.call("HSET", KEYS[4], name, ARGV[7])
redis.call("HSET", KEYS[2], name, ARGV[2])
if ARGV[3] ~= "" then redis.call("HSET", KEYS[3], name, ARGV[3]) end
redis.call("PUBLISH", ARGV[8], ARGV[5])
return 1
