-- Public search, first page: a district and an age, 20 rows with the total, cycling over districts and ages.
-- TUOYU_DISTRICTS: space-separated district codes; TUOYU_SEARCH_PATH: /api/v1/public/institutions (default)
-- or /raw/search (the raw stack's same query).
local districts = {}
for d in string.gmatch(os.getenv("TUOYU_DISTRICTS") or "420302 420303 420304", "%d+") do
  districts[#districts + 1] = d
end
local path = os.getenv("TUOYU_SEARCH_PATH") or "/api/v1/public/institutions"
local i = 0
request = function()
  i = i + 1
  local d = districts[(i % #districts) + 1]
  return wrk.format("GET", path .. "?district=" .. d .. "&age_months=" .. (12 + i % 20))
end
