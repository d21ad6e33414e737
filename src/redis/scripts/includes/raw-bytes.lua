-- Payload bytes that are not valid UTF-8 cannot travel as text (a client decoding the reply would
-- replace them with U+FFFD), so they travel base64-encoded. isUtf8(s) tells them apart (only
-- strings with bytes >= 0x80 need the full check); base64Encode / base64Decode convert.
local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

local function isUtf8(s)
  if not string.find(s, "[\128-\255]") then return true end
  local i, n = 1, #s
  while i <= n do
    local c = string.byte(s, i)
    local extra
    if c < 0x80 then extra = 0
    elseif c >= 0xC2 and c <= 0xDF then extra = 1
    elseif c >= 0xE0 and c <= 0xEF then extra = 2
    elseif c >= 0xF0 and c <= 0xF4 then extra = 3
    else return false end
    if i + extra > n then return false end
    for k = 1, extra do
      local cc = string.byte(s, i + k)
      if cc < 0x80 or cc > 0xBF then return false end
    end
    if extra == 2 then
      local c2 = string.byte(s, i + 1)
      if (c == 0xE0 and c2 < 0xA0) or (c == 0xED and c2 > 0x9F) then return false end -- overlong, surrogates
    elseif extra == 3 then
      local c2 = string.byte(s, i + 1)
      if (c == 0xF0 and c2 < 0x90) or (c == 0xF4 and c2 > 0x8F) then return false end -- overlong, > U+10FFFF
    end
    i = i + extra + 1
  end
  return true
end

local function base64Encode(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = string.byte(s, i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local c1 = math.floor(n / 262144) % 64
    local c2 = math.floor(n / 4096) % 64
    local c3 = math.floor(n / 64) % 64
    local c4 = n % 64
    out[#out + 1] = string.sub(B64, c1 + 1, c1 + 1) .. string.sub(B64, c2 + 1, c2 + 1) ..
      (b and string.sub(B64, c3 + 1, c3 + 1) or "=") .. (c and string.sub(B64, c4 + 1, c4 + 1) or "=")
  end
  return table.concat(out)
end

local function base64Decode(s)
  local values = {}
  for k = 1, 64 do values[string.sub(B64, k, k)] = k - 1 end
  local out = {}
  s = string.gsub(s, "[^%w%+/=]", "")
  for i = 1, #s, 4 do
    local q = { string.sub(s, i, i), string.sub(s, i + 1, i + 1), string.sub(s, i + 2, i + 2), string.sub(s, i + 3, i + 3) }
    local n = (values[q[1]] or 0) * 262144 + (values[q[2]] or 0) * 4096 + (values[q[3]] or 0) * 64 + (values[q[4]] or 0)
    out[#out + 1] = string.char(math.floor(n / 65536) % 256)
    if q[3] ~= "=" and q[3] ~= "" then out[#out + 1] = string.char(math.floor(n / 256) % 256) end
    if q[4] ~= "=" and q[4] ~= "" then out[#out + 1] = string.char(n % 256) end
  end
  return table.concat(out)
end
