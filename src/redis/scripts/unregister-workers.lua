--[[
  unregister-workers: remove workers and everything that belongs to them, as Ruby's
  Worker#unregister_worker does. A job still recorded in worker:<id> is first handed back:
  "requeue" pushes it to the front of its queue, "keep" leaves the caller to deal with it
  (the caller read it already and records a failure).

  KEYS[1] workers set         KEYS[2] workers:heartbeat hash
  ARGV[1] key prefix          ARGV[2] in-flight policy: "requeue" | "keep"
  ARGV[3..] worker ids
  Returns the number of in-flight jobs requeued.
]]
--!include payload-of.lua

local prefix, policy = ARGV[1], ARGV[2]
local requeued = 0
for i = 3, #ARGV do
  local id = ARGV[i]
  local workerKey = prefix .. "worker:" .. id
  if policy == "requeue" then
    local current = redis.call("GET", workerKey)
    local queue, raw
    if current then queue, raw = payloadOf(current) end
    if queue then
      redis.call("SADD", prefix .. "queues", queue)
      redis.call("LPUSH", prefix .. "queue:" .. queue, raw)
      requeued = requeued + 1
    end
  end
  redis.call("SREM", KEYS[1], id)
  redis.call("DEL", workerKey, workerKey .. ":started", prefix .. "stat:processed:" .. id,
    prefix .. "stat:failed:" .. id)
  redis.call("HDEL", KEYS[2], id)
end
return requeued
