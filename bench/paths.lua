-- wrk script: request the paths listed in the file $PATHS in turn with the
-- bearer token $TOKEN, and print the latency percentiles the targets name.
local paths = {}
local i = 0

init = function(args)
	for line in io.lines(os.getenv("PATHS")) do
		paths[#paths + 1] = line
	end
	wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
end

request = function()
	i = i % #paths + 1
	return wrk.format("GET", paths[i])
end

done = function(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("p50 %.1f ms, p95 %.1f ms, p99 %.1f ms over %d requests (%d errors)\n",
		latency:percentile(50) / 1000, latency:percentile(95) / 1000,
		latency:percentile(99) / 1000, summary.requests,
		e.status + e.connect + e.read + e.write + e.timeout))
end
