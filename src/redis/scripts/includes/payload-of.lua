-- payloadOf(value): the queue and exact payload bytes recorded in a worker:<id> value, or nil.
-- Values written by resque-ts and Ruby Resque are {"queue":…,"run_at":…,…,"payload":<payload>}
-- with the payload last and verbatim; a stand-in for an invalid payload keeps it in raw_payload,
-- or in raw_payload_base64 when its bytes are not UTF-8. Needs raw-bytes.lua included before it.
local function payloadOf(value)
  local ok, decoded = pcall(cjson.decode, value)
  if not ok or type(decoded) ~= "table" or type(decoded["queue"]) ~= "string" then return nil end
  local raw = decoded["raw_payload"]
  if type(decoded["raw_payload_base64"]) == "string" then
    raw = base64Decode(decoded["raw_payload_base64"])
  elseif type(raw) ~= "string" then
    local at = string.find(value, ',"payload":', 1, true)
    if at and string.sub(value, 1, 9) == '{"queue":' then
      raw = string.sub(value, at + 11, -2)
    else
      raw = cjson.encode(decoded["payload"])
    end
  end
  return decoded["queue"], raw
end
