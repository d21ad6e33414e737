--[[
  retry-uncount-attempt: undo one attempt a work cycle counted for a job whose run did not take
  it (its retry plugin counted under another identity name, or the run never reached the plugin).

  KEYS[1] resque-retry:<class>[:<id>] (attempt counter)
  ARGV[1] "1" when the count created the counter

  A counter that is gone (cleared since) stays gone. A counter the count created and nobody
  counted since is deleted, as if the count had not happened; otherwise it goes down by one.
]]
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
local value = redis.call("DECR", KEYS[1])
if ARGV[1] == "1" and value == -1 then redis.call("DEL", KEYS[1]) end
return 1
