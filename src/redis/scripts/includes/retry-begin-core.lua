-- beginAttempt(counterKey, pendingKey, lifetime): count one run of a job identity, as
-- resque-retry's before_perform_retry does: SETNX the counter to -1, then INCR it, so the first
-- run sees attempt 0. A counter created here means the identity starts afresh (it succeeded, gave
-- up, expired or was cancelled), so a pending record left from before describes nothing any more
-- and is dropped. lifetime: seconds the counter lives from now, or "" to keep it until cleared.
-- Shared by retry-begin-attempts.lua and work-cycle.lua (which counts as it reserves).
-- Returns the attempt number and whether the counter was created.
local function beginAttempt(counterKey, pendingKey, lifetime)
  local created = redis.call("SETNX", counterKey, -1) == 1
  if created then redis.call("DEL", pendingKey) end
  local attempt = redis.call("INCR", counterKey)
  if lifetime ~= "" then redis.call("EXPIRE", counterKey, lifetime) end
  return attempt, created
end
