--[[
  retry-begin-attempts: count one run each of several jobs that have a retry plugin
  (resque-retry's before_perform_retry), in one call: the runs a worker starts together begin
  their attempts together.

  KEYS  pairs: resque-retry:<class>[:<id>] (attempt counter),
               resque-ts:retry-pending:<class>[:<id>] (the retry last scheduled for it)
  ARGV  per pair: seconds the counter lives from now, or "" to keep it until it is cleared

  Per pair, SETNX the counter to -1, then INCR it: the first run sees 0, as in Ruby. A counter
  created here means the identity starts afresh (it succeeded, gave up, expired or was cancelled
  in resque-web), so a pending record left from before describes nothing any more and is dropped.
  Pairs are counted in order, so two runs of one identity in a call see consecutive attempts.
  Returns the attempt numbers, one per pair.
]]
--!include retry-begin-core.lua

local attempts = {}
for n = 1, #ARGV do
  attempts[n] = beginAttempt(KEYS[2 * n - 1], KEYS[2 * n], ARGV[n])
end
return attempts
