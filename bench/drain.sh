# shellcheck shell=bash disable=SC2034 # variables for the benches that source it
# drain.sh -- what bench/executor and bench/amqp share: a private MariaDB
# and webhook sink in a mktemp directory, tasks due at one instant inserted
# in one statement, and the drain phase that times executors emptying them.
#
# Source it after setting BENCH_NAME (the prefix of messages), ROOT (the
# source tree), TASKS, KEEP, EXEC_BIN and ADMIN_BIN; then call
# bench_setup [KEY=VALUE...] (extra tasksched.conf lines). It defines
#   say, die                       messages "BENCH_NAME: ..." on stderr
#   WORK, CONF, MYDIR, HOOK, DURABILITY, PIDS (pids the trap stops)
#   BENCH_DOWN_HOOKS               functions the trap calls first
#   sql ARGS...                    the mariadb client on the bench database
#   insert_tasks COUNT FIRST_US STEP_US [CRON]
#   drain_run N                    see there
# Tasks are webhook tasks to the sink unless DRAIN_ACTION and DRAIN_PAYLOAD
# (a JSON object, SQL-quoted by the caller as needed) say otherwise.

say() { printf '%s: %s\n' "$BENCH_NAME" "$*" >&2; }
die() {
	say "FAILED: $*"
	exit 1
}

now_us() { date +%s%6N; }

declare -a PIDS=()
declare -a BENCH_DOWN_HOOKS=()

bench_cleanup() {
	local pid hook
	for hook in "${BENCH_DOWN_HOOKS[@]}"; do
		"$hook"
	done
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		ts_stop_pid "$pid" 10 2>/dev/null
	done
	ts_mariadb_stop "$MYDIR" 30 >/dev/null 2>&1
	if [[ $KEEP == 1 ]]; then
		say "kept $WORK"
	else
		rm -rf "$WORK"
	fi
}

sql() { ts_mariadb_sql "$MYDIR" tasksched -N -B "$@"; }

# peak_rss PID -- the process's peak resident set (VmHWM) in KiB.
peak_rss() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# bench_setup [KEY=VALUE...] -- checks the programs, starts MariaDB (its
# durable defaults, innodb_flush_log_at_trx_commit printed as DURABILITY)
# and the sink, writes CONF (with the extra lines) and migrates.
bench_setup() {
	local p c
	for p in "$EXEC_BIN" "$ADMIN_BIN"; do
		[[ -x $p ]] || die "$p is not built (run: autoreconf -fi && ./configure && make)"
	done
	for c in mariadbd mariadb-install-db mariadb cc python3; do
		command -v "$c" >/dev/null || die "'$c' is missing (scripts/deps lists the packages)"
	done
	# shellcheck source=scripts/stack.sh
	source "$ROOT/scripts/stack.sh"

	WORK=$(mktemp -d "/tmp/tsbench-${BENCH_NAME##*/}.XXXXXX") || die "mktemp failed"
	MYDIR=$WORK/my
	CONF=$WORK/tasksched.conf
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM

	say "starting MariaDB in $WORK"
	ts_mariadb_start "$MYDIR" >/dev/null || die "MariaDB did not start"
	ts_mariadb_setup "$MYDIR" "$WORK/db-password" >/dev/null || die "database set-up failed"
	ts_write_config "$CONF" "$MYDIR" "$WORK/db-password" "$ROOT/sql" log_level=warning "$@"
	"$ADMIN_BIN" --config "$CONF" migrate >/dev/null || die "migrate failed"
	DURABILITY=$(ts_mariadb_sql "$MYDIR" -N -B -e "SELECT @@innodb_flush_log_at_trx_commit")

	cc -O2 -o "$WORK/sink" "$ROOT/tests/sink/sink.c" || die "cannot build the sink"
	"$WORK/sink" -l "$WORK/sink.log" -P "$WORK/sink.port" -b 64 -q 2>"$WORK/sink.err" &
	PIDS+=($!)
	for _ in $(seq 100); do
		[[ -s $WORK/sink.port ]] && break
		sleep 0.05
	done
	SINK_PORT=$(cat "$WORK/sink.port" 2>/dev/null) || die "the sink did not start"
	HOOK="http://127.0.0.1:$SINK_PORT/hook"
	write_stats_py
}

# insert_tasks COUNT FIRST_US STEP_US [CRON] -- COUNT tasks due at
# FIRST_US, FIRST_US + STEP_US, ... (Unix microseconds), in one statement;
# with CRON=1, each a cron series firing daily at its own second.
insert_tasks() {
	local cron=NULL action=${DRAIN_ACTION:-webhook}
	local payload=${DRAIN_PAYLOAD:-"{\"url\":\"$HOOK\"}"}
	[[ ${4:-0} == 1 ]] && cron="CONCAT(SECOND(t), ' ', MINUTE(t), ' ', HOUR(t), ' * * *')"
	sql -e "SET SESSION max_recursive_iterations = $1 + 10;
		INSERT INTO tasks (id, action, payload, run_at, due_at, status, attempts,
		                   max_attempts, created_at, updated_at, cron)
		WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < $1)
		SELECT UUID(), '$action', '$payload',
		       t, t, 'scheduled', 0, 3, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), $cron
		FROM (SELECT FROM_UNIXTIME(($2 + n * $3) / 1000000) AS t FROM seq) AS s;"
}

