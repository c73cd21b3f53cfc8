-- POSTs a small JSON body ($BODY, or a default); with IDEMPOTENCY_KEYS=1 every request carries a fresh Idempotency-Key.
-- done() prints one JSON line with throughput, p50/p99 latency and non-2xx count.
local counter = 0
local threads = {}
local with_keys = os.getenv("IDEMPOTENCY_KEYS") == "1"
local run_id = os.getenv("RUN_ID") or "run"
local body = os.getenv("BODY") or '{"item":"tea","quantity":2}'

-- thread_id is set per thread by setup(); each thread runs its own Lua state.
function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local headers = { ["Content-Type"] = "application/json" }
  if with_keys then
    headers["Idempotency-Key"] = run_id .. "-" .. thread_id .. "-" .. counter
  end
  return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format('{"requests":%d,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"non2xx":%d,"errors":%d}\n',
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
