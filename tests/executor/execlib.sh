# shellcheck shell=bash
# execlib.sh -- what the executor tests share, on top of
# tests/integration/testlib.sh: a throw-away MariaDB (and, on request, the
# API behind lighttpd), the scripted webhook receiver tests/sink/sink on an
# ephemeral port, tasks inserted straight into the database, and executor
# runs in the foreground, in the background, stopped and killed.
#
# Source it from a tests/executor/*.test script. Everything started here is
# stopped by the EXIT trap, also when the test fails or dies early.
#
# The sink's request log ($X_SINK_LOG) has one line per request,
# tab-separated: 1 receive time (Unix us), 2 method, 3 path?query,
# 4 X-Tasksched-Task-Id, 5 X-Tasksched-Attempt, 6 User-Agent,
# 7 Content-Type, 8 body (escaped), then one column per header named in
# X_SINK_HEADERS. Webhook URLs script the answer (see tests/sink/sink.c):
# $X_URL/path?status=500,200&delay_ms=3000,0&retry_after=2&body_bytes=N.

# shellcheck source=tests/integration/testlib.sh
source "${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/testlib.sh"

T_EXECUTOR=$abs_top_builddir/src/tasksched-executor
X_API=0
X_SINK_PID=
X_SINK_LOG=
X_PORT=
X_URL=
X_GATE=
declare -a X_CONF_BASE=()
declare -a X_SINK_HEADERS=()
declare -a X_EXEC_NAMES=()

# --- outcomes --------------------------------------------------------------

# x_skip_check DESC WHY -- an assertion that cannot be made here.
x_skip_check() {
	echo "ok - $1 # SKIP $2"
}

# x_done -- stop what execlib started, then t_done.
x_done() {
	x_procs_down
	x_sanitizer_check
	((T_FAIL > 0 || T_PASS == 0)) && x_show_logs
	t_done
}

# x_bail MSG -- the test cannot go on: exit 99.
x_bail() {
	x_procs_down
	x_show_logs
	t_bail "$@"
}

x_on_exit() {
	local rc=$?
	x_procs_down
	((T_DONE == 0)) && x_show_logs
	(exit "$rc")
	t_on_exit
}

# x_show_logs -- the end of the executors' and the sink's logs.
x_show_logs() {
	local f
	[[ -n $T_DIR && -d $T_DIR ]] || return 0
	for f in "$T_DIR"/executor-*.log "$T_DIR/sink.err"; do
		[[ -s $f ]] || continue
		echo "# --- last lines of $f"
		tail -n 30 "$f" | sed 's/^/#   /'
	done
	[[ $(type -t rx_show_logs) == function ]] && rx_show_logs
	if [[ -s $X_SINK_LOG ]]; then
		echo "# --- last lines of $X_SINK_LOG ($(wc -l <"$X_SINK_LOG") requests)"
		tail -n 10 "$X_SINK_LOG" | cut -c 1-300 | sed 's/^/#   /'
	fi
}

# --- the stack -------------------------------------------------------------

# x_stack_up [--api] [KEY=VALUE...] -- MariaDB in a fresh temporary
# directory, migrated, $T_CONF with the test defaults below (KEY=VALUE
# overrides or adds), and the sink. With --api also spawn-fcgi and
# lighttpd, when installed (then X_API=1 and T_BASE is the API's URL).
x_stack_up() {
	local api=0 kv
	X_CONF_BASE=(
		log_level=debug
		executor_lease_seconds=5
		executor_poll_ms=100
		retry_base_ms=50
		retry_cap_ms=500
		webhook_timeout_ms=5000
	)
	# The sink is on 127.0.0.1, which the SSRF guard refuses unless allowed
	# (only builds that have the guard know the key; unknown keys are errors).
	if grep -q webhook_allow "$T_EXECUTOR" 2>/dev/null; then
		X_CONF_BASE+=(webhook_allow=127.0.0.1/32)
	fi
	for kv in "$@"; do
		if [[ $kv == --api ]]; then
			api=1
		else
			X_CONF_BASE+=("$kv")
		fi
	done
	t_require mariadbd mariadb-install-db mariadb mariadb-admin jq setsid timeout awk
	[[ -x $T_EXECUTOR ]] || t_bail "$T_EXECUTOR is not built"
	[[ -x $T_ADMIN ]] || t_bail "$T_ADMIN is not built"
	if ((api)) && [[ -x $T_API ]] && command -v lighttpd >/dev/null &&
		command -v spawn-fcgi >/dev/null && command -v curl >/dev/null; then
		t_stack_up lighttpd 1
		X_API=1
	else
		t_db_up
	fi
	trap 'x_on_exit' EXIT
	x_write_conf "$T_CONF" || x_bail "could not write $T_CONF"
	if ((!X_API)) && ! "$T_ADMIN" --config "$T_CONF" migrate >"$T_DIR/migrate.log" 2>&1; then
		cat "$T_DIR/migrate.log"
		x_bail "tasksched-admin migrate failed"
	fi
	x_sink_start
}

