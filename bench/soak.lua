-- The soak's mixed load (scripts/soak.sh): of every 20 requests, 9 public reads by id, 5 public searches,
-- 2 officials' dashboards (JSON and HTML, with a city official's token), 1 official's institution list and
-- 3 registration pushes (a registrar's token) (each a new valid USCC). Counts answers per status class; done() prints them as one line
-- "soak-status 2xx=N 3xx=N 4xx=N 5xx=N" for the script to read.
local ids = {}
for id in string.gmatch(os.getenv("TUOYU_IDS") or "1", "%d+") do ids[#ids + 1] = id end
local official = os.getenv("TUOYU_OFFICIAL_TOKEN") or ""
local registrar = os.getenv("TUOYU_REGISTRAR_TOKEN") or ""
local districts = {"420302", "420303", "420304", "420322", "420323", "420324", "420325", "420381"}
local alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
local weights = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

local threads = {}
setup = function(thread)
  thread:set("thread_no", #threads)
  threads[#threads + 1] = thread
end

local i = 0
counts = {0, 0, 0, 0, 0}

local function uscc(n)
  local body = "91420303W"
  for _ = 1, 8 do
    body = body .. alphabet:sub(n % 31 + 1, n % 31 + 1)
    n = math.floor(n / 31)
  end
  local sum = 0
  for k = 1, 17 do sum = sum + (alphabet:find(body:sub(k, k), 1, true) - 1) * weights[k] end
  local check = (31 - sum % 31) % 31
  return body .. alphabet:sub(check + 1, check + 1)
end

request = function()
  i = i + 1
  local k = i % 20
  if k < 9 then
    return wrk.format("GET", "/api/v1/public/institutions/" .. ids[(i % #ids) + 1])
  elseif k < 14 then
    return wrk.format("GET", "/api/v1/public/institutions?district=" .. districts[(i % #districts) + 1] ..
      "&age_months=" .. (12 + i % 20))
  elseif k == 14 then
    return wrk.format("GET", "/api/v1/dashboard", {["Authorization"] = "Bearer " .. official})
  elseif k == 15 then
    return wrk.format("GET", "/dash", {["Authorization"] = "Bearer " .. official})
  elseif k == 16 then
    return wrk.format("GET", "/api/v1/institutions?limit=20", {["Authorization"] = "Bearer " .. official})
  end
  local code = uscc((thread_no or 0) * 100000000 + i)
  local body = '{"uscc":"' .. code .. '","name":"浸泡托育中心' .. i .. '","legal_form":"enterprise",' ..
    '"district_code":"420303","address":"十堰市张湾区车城路1号","business_scope":"3岁以下婴幼儿照护服务",' ..
    '"registered_on":"2026-01-05","authority":"十堰市市场监督管理局"}'
  return wrk.format("POST", "/api/v1/registrations",
    {["Authorization"] = "Bearer " .. registrar, ["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  local c = math.floor(status / 100)
  if c >= 1 and c <= 5 then counts[c] = counts[c] + 1 end
end

done = function(summary, latency, requests)
  local total = {0, 0, 0, 0, 0}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k = 1, 5 do total[k] = total[k] + c[k] end
  end
  io.write(string.format("soak-status 2xx=%d 3xx=%d 4xx=%d 5xx=%d\n", total[2], total[3], total[4], total[5]))
end
