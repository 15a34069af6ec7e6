-- Public search: a district and an age, 20 rows with the total, cycling over districts and ages.
local districts = {"420302", "420303", "420304", "420322", "420323", "420324", "420325", "420381"}
local i = 0
request = function()
  i = i + 1
  local d = districts[(i % #districts) + 1]
  return wrk.format("GET", "/api/v1/public/institutions?district=" .. d .. "&age_months=" .. (12 + i % 20))
end
