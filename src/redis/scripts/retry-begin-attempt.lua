--[[
  retry-begin-attempt: count one run of a job that has a retry plugin (resque-retry's
  before_perform_retry, in one step).

  KEYS[1] resque-retry:<class>[:<id>]             attempt counter
  KEYS[2] resque-ts:retry-pending:<class>[:<id>]  the retry last scheduled for this identity
  ARGV[1] seconds the counter lives from now, or "" to keep it until it is cleared

  SETNX the counter to -1, then INCR it: the first run sees 0, as in Ruby. A counter created here
  means the identity starts afresh (it succeeded, gave up, expired or was cancelled in resque-web),
  so a pending record left from before describes nothing any more and is dropped.
  Returns the attempt number.
]]
if redis.call("SETNX", KEYS[1], -1) == 1 then redis.call("DEL", KEYS[2]) end
local attempt = redis.call("INCR", KEYS[1])
if ARGV[1] ~= "" then redis.call("EXPIRE", KEYS[1], ARGV[1]) end
return attempt