# x_write_conf FILE [KEY=VALUE...] -- a configuration for this stack: the
# settings of $T_CONF, with KEY=VALUE changed or added.
x_write_conf() {
	local file=$1 kv k
	shift
	local -A conf=()
	local -a order=() pairs=()
	for kv in "${X_CONF_BASE[@]}" "$@"; do
		k=${kv%%=*}
		[[ -v conf[$k] ]] || order+=("$k")
		conf[$k]=${kv#*=}
	done
	for k in "${order[@]}"; do
		pairs+=("$k=${conf[$k]}")
	done
	ts_write_config "$file" "$T_DB" "$T_DIR/db-password" "$abs_top_srcdir/sql" "${pairs[@]}"
}

# --- the sink --------------------------------------------------------------

# x_sink_bin -- the sink program: $TS_SINK, the one "make check" built, or
# one compiled here from tests/sink/sink.c.
x_sink_bin() {
	if [[ -n ${TS_SINK:-} ]]; then
		printf '%s\n' "$TS_SINK"
	elif [[ -x $abs_top_builddir/tests/sink/sink ]]; then
		printf '%s\n' "$abs_top_builddir/tests/sink/sink"
	else
		"${CC:-cc}" -O2 -o "$T_DIR/sink" "$abs_top_srcdir/tests/sink/sink.c" >&2 || return 1
		printf '%s\n' "$T_DIR/sink"
	fi
}

x_sink_start() {
	local bin h
	local -a opts=()
	bin=$(x_sink_bin) || x_bail "could not build tests/sink/sink"
	for h in "${X_SINK_HEADERS[@]}"; do
		opts+=(-H "$h")
	done
	X_SINK_LOG=$T_DIR/sink.log
	rm -f "$T_DIR/sink.port"
	ts_spawn "$T_DIR/sink.pid" "$T_DIR/sink.err" "$bin" -P "$T_DIR/sink.port" \
		-l "$X_SINK_LOG" "${opts[@]}" || x_bail "the sink did not start"
	X_SINK_PID=$TS_SPAWNED_PID
	X_PORT=$(ts_wait_file "$T_DIR/sink.port" 5 "$X_SINK_PID") ||
		x_bail "the sink wrote no port file"
	# shellcheck disable=SC2034 # for the tests
	X_URL=http://127.0.0.1:$X_PORT
	: >>"$X_SINK_LOG"
}

x_sink_stop() {
	[[ -n $X_SINK_PID ]] || return 0
	ts_stop_pid "$X_SINK_PID" 5
	X_SINK_PID=
}

# x_sink_sync -- let the sink write out what it has received (it flushes
# every 20 ms anyway; SIGHUP flushes at once).
x_sink_sync() {
	[[ -n $X_SINK_PID ]] && kill -HUP "$X_SINK_PID" 2>/dev/null
	sleep 0.1
}

# x_sink_lines ID [ATTEMPT] -- the sink's log lines for task ID (and attempt).
x_sink_lines() {
	awk -F'\t' -v id="$1" -v a="${2:-}" '$4 == id && (a == "" || $5 == a)' "$X_SINK_LOG"
}

# x_sink_count ID [ATTEMPT] -- how many requests came for task ID.
x_sink_count() {
	x_sink_lines "$@" | wc -l
}

# x_sink_field ID N [ATTEMPT] -- column N of the first request for ID.
x_sink_field() {
	x_sink_lines "$1" "${3:-}" | head -n 1 | cut -f "$2"
}

# x_unescape TEXT -- undo the sink's field escaping (\t \n \r \\ \xNN).
x_unescape() {
	printf '%b' "$1"
}

# x_query_param PATH NAME -- the decoded value of query parameter NAME.
x_query_param() {
	local q=${1#*\?} item v
	[[ $1 == *\?* ]] || return 1
	local IFS='&'
	for item in $q; do
		if [[ ${item%%=*} == "$2" ]]; then
			v=${item#*=}
			v=${v//+/ }
			printf '%b' "${v//%/\\x}"
			return 0
		fi
	done
	return 1
}

# --- tasks -------------------------------------------------------------------

# x_sql SQL -- SQL in the tasksched database as root, in UTC, rows printed
# tab-separated without headers.
x_sql() {
	t_sql "SET time_zone = '+00:00'; $1"
}

x_uuid() {
	cat /proc/sys/kernel/random/uuid
}

# x_now_us -- the wall clock in Unix microseconds.
x_now_us() {
	date +%s%6N
}

# x_webhook URL [METHOD] [DATA-JSON] [HEADERS-JSON] [TIMEOUT-MS] -- a
# webhook payload.
x_webhook() {
	jq -nc --arg url "$1" --arg method "${2:-}" --argjson data "${3:-null}" \
		--argjson headers "${4:-null}" --arg timeout "${5:-}" \
		'{url: $url}
		+ (if $method != "" then {method: $method} else {} end)
		+ (if $data != null then {data: $data} else {} end)
		+ (if $headers != null then {headers: $headers} else {} end)
		+ (if $timeout != "" then {timeout_ms: ($timeout | tonumber)} else {} end)'
}

x_sql_str() {
	local s=${1//\\/\\\\}
	printf "'%s'" "${s//\'/\'\'}"
}

# x_add_task ACTION PAYLOAD [RUN-AT-SQL] [RECURRENCE] [MAX-ATTEMPTS] -- insert
# a scheduled task as the API would (due_at = run_at; a monthly series
# anchored on run_at's day) and print its id. RUN-AT-SQL is an SQL
# expression in UTC (default: UTC_TIMESTAMP(6), due now).
x_add_task() {
	local id rec=NULL
	id=$(x_uuid)
	[[ -n ${4:-} ]] && rec="'$4'"
	x_sql "INSERT INTO tasks (id, action, payload, run_at, due_at, status, recurrence,
			anchor_day, parent_task_id, attempts, max_attempts, created_at, updated_at)
		SELECT '$id', '$1', $(x_sql_str "$2"), r, r, 'scheduled', $rec,
			IF($rec = 'monthly', DAYOFMONTH(r), NULL), NULL, 0, ${5:-3},
			UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
		FROM (SELECT ${3:-UTC_TIMESTAMP(6)} AS r) x" || return 1
	printf '%s\n' "$id"
}

# x_task ID COLUMNS -- columns of task ID, tab-separated ("NULL" for null).
x_task() {
	x_sql "SELECT $2 FROM tasks WHERE id = '$1'"
}

# x_runs ID -- task ID's runs, one line each: attempt, outcome, http_status,
# response_excerpt (first 40 bytes), error (first 60 bytes).
x_runs() {
	x_sql "SELECT attempt, outcome, IFNULL(http_status, 'NULL'),
			IFNULL(LEFT(response_excerpt, 40), 'NULL'), IFNULL(LEFT(error, 60), 'NULL')
		FROM task_runs WHERE task_id = '$1' ORDER BY attempt, id"
}

# x_wait SECS CMD... -- poll every 0.1 s until CMD succeeds; false on timeout.
x_wait() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

# x_sql_is SQL WANT -- the query prints exactly WANT.
x_sql_is() {
	[[ $(x_sql "$1" 2>/dev/null) == "$2" ]]
}

# --- executor runs -----------------------------------------------------------

# x_exec_once NAME [ARGS...] -- one "--once" run in the foreground, its
# output appended to $T_DIR/executor-NAME.log; returns its exit status.
x_exec_once() {
	local name=$1
	shift
	timeout 120 "$T_EXECUTOR" --config "$T_CONF" --once "$@" \
		>>"$T_DIR/executor-$name.log" 2>&1 </dev/null
}

# x_exec_start NAME [ARGS...] -- the executor in the background, in a
# session of its own; output to $T_DIR/executor-NAME.log, pid to
# executor-NAME.pid, exit status to executor-NAME.rc once it ends. When
# X_GATE names a file, it starts only once that file exists (so that several
# start at the same moment); x_exec_pid then waits for it.
x_exec_start() {
	local name=$1 i
	shift
	X_EXEC_NAMES+=("$name")
	rm -f "$T_DIR/executor-$name.pid" "$T_DIR/executor-$name.rc" "$T_DIR/executor-$name.wpid"
	# shellcheck disable=SC2016
	setsid /bin/sh -c '
		base=$1 gate=$2
		shift 2
		echo $$ >"$base.wpid"
		if [ -n "$gate" ]; then
			while [ ! -e "$gate" ]; do sleep 0.002; done
		fi
		"$@" >>"$base.log" 2>&1 </dev/null &
		echo $! >"$base.pid.tmp" && mv "$base.pid.tmp" "$base.pid"
		wait $!
		echo $? >"$base.rc.tmp" && mv "$base.rc.tmp" "$base.rc"' \
		sh "$T_DIR/executor-$name" "$X_GATE" "$T_EXECUTOR" --config "$T_CONF" "$@" \
		</dev/null >>"$T_DIR/executor-$name.log" 2>&1 &
	disown $! 2>/dev/null || true
	[[ -n $X_GATE ]] && return 0
	x_exec_pid "$name" >/dev/null
}

# x_exec_pid NAME -- the pid of a background executor (waits up to 10 s
# for it to start).
x_exec_pid() {
	ts_wait_file "$T_DIR/executor-$1.pid" 10
}

# x_exec_wait NAME SECS -- wait until it has ended; prints its exit status
# ("timeout" when it is still running).
x_exec_wait() {
	ts_wait_file "$T_DIR/executor-$1.rc" "$2" && return 0
	echo timeout
	return 1
}

# x_exec_term NAME [SECS] -- SIGTERM, then wait; prints its exit status.
x_exec_term() {
	local pid
	pid=$(x_exec_pid "$1") || { echo "not started"; return 1; }
	ts_pid_alive "$pid" && kill -TERM "$pid"
	x_exec_wait "$1" "${2:-30}"
}

# x_exec_kill NAME -- SIGKILL, as a crash would; waits until it is gone.
x_exec_kill() {
	local pid
	pid=$(x_exec_pid "$1") || return 1
	kill -KILL "$pid" 2>/dev/null
	ts_wait_pid_gone "$pid" 10
	x_exec_wait "$1" 5 >/dev/null
}

# x_exec_log NAME -- what the executor NAME wrote (stdout and stderr).
x_exec_log() {
	cat "$T_DIR/executor-$1.log" 2>/dev/null
}

# x_procs_down -- kill executors still running (and the wrappers of those
# still waiting for their gate), stop the sink.
x_procs_down() {
	local name pid f
	[[ -n $T_DIR && -d $T_DIR ]] || return 0
	for name in "${X_EXEC_NAMES[@]}"; do
		for f in "$T_DIR/executor-$name.pid" "$T_DIR/executor-$name.wpid"; do
			pid=$(cat "$f" 2>/dev/null) || continue
			if ts_pid_alive "$pid"; then
				kill -KILL "$pid" 2>/dev/null
				ts_wait_pid_gone "$pid" 5
			fi
		done
	done
	X_EXEC_NAMES=()
	x_sink_stop
	# The foreign receivers of tests/receivers/lib.sh, where a test uses them.
	[[ $(type -t rx_stop_all) == function ]] && rx_stop_all
	return 0
}

# x_sanitizer_check -- a sanitizer report in an executor's log fails the
# test (when built with --enable-sanitizers).
x_sanitizer_check() {
	local f
	[[ -n $T_DIR && -d $T_DIR ]] || return 0
	for f in "$T_DIR"/executor-*.log; do
		[[ -f $f ]] || continue
		if grep -qE 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:' "$f"; then
			t_not_ok "no sanitizer report in $(basename "$f")"
			grep -E -A 30 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$f" |
				head -n 60 | sed 's/^/#   /'
		fi
	done
}
