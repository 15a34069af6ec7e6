-- GET <TUOYU_PATH><id> cycling over ids: TUOYU_IDS_FILE (one id a line) or TUOYU_IDS (space-separated).
-- TUOYU_PATH: /api/v1/public/institutions/ (default), /institutions/ (the public page), /raw/institutions/.
local ids = {}
local file = os.getenv("TUOYU_IDS_FILE")
if file then
  for line in io.lines(file) do
    if line:match("^%d+$") then ids[#ids + 1] = line end
  end
else
  for id in string.gmatch(os.getenv("TUOYU_IDS") or "1", "%d+") do ids[#ids + 1] = id end
end
local path = os.getenv("TUOYU_PATH") or "/api/v1/public/institutions/"
local i = 0
setup = function(thread)
  thread:set("start", math.random(#ids))
end
request = function()
  i = i + 1
  return wrk.format("GET", path .. ids[((start or 0) + i) % #ids + 1])
end
