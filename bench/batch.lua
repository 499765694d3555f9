-- batch.lua -- wrk script for bench/api phase (e): POST /tasks/batch with
-- BENCH_BATCH_SIZE (default 1000) copies of post.lua's task, which it
-- loads for the method, headers (token included) and the task itself. The
-- body is built once, so wrk sends the same bytes each time; without an
-- Idempotency-Key every request creates that many tasks.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "post.lua")
local n = tonumber(os.getenv("BENCH_BATCH_SIZE") or "1000")
local items = {}
for i = 1, n do
	items[i] = wrk.body
end
wrk.body = '{"tasks":[' .. table.concat(items, ",") .. ']}'
