# shellcheck shell=bash
# testlib.sh -- what the integration tests share: a throw-away stack
# (MariaDB, spawn-fcgi, lighttpd or Apache) and one-line assertions.
#
# Source it from a *.test script. It expects abs_top_srcdir and
# abs_top_builddir (set by "make check"; when run by hand they default to the
# source tree and its _build or in-place build). Exit statuses follow the
# automake harness: 0 pass, 1 fail, 77 skip, 99 hard error. Each assertion
# prints "ok - ..." or "not ok - ..."; t_done prints a summary, stops the
# stack and exits. The stack is also torn down when the test dies.

set -u

T_NAME=$(basename "$0" .test)
T_PASS=0
T_FAIL=0
T_DIR=
T_WEB=
T_DONE=0
declare -a T_STATUSES=()

if [[ -z ${abs_top_srcdir:-} ]]; then
	abs_top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
fi
# shellcheck source=scripts/stack.sh
source "$abs_top_srcdir/scripts/stack.sh"
if [[ -z ${abs_top_builddir:-} ]]; then
	abs_top_builddir=$(ts_default_builddir "$abs_top_srcdir")
fi

T_API=$abs_top_builddir/src/tasksched-api
T_ADMIN=$abs_top_builddir/src/tasksched-admin

# --- outcomes --------------------------------------------------------------

t_skip() {
	echo "SKIP: $T_NAME: $*"
	T_DONE=1
	exit 77
}

# t_bail MSG -- the test cannot go on (its stack did not start): exit 99.
t_bail() {
	echo "Bail out! $*"
	t_show_logs
	T_DONE=1
	t_stack_down
	t_cleanup_dir
	exit 99
}

t_ok() {
	T_PASS=$((T_PASS + 1))
	echo "ok - $*"
}

t_not_ok() {
	T_FAIL=$((T_FAIL + 1))
	echo "not ok - $*"
}

# t_note TEXT... -- diagnostics, indented under the assertion they explain.
t_note() {
	printf '%s\n' "$@" | sed 's/^/#   /'
}

# t_check DESC CMD... -- ok when CMD succeeds.
t_check() {
	local desc=$1
	shift
	if "$@"; then
		t_ok "$desc"
	else
		t_not_ok "$desc"
		return 1
	fi
}

# t_eq DESC GOT WANT
t_eq() {
	if [[ $2 == "$3" ]]; then
		t_ok "$1"
	else
		t_not_ok "$1"
		t_note "got:  $2" "want: $3"
		return 1
	fi
}

# t_match DESC GOT REGEX
t_match() {
	if [[ $2 =~ $3 ]]; then
		t_ok "$1"
	else
		t_not_ok "$1"
		t_note "got:  $2" "want: /$3/"
		return 1
	fi
}

# t_done -- stop the stack, fail on sanitizer reports, print the summary
# and exit 0 or 1.
t_done() {
	T_DONE=1
	t_stack_down
	t_sanitizer_check
	echo "# $T_NAME: $T_PASS passed, $T_FAIL failed"
	if ((T_FAIL > 0 || T_PASS == 0)); then
		t_show_logs
		t_cleanup_dir
		exit 1
	fi
	t_cleanup_dir
	exit 0
}

# --- requirements ----------------------------------------------------------

# t_require CMD... -- skip the test when a program it needs is missing.
t_require() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || t_skip "$c is not installed"
	done
}

t_require_built() {
	[[ -x $T_API ]] || t_bail "$T_API is not built"
	[[ -x $T_ADMIN ]] || t_bail "$T_ADMIN is not built"
}

# --- the stack -------------------------------------------------------------

# Throw-away instances need no durability against power loss and little
# memory; kill -9 of mariadbd alone still loses nothing committed.
: "${T_MARIADB_OPTS:=--innodb-buffer-pool-size=32M --innodb-log-file-size=8M --innodb-flush-log-at-trx-commit=2}"

