-- failureEntry(failedAt, workerId, queue, payload, exception, message, raw): a `failed` entry in
-- Ruby Resque's member order, for items a script cannot enqueue. `payload` is JSON text embedded as
-- is (a readable {"class","args"} stand-in when the item is not a job, whose bytes then go to
-- raw_payload, so nothing is lost and resque-web can still render it).
local function failureEntry(failedAt, workerId, queue, payload, exception, message, raw)
  local entry = '{"failed_at":' .. cjson.encode(failedAt) .. ',"payload":' .. payload ..
    ',"exception":' .. cjson.encode(exception) .. ',"error":' .. cjson.encode(message) ..
    ',"backtrace":[],"worker":' .. cjson.encode(workerId) .. ',"queue":' .. cjson.encode(queue)
  if raw then entry = entry .. ',"raw_payload":' .. cjson.encode(raw) end
  return entry .. "}"
end

-- unqueuedFailure(failedAt, workerId, raw, reason, className, partial): the failure entry for a
-- delayed item queuePayloadOf could not turn into a queue payload (reason "invalid" or "no-queue").
local function unqueuedFailure(failedAt, workerId, raw, reason, className, partial)
  if reason == "no-queue" then
    return failureEntry(failedAt, workerId, "", partial, "NoQueueError",
      'delayed job of class "' .. className .. '" has no "queue" and no registered job class has that name, ' ..
      "so its queue is unknown; retry it with an explicit queue", nil)
  end
  return failureEntry(failedAt, workerId, "", '{"class":"(invalid payload)","args":[]}', "InvalidPayloadError",
    "delayed item is not a job (a JSON object with a string \"class\"); its bytes are in raw_payload", raw)
end
