-- wrk script: exact rrset lookups (DNSDB API v2) of the owners listed in the
-- file named by $WRK_NAMES (one per line, from bench_lookup --names), in turn.
-- A run with errors is visible: wrk itself counts every non-2xx/3xx response
-- (summary.errors.status).  No response() callback: with one, wrk builds a Lua
-- string of each body and table of its headers, and since wrk shares the 2 cores
-- with the server, that cost (measured: about 10% of the requests/s) was
-- charged to the server.
local names = {}
local f = assert(io.open(os.getenv("WRK_NAMES") or "names.txt"))
for l in f:lines() do names[#names + 1] = l end
f:close()
-- Every request is formatted once, when the script loads, and request() only
-- hands the next one out: formatting it per request (wrk.format builds a Lua
-- string from a table of headers) cost wrk CPU that, on 2 shared cores, the
-- server did not get (measured: ~10% fewer requests/s).  wrk adds its Host
-- header only to requests formatted after its init, so it is given here: an
-- HTTP/1.1 request without one is a 400 (RFC 9112 3.2).
local reqs = {}
for k = 1, #names do
	reqs[k] = wrk.format("GET", "/dnsdb/v2/lookup/rrset/name/" .. names[k] .. "?limit=100",
		{ ["Accept"] = "application/x-ndjson", ["Host"] = "127.0.0.1" })
end
local i = 0
request = function()
	i = i % #reqs + 1
	return reqs[i]
end
done = function(summary, latency, requests)
	io.write(string.format("wrk_requests %d\nwrk_rps %.0f\nwrk_p50_ms %.3f\nwrk_p99_ms %.3f\nwrk_errors %d\n",
		summary.requests, summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(99) / 1000,
		summary.errors.status + summary.errors.connect + summary.errors.read +
		summary.errors.write + summary.errors.timeout))
end
