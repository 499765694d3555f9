-- get.lua -- wrk script for bench/api phases (a) and (d): GET a fixed list of
-- paths in turn. The paths come from the environment variable BENCH_PATHS
-- (separated by spaces), e.g. "/tasks/hello" for the hello responder or
-- "/tasks/<id1> /tasks/<id2>" for tasks created by the POST phase. Both
-- phases use this same script, and the same headers, so that wrk spends the
-- same work per request and lighttpd forwards the same parameters.
-- BENCH_TOKEN, when set, is sent as "Authorization: Bearer <token>".
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "", "%S+") do
	paths[#paths + 1] = p
end
if #paths == 0 then
	error("get.lua: set BENCH_PATHS to one or more paths")
end
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
	wrk.headers["Authorization"] = "Bearer " .. token
end

local requests = {}
local i = 0

function init(args)
	for k, p in ipairs(paths) do
		requests[k] = wrk.format("GET", p)
	end
end

function request()
	i = i % #requests + 1
	return requests[i]
end
