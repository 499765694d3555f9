-- post.lua -- wrk script for bench/api phase (c): POST /tasks with a valid
-- webhook task body. Method, headers and body are fixed, so wrk builds the
-- request once and sends the same bytes each time (no Lua per request); as
-- there is no Idempotency-Key, every request creates a new task. run_at is
-- far in the future so that no executor would ever fire these tasks.
-- BENCH_TOKEN, when set, is sent as "Authorization: Bearer <token>".
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
	wrk.headers["Authorization"] = "Bearer " .. token
end
wrk.body = '{"action":"webhook",'
	.. '"payload":{"url":"http://127.0.0.1:9/hook","data":{"n":1}},'
	.. '"run_at":"2099-01-01T00:00:00Z"}'