# t_db_up -- a fresh temporary directory T_DIR (torn down by the EXIT trap)
# with MariaDB in T_DB and the database and its user created; T_CONF names
# the configuration to write there.
t_db_up() {
	T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tasksched-test.XXXXXX") || t_bail "mktemp failed"
	# Apache's workers (www-data) must reach the API's socket in there.
	chmod 0711 "$T_DIR"
	trap 't_on_exit' EXIT
	trap 'exit 1' INT TERM HUP
	T_DB=$T_DIR/db
	T_CONF=$T_DIR/tasksched.conf
	TS_MARIADB_OPTS=$T_MARIADB_OPTS ts_mariadb_start "$T_DB" || t_bail "MariaDB did not start"
	ts_mariadb_setup "$T_DB" "$T_DIR/db-password" || t_bail "could not create the database"
}

# t_stack_up [lighttpd|apache|none] [CHILDREN] -- start MariaDB in a fresh
# temporary directory, create the database, write $T_CONF, migrate, start
# spawn-fcgi and the web server on a free port. Sets T_DIR, T_DB (the
# MariaDB directory), T_CONF, T_SOCK, T_PORT and T_BASE (http://127.0.0.1:PORT).
t_stack_up() {
	local web=${1:-lighttpd} children=${2:-2} i
	t_require mariadbd mariadb-install-db mariadb curl jq spawn-fcgi setsid
	case $web in
	lighttpd) t_require lighttpd ;;
	apache) t_require apache2 ;;
	esac
	t_require_built
	t_db_up
	T_SOCK=$T_DIR/run/api.sock
	mkdir -p "$T_DIR/run" && chmod 0755 "$T_DIR/run"
	ts_write_config "$T_CONF" "$T_DB" "$T_DIR/db-password" "$abs_top_srcdir/sql" \
		log_level=debug
	if ! "$T_ADMIN" --config "$T_CONF" migrate >"$T_DIR/migrate.log" 2>&1; then
		cat "$T_DIR/migrate.log"
		t_bail "tasksched-admin migrate failed"
	fi
	# Every /tasks request needs an API key; req sends this one.
	T_TOKEN=$("$T_ADMIN" --config "$T_CONF" key create tests --tenant default 2>>"$T_DIR/migrate.log") ||
		t_bail "tasksched-admin key create failed"
	ts_fcgi_start "$T_SOCK" "$T_DIR" "$children" "$T_API" "$T_CONF" ||
		t_bail "spawn-fcgi did not start tasksched-api"
	[[ $web == none ]] && return 0
	# A free port can be taken by someone else before the server binds it.
	for ((i = 0; i < 5; i++)); do
		T_PORT=$(ts_free_port) || t_bail "no free port"
		case $web in
		lighttpd)
			ts_lighttpd_start "$T_DIR/lighttpd" "$T_PORT" "$T_SOCK" \
				"$abs_top_srcdir/conf/lighttpd/tasksched.conf" && break
			;;
		apache)
			if ((EUID == 0)) && id www-data >/dev/null 2>&1 &&
				! runuser -u www-data -- test -w "$T_SOCK"; then
				t_bail "Apache's workers (www-data) cannot reach $T_SOCK:" \
					"make the directories above it searchable (chmod o+x)"
			fi
			ts_apache_start "$T_DIR/apache" "$T_PORT" "$T_SOCK" \
				"$abs_top_srcdir/conf/apache/tasksched.conf" && break
			;;
		*) t_bail "unknown web server $web" ;;
		esac
	done
	((i < 5)) || t_bail "$web did not start"
	T_WEB=$web
	T_BASE=http://127.0.0.1:$T_PORT
}

t_stack_down() {
	[[ -n $T_DIR && -d $T_DIR ]] || return 0
	case $T_WEB in
	lighttpd) ts_lighttpd_stop "$T_DIR/lighttpd" ;;
	apache) ts_apache_stop "$T_DIR/apache" ;;
	esac
	T_WEB=
	ts_fcgi_stop "$T_DIR"
	ts_mariadb_stop "$T_DB"
}

t_cleanup_dir() {
	[[ -n $T_DIR && -d $T_DIR ]] || return 0
	if [[ -n ${TS_KEEP_TMP:-} ]]; then
		echo "# kept $T_DIR"
	else
		rm -rf "$T_DIR"
	fi
	T_DIR=
}

