--[[
  shard-move-push: on the destination shard of a queue move, append a staged batch to the queue,
  once: the batch token is recorded beside it, so pushing the same batch again (after a crash
  between this call and clearing the batch on the source) does nothing.

  KEYS[1] queue:<name>   KEYS[2] queues set   KEYS[3] moved-batch marker (per token)
  ARGV[1] queue name   ARGV[2] seconds the marker lives   ARGV[3] worker wake-up channel
  ARGV[4..] payloads, in queue order
  Returns the number pushed (0 when the batch was pushed before).
]]
--!include call-chunked.lua

if redis.call("EXISTS", KEYS[3]) == 1 then return 0 end
local payloads = {}
for i = 4, #ARGV do payloads[#payloads + 1] = ARGV[i] end
redis.call("SADD", KEYS[2], ARGV[1])
callChunked("RPUSH", KEYS[1], payloads)
redis.call("SET", KEYS[3], "1", "EX", tonumber(ARGV[2]))
redis.call("PUBLISH", ARGV[3], ARGV[1])
return #payloads
