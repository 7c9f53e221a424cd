-- wrk script: report grid events (POST /api/v1/events) at the address
-- $ADDRESS with the bearer token $TOKEN; each answer is checked for 201.
local n = 0
local bad = 0

init = function(args)
	wrk.method = "POST"
	wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
	wrk.headers["Content-Type"] = "application/json"
end

request = function()
	n = n + 1
	local body = string.format('{"category":"1101","description":"bench report %d","address_id":%s}',
		n, os.getenv("ADDRESS"))
	return wrk.format(nil, nil, nil, body)
end

response = function(status, headers, body)
	if status ~= 201 then bad = bad + 1 end
end

done = function(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("%.0f events/s, p50 %.1f ms, p95 %.1f ms over %d requests (%d errors)\n",
		summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
		latency:percentile(95) / 1000, summary.requests,
		e.status + e.connect + e.read + e.write + e.timeout))
end
