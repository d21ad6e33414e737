-- callChunked(command, key, values): unpack() is limited by Lua's C stack, so long argument lists
-- go in chunks of an even size (MSET pairs stay together). key may be nil for commands without one.
local function callChunked(command, key, values)
  for first = 1, #values, 1000 do
    local last = math.min(first + 999, #values)
    if key then
      redis.call(command, key, unpack(values, first, last))
    else
      redis.call(command, unpack(values, first, last))
    end
  end
end
