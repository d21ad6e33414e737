--[[
  flush-history: add a worker process's counts of recorded outcomes to the stats history (one hash
  per minute and per hour) and to the job-duration histogram. Workers count in memory and flush
  every few seconds, so a job costs no history command in its work cycle.

  KEYS[1] job durations hash
  KEYS[2] this process's last-flush marker (holds the token of its last applied flush)
  ARGV[1] key prefix
  ARGV[2] token of this flush. A process sends one flush at a time and re-sends a failed one with
          the same token, so a flush that finds its own token in the marker was applied already
          (the client re-sent it after a reconnect, or its reply was lost) and adds nothing.
  ARGV[3] seconds a minute of history is kept after the minute ends
  ARGV[4] seconds an hour of history is kept after the hour ends
  ARGV[5] H = number of history counts, followed by H quintuples:
          minute (unix seconds of its start), "p" (processed) or "f" (failed), queue, class, count
  then D = number of duration counts, followed by D triples:
          class, bucket (index into DURATION_BUCKETS_SECONDS, or "sum" for the total in ms), count

  Fields are JSON arrays built here with cjson, exactly as readers parse them:
  history `["p"|"f",queue,class]`, durations `[class,bucket]` and `[class,"sum"]`.
  A hash gets its expiry when a field is new (the first increment returns the increment itself),
  so most flushes set none. Returns 1 when applied, 0 for a replay.
]]
local prefix, token = ARGV[1], ARGV[2]
if redis.call("SET", KEYS[2], token, "GET", "EX", 86400) == token then return 0 end
local minuteTtl, hourTtl = tonumber(ARGV[3]), tonumber(ARGV[4])

-- Counts per hash key, fields in first-seen order so the writes are deterministic.
local hashes, hashOrder, expiries = {}, {}, {}
local function add(key, expireAt, field, by)
  local hash = hashes[key]
  if hash == nil then
    hash = { counts = {}, order = {} }
    hashes[key] = hash
    hashOrder[#hashOrder + 1] = key
    expiries[key] = expireAt
  end
  if hash.counts[field] == nil then
    hash.counts[field] = by
    hash.order[#hash.order + 1] = field
  else
    hash.counts[field] = hash.counts[field] + by
  end
end

local i = 5
local historyCount = tonumber(ARGV[i]); i = i + 1
for _ = 1, historyCount do
  local minute, kind, queue, class, by = tonumber(ARGV[i]), ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], tonumber(ARGV[i + 4])
  i = i + 5
  local hour = minute - minute % 3600
  local field = "[" .. cjson.encode(kind) .. "," .. cjson.encode(queue) .. "," .. cjson.encode(class) .. "]"
  add(prefix .. "resque-ts:history:m:" .. minute, minute + 60 + minuteTtl, field, by)
  add(prefix .. "resque-ts:history:h:" .. hour, hour + 3600 + hourTtl, field, by)
end

for _, key in ipairs(hashOrder) do
  local hash, fresh = hashes[key], false
  for _, field in ipairs(hash.order) do
    local by = hash.counts[field]
    if redis.call("HINCRBY", key, field, by) == by then fresh = true end
  end
  if fresh then redis.call("EXPIREAT", key, expiries[key]) end
end

local durationCount = tonumber(ARGV[i]); i = i + 1
for _ = 1, durationCount do
  local class, bucket, by = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  i = i + 3
  local field = "[" .. cjson.encode(class) .. "," .. (bucket == "sum" and '"sum"' or bucket) .. "]"
  redis.call("HINCRBY", KEYS[1], field, by)
end
return 1
