--[[
  unique-lock: take, renew and release the unique plugin's locks (resque-lock-timeout's keys:
  `lock:<class>:<identifier>` while a job runs, `loner:lock:<class>:<identifier>` while it is
  queued), keeping our index of held locks for listing.

  KEYS[1] the lock to act on     KEYS[2] the other lock of the pair ("" when not involved)
  KEYS[3] index zset (resque-ts:unique-locks)
  ARGV[1] op
    "enqueue": refuse (0) when KEYS[2] (the run lock) is given and held; else SET KEYS[1] NX
    "start":   SET KEYS[1] NX (the run lock); on success DEL KEYS[2] (the queued lock, if given)
    "renew":   rewrite KEYS[1] with a new value and expiry if it is still held by ARGV[2]
    "release": DEL KEYS[1] if held by ARGV[2] (or ARGV[2] is ""); then, if KEYS[2] is given,
               SET it with ARGV[6]/ARGV[7] (the job is queued again: it holds its queued lock)
  ARGV[2] owner token ("" for none); a value written with a token is "<value>:<token>"
  ARGV[3] value (resque-lock-timeout's: unix second the lock times out, or "true")
  ARGV[4] milliseconds the lock lives (0 = no expiry)
  ARGV[5] unprefixed names of KEYS[1] and KEYS[2], separated by a newline (index members)
  ARGV[6], ARGV[7] value and milliseconds for KEYS[2] in "release"
  Returns 1 when the operation took effect, else 0.
]]
local op, token, value, px = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local nameOf = {}
for name in string.gmatch(ARGV[5], "[^\n]+") do nameOf[#nameOf + 1] = name end

local function expiryScore(ms)
  if ms <= 0 then return "+inf" end
  local t = redis.call("TIME")
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + ms
end

local function set(key, name, v, ms, nx)
  local args = { "SET", key, v }
  if ms > 0 then args[#args + 1] = "PX"; args[#args + 1] = ms end
  if nx then args[#args + 1] = "NX" end
  if not redis.call(unpack(args)) then return false end
  local score = expiryScore(ms)
  -- Entries of locks that expired go as new ones come, so reading the index never has to write.
  local t = redis.call("TIME")
  redis.call("ZREMRANGEBYSCORE", KEYS[3], "-inf", "(" .. (tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)))
  redis.call("ZADD", KEYS[3], score, name)
  return true
end

local function ownedBy(key, owner)
  local current = redis.call("GET", key)
  if not current then return false end
  if owner == "" then return true end
  return string.sub(current, -(#owner + 1)) == ":" .. owner
end

local full = token == "" and value or (value .. ":" .. token)

if op == "enqueue" then
  if KEYS[2] ~= "" and redis.call("EXISTS", KEYS[2]) == 1 then return 0 end
  return set(KEYS[1], nameOf[1], full, px, true) and 1 or 0
elseif op == "start" then
  if not set(KEYS[1], nameOf[1], full, px, true) then return 0 end
  if KEYS[2] ~= "" then
    redis.call("DEL", KEYS[2])
    redis.call("ZREM", KEYS[3], nameOf[2])
  end
  return 1
elseif op == "renew" then
  if not ownedBy(KEYS[1], token) then return 0 end
  set(KEYS[1], nameOf[1], full, px, false)
  return 1
elseif op == "release" then
  local released = 0
  if ownedBy(KEYS[1], token) then
    redis.call("DEL", KEYS[1])
    redis.call("ZREM", KEYS[3], nameOf[1])
    released = 1
  end
  if KEYS[2] ~= "" then set(KEYS[2], nameOf[2], ARGV[6], tonumber(ARGV[7]), false) end
  return released
end
return redis.error_reply("unique-lock: unknown op " .. tostring(op))
