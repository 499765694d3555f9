-- get.lua -- wrk script for bench/api phases (a) and (d): GET a fixed list of
-- paths in turn. The paths come from the environment variable BENCH_PATHS
-- (separated by spaces), e.g. "/tasks/hello" for the hello responder or
-- "/tasks/<id1> /tasks/<id2>" for tasks created by the POST phase. Both
-- phases use this same script so that wrk spends the same work per request.
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "", "%S+") do
	paths[#paths + 1] = p
end
if #paths == 0 then
	error("get.lua: set BENCH_PATHS to one or more paths")
end

local requests = {}
local i = 0

-- The API key of bench/api (BENCH_TOKEN), sent by both phases alike.
local headers = { ["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "") }

function init(args)
	for k, p in ipairs(paths) do
		requests[k] = wrk.format("GET", p, headers)
	end
end

function request()
	i = i % #requests + 1
	return requests[i]
end
