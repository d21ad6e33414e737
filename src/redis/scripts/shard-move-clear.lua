--[[
  shard-move-clear: on the source shard of a queue move, drop a batch once the destination holds
  it; only the batch of this token (another move may have staged the next one since).

  KEYS[1] staging list   KEYS[2] staging token
  ARGV[1] the batch's token
  Returns 1 when cleared, 0 when the staged batch is another one (or none).
]]
if redis.call("GET", KEYS[2]) ~= ARGV[1] then return 0 end
redis.call("DEL", KEYS[1], KEYS[2])
return 1
