--[[
  failed-requeue: put a failed job back on its queue (Resque::Failure.requeue / requeue_and_remove).

  KEYS[1] failed list    KEYS[2] queues set    KEYS[3] queue:<name>
  ARGV[1] index          ARGV[2] the entry as the caller read it (guards against a shifted list)
  ARGV[3] "update" (replace the entry with ARGV[4], which carries retried_at) | "remove"
  ARGV[5] queue name     ARGV[6] payload        ARGV[7] wake-up channel
  Returns 1, or 0 when the entry at index is no longer the one read.
]]
local index = tonumber(ARGV[1])
if redis.call("LINDEX", KEYS[1], index) ~= ARGV[2] then return 0 end
if ARGV[3] == "update" then
  redis.call("LSET", KEYS[1], index, ARGV[4])
else
  redis.call("LSET", KEYS[1], index, "")
  redis.call("LREM", KEYS[1], 1, "")
end
redis.call("SADD", KEYS[2], ARGV[5])
redis.call("RPUSH", KEYS[3], ARGV[6])
redis.call("PUBLISH", ARGV[7], ARGV[5])
return 1
