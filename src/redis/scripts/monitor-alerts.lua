--[[
  monitor-alerts: apply one evaluation to the alert state, as one compare-and-set for every
  transition, so that of several monitors evaluating the same Redis exactly one is told to send
  each notification (the caller that receives a transition sends it; the others receive none).

  KEYS[1] alerts hash: alert id → {"since","notifiedAt","notifications","finding","highestSeverity"} while it fires;
          "@evaluated" → now of the last evaluation applied
  KEYS[2] events list, newest first: {"kind":"fire"|"resolve","at","id","alert"}
  ARGV[1] now (ms)
  ARGV[2] events kept
  then triples: alert id of a check that is bad now, repeat interval (ms; 0 = never repeat),
                the finding JSON
  Every firing alert not given is resolved. A firing alert whose severity rises from warning to
  critical repeats at once (and remembers that it was critical, for its resolution).

  An evaluation older than the last one applied (a monitor that read its facts before another
  monitor's later evaluation landed) changes nothing: it cannot re-fire what was just resolved.
  Returns "stale", or a flat list of transitions: kind ("fire" | "repeat" | "resolve"), alert id,
  the alert's JSON.
]]
local now = tonumber(ARGV[1])
local kept = tonumber(ARGV[2])
local last = redis.call("HGET", KEYS[1], "@evaluated")
if last and now < tonumber(last) then return "stale" end
redis.call("HSET", KEYS[1], "@evaluated", ARGV[1])

local reply = {}
local bad = {}

local function severityOf(finding)
  local ok, decoded = pcall(cjson.decode, finding)
  if ok and type(decoded) == "table" and decoded["severity"] == "critical" then return "critical" end
  return "warning"
end

local function event(kind, id, alert)
  redis.call("LPUSH", KEYS[2], cjson.encode({ kind = kind, at = now, id = id, alert = alert }))
  redis.call("LTRIM", KEYS[2], 0, kept - 1)
end

for i = 3, #ARGV, 3 do
  local id, repeatMs, finding = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2]
  bad[id] = true
  local stored = redis.call("HGET", KEYS[1], id)
  local alert, kind
  local severity = severityOf(finding)
  if stored then
    alert = cjson.decode(stored)
    alert.finding = finding
    -- A warning that became critical is told again at once: critical-only notifiers hear it now.
    local escalated = severity == "critical" and alert.highestSeverity ~= "critical"
    if escalated then alert.highestSeverity = "critical" end
    if escalated or (repeatMs > 0 and now - alert.notifiedAt >= repeatMs) then
      alert.notifiedAt = now
      alert.notifications = alert.notifications + 1
      kind = "repeat"
    end
  else
    alert = { since = now, notifiedAt = now, notifications = 1, finding = finding, highestSeverity = severity }
    kind = "fire"
  end
  local encoded = cjson.encode(alert)
  redis.call("HSET", KEYS[1], id, encoded)
  if kind then
    reply[#reply + 1] = kind
    reply[#reply + 1] = id
    reply[#reply + 1] = encoded
    if kind == "fire" then event("fire", id, encoded) end
  end
end

local all = redis.call("HGETALL", KEYS[1])
for i = 1, #all, 2 do
  local id = all[i]
  if string.sub(id, 1, 1) ~= "@" and not bad[id] then
    local alert = cjson.decode(all[i + 1])
    alert.resolvedAt = now
    local encoded = cjson.encode(alert)
    redis.call("HDEL", KEYS[1], id)
    event("resolve", id, encoded)
    reply[#reply + 1] = "resolve"
    reply[#reply + 1] = id
    reply[#reply + 1] = encoded
  end
end
return reply
