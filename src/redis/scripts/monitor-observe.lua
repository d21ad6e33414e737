--[[
  monitor-observe: one evaluation's samples for the checks that need memory across evaluations
  (a queue growing for T minutes, no scheduler leader for T), kept in one hash so that several
  monitors on the same Redis share one memory.

  KEYS[1] the observations hash: "queue:<name>" → "start:startSize:peak:peakAt:at" (a growth run),
          "scheduler" → ms since when no scheduler holds the leader lock
  ARGV[1] now (ms)
  ARGV[2] "1" when a scheduler holds the leader lock, else "0"
  then triples: queue name, its size now, the growth window T (ms)

  A growth run starts at a sample; it goes on while the queue stays above the size it started
  with, and starts again when the queue falls back to that size or has not risen to a new peak
  for T (a plateau is not growth). Fields of queues not sampled (removed queues) are deleted. A
  sample older than the one a field holds (a slower monitor) leaves the field alone.

  Returns { ms since the leader went missing (-1: a leader holds the lock), then per queue in
  order: ms it has been growing (0: not growing), the size its run started from }.
]]
local now = tonumber(ARGV[1])
local sampled = {}
local reply = {}

local current = redis.call("HGET", KEYS[1], "scheduler")
if ARGV[2] == "1" then
  redis.call("HDEL", KEYS[1], "scheduler")
  reply[1] = -1
elseif current then
  reply[1] = math.max(0, now - tonumber(current))
else
  redis.call("HSET", KEYS[1], "scheduler", ARGV[1])
  reply[1] = 0
end

for i = 3, #ARGV, 3 do
  local field = "queue:" .. ARGV[i]
  local size, window = tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  sampled[field] = true
  local run = redis.call("HGET", KEYS[1], field)
  local start, startSize, peak, peakAt, at
  if run then
    start, startSize, peak, peakAt, at = string.match(run, "^(%-?%d+):(%d+):(%d+):(%-?%d+):(%-?%d+)$")
  end
  if start and now < tonumber(at) then
    start, startSize = tonumber(start), tonumber(startSize)
  else
    if not start or size <= tonumber(startSize) or (size <= tonumber(peak) and now - tonumber(peakAt) >= window) then
      start, startSize, peak, peakAt = now, size, size, now
    elseif size > tonumber(peak) then
      start, startSize, peak, peakAt = tonumber(start), tonumber(startSize), size, now
    else
      start, startSize, peak, peakAt = tonumber(start), tonumber(startSize), tonumber(peak), tonumber(peakAt)
    end
    redis.call("HSET", KEYS[1], field, string.format("%d:%d:%d:%d:%d", start, startSize, peak, peakAt, now))
  end
  if size > startSize then reply[#reply + 1] = now - start else reply[#reply + 1] = 0 end
  reply[#reply + 1] = startSize
end

for _, field in ipairs(redis.call("HKEYS", KEYS[1])) do
  if string.sub(field, 1, 6) == "queue:" and not sampled[field] then redis.call("HDEL", KEYS[1], field) end
end
return reply
