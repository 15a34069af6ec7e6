-- Registration push: each request a new, valid USCC (GB 32100 check character computed here), so every
-- request is a durable, audited insert. Threads get disjoint serial ranges. TUOYU_PREFIX (one USCC
-- character) keeps runs apart; TUOYU_DISTRICT: the district code; TUOYU_PUSH_PATH: /api/v1/registrations
-- (default) or /raw/insert (the raw stack's durable single-row insert of the same body).
local alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
local weights = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
local token = os.getenv("TUOYU_TOKEN") or ""
local prefix = os.getenv("TUOYU_PREFIX") or "A"
local district = os.getenv("TUOYU_DISTRICT") or "420303"
local path = os.getenv("TUOYU_PUSH_PATH") or "/api/v1/registrations"
local counter = 0
local threads = 0

setup = function(thread)
  thread:set("thread_no", threads)
  threads = threads + 1
end

local function uscc(n)
  local body = "91" .. district .. prefix
  local digits = {}
  for _ = 1, 8 do
    digits[#digits + 1] = alphabet:sub(n % 31 + 1, n % 31 + 1)
    n = math.floor(n / 31)
  end
  body = body .. table.concat(digits)
  local sum = 0
  for k = 1, 17 do
    local c = body:sub(k, k)
    sum = sum + (alphabet:find(c, 1, true) - 1) * weights[k]
  end
  local check = (31 - sum % 31) % 31
  return body .. alphabet:sub(check + 1, check + 1)
end

request = function()
  counter = counter + 1
  local code = uscc((thread_no or 0) * 10000000 + counter)
  local body = '{"uscc":"' .. code .. '","name":"压测托育中心' .. counter .. '","legal_form":"enterprise",' ..
    '"district_code":"' .. district .. '","address":"十堰市张湾区车城路1号","business_scope":"3岁以下婴幼儿照护服务",' ..
    '"registered_on":"2026-01-05","authority":"十堰市市场监督管理局"}'
  return wrk.format("POST", path,
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end
