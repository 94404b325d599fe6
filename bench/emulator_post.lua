-- wrk script: signed POSTs to the emulator. USERSIG and PATH come from the environment
-- (scripts/bench-emulator sets them); send_msg gets a fresh MsgRandom per request.
local usersig = os.getenv("USERSIG")
local path = os.getenv("API_PATH")
local query = "?sdkappid=1400000000&identifier=administrator&usersig=" .. usersig .. "&random=1&contenttype=json"
counter = 0

request = function()
  counter = counter + 1
  local body
  if path == "desk_http_svc/send_msg" then
    body = '{"SessionId":"fd8a2e30-54de-4e40-bcaf-02718409c5cf","MsgRandom":' .. counter ..
      ',"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"load"}}]}'
  else
    body = '{"StartTimestamp":0,"EndTimestamp":2000000000,"Limit":20}'
  end
  return wrk.format("POST", "/v4/" .. path .. query, {["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"ErrorCode":0', 1, true) then
    wrk.thread:stop()
    error("unexpected answer: " .. status .. " " .. body)
  end
end
