--[[
  fire-schedules: enqueue due slots of recurring schedules, each at most once, even when two
  schedulers both believe they lead. One call fires many slots (a pass with thousands of due
  schedules makes a few calls, not one per schedule).

  KEYS[1] scheduler:last_run   KEYS[2] scheduler:next_run   KEYS[3] delayed:last_enqueued_at
  KEYS[4] queues set           KEYS[5] resque-ts:schedules:disabled
  then per slot i (from 0): KEYS[6 + 2i] scheduler:fired:<name>:<slot>   KEYS[7 + 2i] queue:<queue>
  ARGV[1] seconds a fired marker lives   ARGV[2] fire time as Ruby's Time#to_s
  ARGV[3] worker wake-up channel
  then per slot i: ARGV[4 + 5i] schedule name   ARGV[5 + 5i] slot (unix seconds)
  ARGV[6 + 5i] next slot, or "" when none   ARGV[7 + 5i] queue   ARGV[8 + 5i] payload {"class","args"}

  A slot fires only if no slot at or after it has fired (last_run) and its marker is new, and
  not while an operator has disabled the schedule (its slots are skipped, not saved up). Slots of
  one schedule come in order. Each queue that got a job is published once.
  Returns one outcome per slot: 1 fired, 0 had fired already, 2 the schedule is disabled.
]]
local ttl, firedAt, channel = ARGV[1], ARGV[2], ARGV[3]
local outcomes, published = {}, {}
local count = (#KEYS - 5) / 2
for i = 0, count - 1 do
  local a = 4 + 5 * i
  local name, slotText, nextSlot, queue, payload = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
  local slot = tonumber(slotText)
  local outcome = 0
  if redis.call("HEXISTS", KEYS[5], name) == 1 then
    if nextSlot ~= "" then redis.call("HSET", KEYS[2], name, nextSlot) end
    outcome = 2
  else
    local last = redis.call("HGET", KEYS[1], name)
    if not (last and tonumber(last) and tonumber(last) >= slot) and redis.call("SET", KEYS[6 + 2 * i], "1", "NX", "EX", ttl) then
      redis.call("RPUSH", KEYS[7 + 2 * i], payload)
      redis.call("SADD", KEYS[4], queue)
      redis.call("HSET", KEYS[3], name, firedAt)
      redis.call("HSET", KEYS[1], name, slotText)
      if nextSlot ~= "" then redis.call("HSET", KEYS[2], name, nextSlot) end
      if not published[queue] then
        published[queue] = true
        published[#published + 1] = queue
      end
      outcome = 1
    end
  end
  outcomes[#outcomes + 1] = outcome
end
for _, queue in ipairs(published) do redis.call("PUBLISH", channel, queue) end
return outcomes
