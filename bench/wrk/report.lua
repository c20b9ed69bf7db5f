-- Writes wrk's summary as one JSON object to the file named by $WRK_REPORT, so the harness
-- never parses wrk's human-readable output. Loaded by the other scripts; usable on its own.
local depth = depth or 1

function done(summary, latency, requests)
   local path = os.getenv("WRK_REPORT")
   if not path then return end
   local e = summary.errors
   local f = io.open(path, "w")
   f:write(string.format(
      '{"requests":%d,"bytes":%d,"duration_s":%.6f,"p50_us":%.1f,"p99_us":%.1f,"max_us":%.1f,' ..
      '"pipeline":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
      summary.requests, summary.bytes, summary.duration / 1e6,
      latency:percentile(50), latency:percentile(99), latency.max, depth,
      e.connect, e.read, e.write, e.status, e.timeout))
   f:close()
end
