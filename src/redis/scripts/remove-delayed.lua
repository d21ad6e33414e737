--[[
  remove-delayed: remove every copy of some encoded delayed items, wherever they are scheduled
  (resque-scheduler's remove_delayed, via the timestamps:<item> index).

  KEYS[1] delayed_queue_schedule
  KEYS[2..] timestamps:<item> for each item of ARGV[2..]
  ARGV[1] key prefix
  ARGV[2..] encoded items (byte matches; e.g. Ruby's and node-resque's encoding of one job)

  Ruby leaves emptied lists for the scheduler to clean; here they go at once with their zset member.
  Returns the number of items removed.
]]
--!include delayed-lists.lua

local removed = 0
for i = 2, #ARGV do
  removed = removed + removeCopies(ARGV[1], KEYS[1], KEYS[i], ARGV[i])
end
return removed
