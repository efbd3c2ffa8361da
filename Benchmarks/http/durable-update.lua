-- wrk script: durable capacity updates over HTTP — PUT status, alternating available/limited, round-robin over 29
-- MV hospitals with a CT, as admin. The token comes from the environment: LOTSE_TOKEN=… wrk -s durable-update.lua …
local ids = {"771003","771028","771339","771436","771830","771841","772074","772096","772445","772799","772800","772893","772895","772916","772987","773034","773039","773084","773177","773272","773306","773325","773369","773374","773375","773471","773476","773589","773601"}
local token = os.getenv("LOTSE_TOKEN")
-- run.sh sends the same requests to the stack's durable-write ceiling (Benchmarks/HTTPCeiling answers the same path).
local n = 0
request = function()
  n = n + 1
  local id = ids[(n % #ids) + 1]
  local status = (n % 2 == 0) and "available" or "limited"
  return wrk.format("PUT", "/v1/hospitals/" .. id .. "/resources/ct/status",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, '{"status":"' .. status .. '"}')
end
