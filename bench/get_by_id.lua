-- GET /api/v1/public/institutions/{id} over the filed institutions of the demo (ids from the environment).
local ids = {}
for id in string.gmatch(os.getenv("TUOYU_IDS") or "1", "%d+") do ids[#ids + 1] = id end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/public/institutions/" .. ids[(i % #ids) + 1])
end
