-- wrk script: exact rrset lookups (DNSDB API v2) of the owners listed in the
-- file named by $WRK_NAMES (one per line, from bench_lookup --names), in turn.
-- Records per-response status so a run with errors is visible.
local names = {}
local f = assert(io.open(os.getenv("WRK_NAMES") or "names.txt"))
for l in f:lines() do names[#names + 1] = l end
f:close()
local i = 0
request = function()
	i = i % #names + 1
	return wrk.format("GET", "/dnsdb/v2/lookup/rrset/name/" .. names[i] .. "?limit=100",
		{ ["Accept"] = "application/x-ndjson" })
end
local bad = 0
response = function(status, headers, body)
	if status ~= 200 then bad = bad + 1 end
end
done = function(summary, latency, requests)
	io.write(string.format("wrk_requests %d\nwrk_rps %.0f\nwrk_p50_ms %.3f\nwrk_p99_ms %.3f\nwrk_errors %d\n",
		summary.requests, summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(99) / 1000,
		summary.errors.status + summary.errors.connect + summary.errors.read +
		summary.errors.write + summary.errors.timeout))
end