# stats.py: joins the sink log with the tasks' run_at and prints
# "count distinct duplicates missing p50 p99 max first last" (ms, µs).
write_stats_py() {
	cat >"$WORK/stats.py" <<'EOF'
import sys
expected = {}
for line in open(sys.argv[1]):
    tid, due = line.split()
    expected[tid] = int(due)
seen = {}
dups = 0
for line in open(sys.argv[2]):
    f = line.rstrip("\n").split("\t")
    if len(f) < 5 or f[3] not in expected:
        continue
    t = int(f[0])
    if f[3] in seen:
        dups += 1
        continue
    seen[f[3]] = t
late = sorted((seen[k] - expected[k]) / 1000.0 for k in seen)
missing = len(expected) - len(seen)
def pct(p):
    if not late:
        return float("nan")
    return late[min(len(late) - 1, int(round(p / 100.0 * len(late) + 0.5)) - 1)]
first = min(seen.values()) if seen else 0
last = max(seen.values()) if seen else 0
print(len(seen), dups, missing, "%.1f %.1f %.1f" % (pct(50), pct(99), late[-1] if late else float("nan")), first, last)
EOF
}

# drain_run N -- TASKS tasks due at one instant T, fired by N executors
# started together (before T, as the timer would). Sets DONE (tasks/s from
# T until the last attempt was recorded finished, from task_runs: the same
# measure for every action) and RSS_MIB; for webhook tasks also DRAIN
# (tasks/s from T until the last request reached the sink) and d_*
# (arrival statistics), else DRAIN=DONE and d_missing = tasks not completed.
drain_run() {
	local n=$1 i pid r T deadline peak=0 left last_us
	local -a EXEC=()
	say "drain: $TASKS ${DRAIN_ACTION:-webhook} tasks due at one instant, $n executor(s)"
	sql -e "DELETE FROM tasks; DELETE FROM task_runs" || die "cleaning up failed"
	T=$(($(now_us) / 1000000 * 1000000 + 4000000)) # a whole second, >= 3 s ahead
	insert_tasks "$TASKS" "$T" 0 || die "inserting tasks failed"
	sql -e "SELECT id, CAST(UNIX_TIMESTAMP(run_at) * 1000000 AS UNSIGNED) FROM tasks" >"$WORK/drain.due"
	for ((i = 0; i < n; i++)); do
		"$EXEC_BIN" --config "$CONF" --duration 120 2>>"$WORK/executor.log" &
		EXEC+=($!)
		PIDS+=($!)
	done
	deadline=$((T / 1000000 + 120))
	while :; do
		left=$(sql -e "SELECT COUNT(*) FROM tasks WHERE status <> 'completed'")
		for pid in "${EXEC[@]}"; do
			r=$(peak_rss "$pid")
			[[ -n $r ]] && ((r > peak)) && peak=$r
		done
		[[ $left == 0 ]] && break
		(($(date +%s) > deadline)) && break
		sleep 0.2
	done
	for pid in "${EXEC[@]}"; do
		r=$(peak_rss "$pid")
		[[ -n $r ]] && ((r > peak)) && peak=$r
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${EXEC[@]}"; do
		ts_stop_pid "$pid" 20 >/dev/null 2>&1
	done
	RSS_MIB=$(awk -v k="$peak" 'BEGIN {printf "%.1f", k / 1024}')
	last_us=$(sql -e "SELECT CAST(UNIX_TIMESTAMP(MAX(finished_at)) * 1000000 AS UNSIGNED)
		FROM task_runs WHERE outcome = 'succeeded'")
	DONE=$(rate "$((TASKS - left))" "${last_us:-0}" "$T")
	if [[ ${DRAIN_ACTION:-webhook} != webhook ]]; then
		DRAIN=$DONE d_seen=$((TASKS - left)) d_dups=0 d_missing=$left
		say "drain: $d_seen of $TASKS completed, $DONE tasks/s, peak RSS $RSS_MIB MiB"
		return
	fi
	sleep 0.1 # the sink flushes its log every 20 ms
	read -r d_seen d_dups d_missing d_p50 d_p99 d_max _ d_last < <(python3 "$WORK/stats.py" "$WORK/drain.due" "$WORK/sink.log")
	[[ -n ${d_seen:-} ]] || die "no statistics from the drain run"
	DRAIN=$(rate "$d_seen" "$d_last" "$T")
	say "drain: $d_seen received, $d_dups duplicates, $d_missing missing, $DRAIN tasks/s (completed: $DONE tasks/s), lateness p50 ${d_p50} ms p99 ${d_p99} ms max ${d_max} ms, peak RSS $RSS_MIB MiB"
	[[ $left == 0 ]] || say "drain: $left tasks not completed within the time limit"
}

# rate COUNT LAST_US T_US -- COUNT / (LAST_US - T_US) per second; 0 when
# nothing happened after T.
rate() {
	if (($1 > 0 && $2 > $3)); then
		awk -v n="$1" -v us="$(($2 - $3))" 'BEGIN {printf "%.0f", n / (us / 1e6)}'
	else
		echo 0
	fi
}