t_on_exit() {
	local rc=$?
	if ((T_DONE == 0)); then
		echo "# $T_NAME: stopped early (exit $rc) after $T_PASS passed, $T_FAIL failed"
		t_show_logs
		t_stack_down
		t_cleanup_dir
	fi
}

# t_show_logs -- the end of each server log, for a failed test's .log file.
t_show_logs() {
	local f
	[[ -n $T_DIR && -d $T_DIR ]] || return 0
	for f in "$T_DIR/api.log" "$T_DIR/db/error.log" \
		"$T_DIR/lighttpd/lighttpd-error.log" "$T_DIR/apache/apache-error.log"; do
		[[ -s $f ]] || continue
		echo "# --- last lines of $f"
		# MariaDB's notes are its normal start and stop.
		grep -v -e '\[Note\]' -e '^Version:' "$f" | tail -n 40 | sed 's/^/#   /'
	done
}

# t_sanitizer_check -- a sanitizer report in the API's log fails the test.
t_sanitizer_check() {
	[[ -n $T_DIR && -f $T_DIR/api.log ]] || return 0
	if grep -qE 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:' "$T_DIR/api.log"; then
		t_not_ok "no sanitizer report in the API log"
		grep -E -A 30 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$T_DIR/api.log" |
			head -n 80 | sed 's/^/#   /'
	fi
}

# t_sql SQL -- run SQL in the tasksched database as root; prints rows
# tab-separated without headers.
t_sql() {
	ts_mariadb_sql "$T_DB" --batch --skip-column-names tasksched -e "$1"
}

t_count_tasks() {
	t_sql "SELECT COUNT(*) FROM tasks"
}

# t_seed_task ID STATUS RUN-DAYS-AGO UPDATED-DAYS-AGO RUNS [TENANT] [PARENT]
# -- a message task inserted as the executor would leave it (run_at and
# updated_at that many days ago, RUNS attempts, each with a run row), for
# tests of what happens to old rows.
t_seed_task() {
	local parent=NULL
	[[ -n ${7:-} ]] && parent="'$7'"
	t_sql "SET time_zone = '+00:00';
		INSERT INTO tasks (id, tenant, action, payload, run_at, due_at, status,
			parent_task_id, attempts, max_attempts, created_at, updated_at)
		SELECT '$1', '${6:-default}', 'message', '{\"recipient\":\"r\",\"message\":\"m\"}',
			r, r, '$2', $parent, $5, 3, r, NOW(6) - INTERVAL $4 DAY
		FROM (SELECT NOW(6) - INTERVAL $3 DAY AS r) x;
		INSERT INTO task_runs (task_id, attempt, executor_id, started_at, finished_at, outcome)
		SELECT '$1', seq, 'x', NOW(6), NOW(6), 'failed' FROM seq_1_to_$5 WHERE $5 > 0"
}

# t_seed_keys PREFIX COUNT AGE-SQL -- COUNT idempotency keys PREFIX-1...
# created AGE-SQL ago (an SQL interval, e.g. "2 DAY").
t_seed_keys() {
	t_sql "SET time_zone = '+00:00';
		INSERT INTO idempotency_keys (tenant, idem_key, request_hash, task_id, created_at)
		SELECT 'default', CONCAT('$1-', seq), REPEAT('a', 64), UUID(), NOW(6) - INTERVAL $3
		FROM seq_1_to_$2"
}

# --- HTTP ------------------------------------------------------------------

