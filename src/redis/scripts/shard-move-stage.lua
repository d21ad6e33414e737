--[[
  shard-move-stage: on the source shard of a queue move, take the next batch of waiting jobs off
  the queue into a staging list of that shard, under a batch token. A batch staged before (by a
  move that stopped half-way, or by another move running now) is handed back instead, so it is
  finished before anything else is taken: a job is always either on the queue, in the staging
  list, or (once the batch is cleared) on the destination shard.

  KEYS[1] queue:<name>   KEYS[2] staging list   KEYS[3] staging token
  ARGV[1] batch size   ARGV[2] token for a new batch
  Returns { token, payload... }, or {} when the queue is empty and nothing is staged.
]]
--!include call-chunked.lua

if redis.call("EXISTS", KEYS[2]) == 1 then
  local staged = redis.call("LRANGE", KEYS[2], 0, -1)
  local token = redis.call("GET", KEYS[3]) or ARGV[2]
  redis.call("SET", KEYS[3], token)
  table.insert(staged, 1, token)
  return staged
end
local taken = redis.call("LPOP", KEYS[1], tonumber(ARGV[1]))
if not taken then return {} end
callChunked("RPUSH", KEYS[2], taken)
redis.call("SET", KEYS[3], ARGV[2])
table.insert(taken, 1, ARGV[2])
return taken
