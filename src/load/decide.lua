-- wrk script for the benchmark's decision step (src/load/benchmark.py runs it): approves pending actions through
-- POST /api/v1/actions/{id}/decision with the admin token, each action once. Environment: BENCH_TOKEN, BENCH_IDS (a
-- file with one action id a line), BENCH_THREADS (wrk's -t). Thread i takes ids i, i + t, i + 2t, ...; once its
-- share is used up it decides its first id again, which answers 409 and counts as exhausted.
local token = os.getenv("BENCH_TOKEN")
local file = os.getenv("BENCH_IDS")
local stride = tonumber(os.getenv("BENCH_THREADS"))
local body = '{"decision":"APPROVED","decidedBy":"bench","comment":"benchmark"}'
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
local threads = {}
local started = 0

function setup(thread)
   thread:set("offset", started)
   started = started + 1
   table.insert(threads, thread)
end

function init(args)
   ids = {}
   for line in io.lines(file) do
      if line ~= "" then table.insert(ids, line) end
   end
   index = offset + 1
   unexpected, exhausted, first = 0, 0, nil
end

function request()
   local id = ids[index]
   if id == nil then
      exhausted = exhausted + 1
      id = ids[offset + 1]
   end
   index = index + stride
   return wrk.format("POST", "/api/v1/actions/" .. id .. "/decision", headers, body)
end

function response(status, headers, body)
   if status ~= 200 then
      unexpected = unexpected + 1
      if first == nil then first = status .. " " .. string.sub(body, 1, 200) end
   end
end

function done(summary, latency, requests)
   local unexpected, exhausted, first = 0, 0, nil
   for _, thread in ipairs(threads) do
      unexpected = unexpected + thread:get("unexpected")
      exhausted = exhausted + thread:get("exhausted")
      first = first or thread:get("first")
   end
   -- one machine-readable line for benchmark.py; microseconds
   io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d "
         .. "errors=%d unexpected=%d exhausted=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      unexpected, exhausted))
   if first then io.write("BENCH first-unexpected " .. first .. "\n") end
end