# req METHOD PATH [CURL ARGS...] -- one request to the stack, with the API
# key in $T_TOKEN (set T_TOKEN= to send none). Sets R_STATUS (000 when there
# was no answer), R_BODY, R_TIME (seconds) and R_HEADERS (a file with the
# response headers).
# shellcheck disable=SC2034
req() {
	local method=$1 path=$2 out
	local -a auth=()
	shift 2
	[[ -n ${T_TOKEN:-} ]] && auth=(-H "Authorization: Bearer $T_TOKEN")
	R_HEADERS=$T_DIR/last-headers
	: >"$T_DIR/last-body"
	out=$(curl -sS -g -X "$method" --max-time "${T_MAX_TIME:-10}" "${auth[@]}" \
		-o "$T_DIR/last-body" -D "$R_HEADERS" \
		-w '%{http_code} %{time_total}' "$@" "$T_BASE$path" 2>"$T_DIR/last-curl-err") || true
	R_STATUS=${out%% *}
	R_TIME=${out#* }
	[[ -n $R_STATUS ]] || R_STATUS=000
	R_BODY=$(cat "$T_DIR/last-body")
	T_STATUSES+=("$R_STATUS $method $path")
}

# t_no_5xx DESC [ALLOWED-STATUS...] -- no request so far got a 5xx answer
# (other than the allowed ones, e.g. 503) nor no answer at all.
t_no_5xx() {
	local desc=$1 s bad=()
	shift
	for s in "${T_STATUSES[@]}"; do
		case " $* " in *" ${s%% *} "*) continue ;; esac
		[[ $s == 5* || $s == 000* ]] && bad+=("$s")
	done
	if ((${#bad[@]} == 0)); then
		t_ok "$desc"
	else
		t_not_ok "$desc"
		t_note "${bad[@]:0:20}"
	fi
}

# post_json PATH JSON [CURL ARGS...]
post_json() {
	local path=$1 body=$2
	shift 2
	req POST "$path" -H 'Content-Type: application/json' --data-binary "$body" "$@"
}

# hdr NAME -- a header of the last response ("" when absent).
hdr() {
	awk -v n="$1" 'BEGIN { n = tolower(n) }
		{ sub(/\r$/, "") }
		/^HTTP\// { v = ""; found = 0; next }
		{ i = index($0, ":"); if (i && tolower(substr($0, 1, i - 1)) == n) { v = substr($0, i + 1); sub(/^[ \t]+/, "", v); found = 1 } }
		END { if (found) print v }' "$R_HEADERS"
}

# jb FILTER -- jq -r FILTER over the last response body ("" if not JSON).
jb() {
	jq -r "$1" <<<"$R_BODY" 2>/dev/null
}

# is_json -- the last body is one JSON value.
is_json() {
	jq -e . >/dev/null 2>&1 <<<"$R_BODY"
}

# expect_status DESC WANT -- note the request's body when it differs.
expect_status() {
	if [[ $R_STATUS == "$2" ]]; then
		t_ok "$1 -> $2"
	else
		t_not_ok "$1 -> $2"
		t_note "got status $R_STATUS, body: ${R_BODY:0:300}"
		return 1
	fi
}

# expect_json DESC FILTER WANT -- jq -r FILTER over the body equals WANT.
expect_json() {
	local got
	got=$(jb "$2")
	if [[ $got == "$3" ]]; then
		t_ok "$1"
	else
		t_not_ok "$1"
		t_note "$2 = $got" "want: $3" "body: ${R_BODY:0:300}"
		return 1
	fi
}

# expect_error DESC STATUS CODE [FIELD] -- a JSON error with that status,
# "code", "field" (when given; "-" means the field must be absent or null)
# and a non-empty human "error" string.
expect_error() {
	local desc=$1 status=$2 code=$3 field=${4:-} got_field msg
	local ok=1
	[[ $R_STATUS == "$status" ]] || ok=0
	[[ $(jb '.code') == "$code" ]] || ok=0
	[[ $(hdr Content-Type) =~ ^application/json ]] || ok=0
	msg=$(jb 'if (.error | type) == "string" then .error else "" end')
	[[ -n $msg ]] || ok=0
	got_field=$(jb '.field // "-"')
	if [[ -n $field && $got_field != "$field" ]]; then
		ok=0
	fi
	if ((ok)); then
		t_ok "$desc -> $status $code${field:+ ($field)}"
	else
		t_not_ok "$desc -> $status $code${field:+ ($field)}"
		t_note "got status $R_STATUS, Content-Type: $(hdr Content-Type), body: ${R_BODY:0:300}"
		return 1
	fi
}
