--[[
  remove-queue: Resque.remove_queue. Forgets a queue and drops its jobs. UNLINK frees a long list
  in the background instead of blocking Redis.

  KEYS[1] queues set   KEYS[2] queue:<name>
  ARGV[1] queue name
  Returns the number of jobs dropped.
]]
local size = redis.call("LLEN", KEYS[2])
redis.call("SREM", KEYS[1], ARGV[1])
redis.call("UNLINK", KEYS[2])
return size
