-- wrk script for the benchmark (src/load/benchmark.py runs it): POSTs one action with an agent's key and
-- counts answers whose status is not the expected one. Environment: BENCH_KEY, BENCH_BODY, BENCH_EXPECT.
local key = os.getenv("BENCH_KEY")
local body = os.getenv("BENCH_BODY")
local expect = tonumber(os.getenv("BENCH_EXPECT"))
local threads = {}

wrk.method = "POST"
wrk.path = "/api/v1/actions"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   unexpected = 0
   first = nil
end

function response(status, headers, body)
   if status ~= expect then
      unexpected = unexpected + 1
      if first == nil then first = status .. " " .. string.sub(body, 1, 200) end
   end
end

function done(summary, latency, requests)
   local unexpected, first = 0, nil
   for _, thread in ipairs(threads) do
      unexpected = unexpected + thread:get("unexpected")
      first = first or thread:get("first")
   end
   -- one machine-readable line for benchmark.py; microseconds
   io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d "
         .. "errors=%d unexpected=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      unexpected))
   if first then io.write("BENCH first-unexpected " .. first .. "\n") end
end
