--[[
  retry-cancel: cancel a scheduled retry as resque-web's Retry tab does (remove_delayed of the
  item, then DEL of the counter and the failure copy), in one step.

  KEYS[1] delayed_queue_schedule
  KEYS[2] timestamps:<delayed item>
  KEYS[3] resque-retry:<class>[:<id>]
  KEYS[4] failure-resque-retry:<class>[:<id>]
  KEYS[5] resque-ts:retry-pending:<class>[:<id>]
  ARGV[1] key prefix
  ARGV[2] the delayed item

  Every copy of the item is removed (wherever it is scheduled); emptied lists go with their time.
  Returns the number of copies removed.
]]
--!include delayed-lists.lua

local removed = removeCopies(ARGV[1], KEYS[1], KEYS[2], ARGV[2])
redis.call("DEL", KEYS[3], KEYS[4], KEYS[5])
return removed
