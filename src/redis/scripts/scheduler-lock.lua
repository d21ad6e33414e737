--[[
  scheduler-lock: take the scheduler leader lock if it is free, or extend it if we hold it
  (resque-scheduler's master? = acquire or locked?, in one step).

  KEYS[1] the master lock key
  ARGV[1] our lock value (host:pid)   ARGV[2] time to live in milliseconds
  Returns 1 when acquired, 2 when extended, 0 when another scheduler holds it.
]]
if redis.call("SET", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then return 1 end
if redis.call("GET", KEYS[1]) == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  return 2
end
return 0
