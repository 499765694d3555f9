# shellcheck shell=bash
# lib.sh -- helpers for testing the installed tasksched package, shared by
# the autopkgtest (debian/tests/web-api) and the CI job (tests/package/run).
# Bash; source it. Functions return non-zero after a message on stderr.
#
# The process helpers (ts_spawn, ts_stop_pid, ts_pid_alive, ts_wait_socket,
# ts_wait_port ...) and the throw-away MariaDB (ts_mariadb_*) are upstream's
# scripts/proc.sh, sourced from the source tree, which autopkgtest runs the
# tests in. On top of them:
#
#   tsp_mariadb_ping                 does a server answer on the default socket?
#   tsp_mariadb_start DIR            a throw-away MariaDB (data in DIR) on the
#                                    default socket; ts_mariadb_stop DIR
#   tsp_unit_start UNIT DIR          start a unit's ExecStart as systemd would
#                                    (when systemd is not running): user,
#                                    groups, RuntimeDirectory, UMask, ...
#   tsp_unit_stop UNIT DIR           stop it again
#   tsp_unit_run UNIT ARGS...        run the unit's User/Group with its
#                                    credentials: ARGS as command
#   tsp_api_smoke URL DIR            the REST API smoke test through a web server
#   tsp_apache_stop                  stop an Apache started by apache2ctl start

TS_MSG_TAG=package-test
# shellcheck source=scripts/proc.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/proc.sh"

# Where Debian's MariaDB, its client, dbconfig-common and the packaged
# /etc/tasksched/tasksched.conf (db_socket) all look for the server.
TSP_MYSQL_SOCK=/run/mysqld/mysqld.sock
TSP_UNITDIR=/lib/systemd/system

tsp_mariadb_ping() {
	ts_mariadb_answers "$TSP_MYSQL_SOCK"
}

# tsp_mariadb_start DIR -- initialise and start a MariaDB whose data, log and
# pid live in DIR, listening only on the default socket (no TCP). The
# server's root account authenticates by unix socket, as Debian's does, so
# dbconfig-common connects as root without a password.
tsp_mariadb_start() {
	if tsp_mariadb_ping; then
		ts_msg "a MariaDB already answers on $TSP_MYSQL_SOCK: stop it first"
		return 1
	fi
	TS_MARIADB_OPTS=--innodb-buffer-pool-size=32M \
		ts_mariadb_start "$1" "" "$TSP_MYSQL_SOCK"
}

# tsp_apache_stop -- stop an Apache started with "apache2ctl start" and wait
# for it to be gone (apache2ctl only signals it).
tsp_apache_stop() {
	local pid
	pid=$(cat /run/apache2/apache2.pid 2>/dev/null) || return 0
	apache2ctl stop
	ts_stop_pid "$pid" 15
}

# tsp_unit_get UNIT KEY -- the values of KEY in the unit's [Service] section,
# one per line (later lines override or add, as systemd reads them).
tsp_unit_get() {
	local file=$TSP_UNITDIR/$1 key=$2
	[[ -f $file ]] || {
		ts_msg "no unit file $file"
		return 1
	}
	awk -v key="$key" '
		/^\[/ { section = $0; next }
		section == "[Service]" && index($0, key "=") == 1 {
			print substr($0, length(key) + 2)
		}' "$file"
}

# tsp_unit_last UNIT KEY -- the value in force for a single-valued KEY.
tsp_unit_last() {
	tsp_unit_get "$@" | tail -n 1
}

# tsp_unit_creds UNIT -- set tsp_uid, tsp_gid, tsp_groups (comma-separated
# supplementary gids), tsp_user and tsp_home the way systemd does for User=,
# Group= and SupplementaryGroups=: initgroups(User, gid of Group=), i.e. the
# Group= gid plus the groups of /etc/group that list the user as a member
# (not the user's own primary group when Group= names another), plus
# SupplementaryGroups=.
tsp_unit_creds() {
	local unit=$1 group g extra
	tsp_user=$(tsp_unit_last "$unit" User) || return 1
	group=$(tsp_unit_last "$unit" Group)
	[[ -n $tsp_user ]] || {
		ts_msg "$unit has no User=; refusing to run it as root"
		return 1
	}
	tsp_uid=$(id -u "$tsp_user") || return 1
	tsp_home=$(getent passwd "$tsp_user" | cut -d: -f6)
	if [[ -n $group ]]; then
		tsp_gid=$(getent group "$group" | cut -d: -f3)
	else
		tsp_gid=$(id -g "$tsp_user")
	fi
	[[ -n $tsp_gid ]] || {
		ts_msg "$unit: unknown group '$group'"
		return 1
	}
	tsp_groups=$tsp_gid
	for g in $(getent group | awk -F: -v u="$tsp_user" '{
			n = split($4, m, ",")
			for (i = 1; i <= n; i++) if (m[i] == u) print $3
		}'); do
		tsp_groups+=",$g"
	done
	for extra in $(tsp_unit_get "$unit" SupplementaryGroups); do
		g=$(getent group "$extra" | cut -d: -f3)
		[[ -n $g ]] || {
			ts_msg "$unit: unknown supplementary group '$extra'"
			return 1
		}
		tsp_groups+=",$g"
	done
}

# tsp_unit_cmd UNIT -- set tsp_cmd to the command prefix that runs a
# command with the unit's credentials, no_new_privs and a clean environment
# (what systemd sets), and tsp_umask to the unit's UMask=.
tsp_unit_cmd() {
	local unit=$1 rt e nnp=() env=()
	tsp_unit_creds "$unit" || return 1
	tsp_umask=$(tsp_unit_last "$unit" UMask)
	tsp_umask=${tsp_umask:-0022}
	[[ $(tsp_unit_last "$unit" NoNewPrivileges) == yes ]] && nnp=(--no-new-privs)
	env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
		LANG=C.UTF-8 USER="$tsp_user" LOGNAME="$tsp_user"
		HOME="${tsp_home:-/}" SHELL=/usr/sbin/nologin)
	rt=$(tsp_unit_last "$unit" RuntimeDirectory)
	[[ -n $rt ]] && env+=(RUNTIME_DIRECTORY="/run/$rt")
	while read -r e; do
		[[ -n $e ]] && env+=("$e")
	done < <(tsp_unit_get "$unit" Environment)
	tsp_cmd=(setpriv --reuid="$tsp_uid" --regid="$tsp_gid" --groups="$tsp_groups"
		"${nnp[@]}" --inh-caps=-all env -i "${env[@]}")
}

# tsp_unit_argv UNIT -- set tsp_argv to the unit's ExecStart, split on
# blanks (the units use neither quotes nor specifiers; refuse those).
tsp_unit_argv() {
	local unit=$1 line
	line=$(tsp_unit_get "$unit" ExecStart) || return 1
	if [[ $(printf '%s\n' "$line" | grep -c .) -ne 1 ]]; then
		ts_msg "$unit: expected exactly one ExecStart=, got: $line"
		return 1
	fi
	if [[ $line == *[\"\'%\\]* ]]; then
		ts_msg "$unit: ExecStart uses quoting or specifiers, not emulated: $line"
		return 1
	fi
	read -r -a tsp_argv <<<"$line"
	# "-", "@", "+", "!", ":" prefixes change how systemd runs the command.
	if [[ ${tsp_argv[0]} != /* ]]; then
		ts_msg "$unit: ExecStart prefix not emulated: $line"
		return 1
	fi
}

# tsp_unit_start UNIT DIR -- start UNIT's ExecStart in the background as
# systemd would run it, with its RuntimeDirectory= created (owner User:Group,
# RuntimeDirectoryMode=); the pid goes to DIR/UNIT.pid, output to DIR/UNIT.log.
tsp_unit_start() {
	local unit=$1 dir=$2 rt mode
	tsp_unit_argv "$unit" || return 1
	tsp_unit_cmd "$unit" || return 1
	rt=$(tsp_unit_last "$unit" RuntimeDirectory)
	if [[ -n $rt ]]; then
		mode=$(tsp_unit_last "$unit" RuntimeDirectoryMode)
		rm -rf "/run/$rt"
		install -d -m "${mode:-0755}" -o "$tsp_uid" -g "$tsp_gid" "/run/$rt" || return 1
	fi
	ts_msg "starting $unit: ${tsp_argv[*]} (uid $tsp_uid, gid $tsp_gid, groups $tsp_groups)"
	(umask "$tsp_umask" &&
		ts_spawn "$dir/$unit.pid" "$dir/$unit.log" "${tsp_cmd[@]}" "${tsp_argv[@]}")
}

# tsp_unit_stop UNIT DIR -- SIGTERM the process, remove RuntimeDirectory=.
tsp_unit_stop() {
	local unit=$1 dir=$2 pid rt
	pid=$(cat "$dir/$unit.pid" 2>/dev/null) || return 0
	ts_stop_pid "$pid" "${3:-15}"
	rm -f "$dir/$unit.pid"
	rt=$(tsp_unit_last "$unit" RuntimeDirectory)
	[[ -n $rt ]] && rm -rf "/run/$rt"
	return 0
}

# tsp_unit_run UNIT ARGS... -- run ARGS in the foreground with the unit's
# credentials (e.g. "tasksched-executor --once" as the timer's service would).
tsp_unit_run() {
	tsp_unit_cmd "$1" || return 1
	shift
	(umask "$tsp_umask" && exec "${tsp_cmd[@]}" "$@")
}

# tsp_json FILE FILTER -- true when the jq FILTER holds on FILE.
tsp_json() {
	jq -er "$2" "$1" >/dev/null
}

# tsp_api_smoke URL DIR -- create, read, list, run (executor), inspect and
# delete a task through the web server at URL; DIR holds the responses.
# Prints one line per check; returns non-zero when one fails.
tsp_api_smoke() {
	local url=$1 dir=$2 id rc=0 now
	local body=$dir/body.json
	check() {
		local what=$1
		shift
		if "$@"; then
			echo "  ok: $what"
		else
			echo "  FAILED: $what" >&2
			[[ -s $body ]] && sed 's/^/    /' "$body" >&2
			rc=1
		fi
	}
	# Every /tasks request needs an API key; an administrator makes one so.
	local key_name=package-test-$$-$RANDOM token
	token=$(tasksched-admin key create "$key_name" 2>/dev/null) || token=
	check "tasksched-admin key create prints a token" test -n "$token"
	http() { # http METHOD PATH EXPECTED [CURL ARGS...]
		local method=$1 path=$2 expected=$3 code
		shift 3
		code=$(curl -s -o "$body" -w '%{http_code}' -X "$method" \
			-H "Authorization: Bearer $token" "$@" "$url$path") || code=000
		[[ $code == "$expected" ]] || {
			echo "    $method $path: HTTP $code, expected $expected" >&2
			return 1
		}
	}

	check "GET /healthz is 200 ok" http GET /healthz 200
	check "healthz says ok" tsp_json "$body" '.status == "ok"'

	now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	check "POST /tasks (message, due now) is 201" http POST /tasks 201 \
		-H 'Content-Type: application/json' \
		-d "{\"action\": \"message\", \"run_at\": \"$now\",
		     \"payload\": {\"recipient\": \"package-test\", \"message\": \"hello from the package test\"}}"
	id=$(jq -r '.task_id // empty' "$body" 2>/dev/null)
	check "the new task has an id" test -n "$id"
	[[ -n $id ]] || return 1

	check "GET /tasks/{id} is 200" http GET "/tasks/$id" 200
	check "the task is scheduled" tsp_json "$body" '.task.status == "scheduled"'
	check "GET /tasks?status=scheduled lists it" http GET "/tasks?status=scheduled&limit=1000" 200
	check "the list has the task" tsp_json "$body" "any(.tasks[]; .task_id == \"$id\")"
	check "GET /tasks?status=done is 400" http GET "/tasks?status=done" 400
	check "GET /tasks/00000000-0000-0000-0000-000000000000 is 404" \
		http GET /tasks/00000000-0000-0000-0000-000000000000 404

	check "one executor pass (tasksched-executor --once, as tasksched-executor.service's user)" \
		tsp_unit_run tasksched-executor.service /usr/sbin/tasksched-executor --once
	check "GET /tasks/{id} after the executor pass is 200" http GET "/tasks/$id" 200
	check "the task completed" tsp_json "$body" '.task.status == "completed"'
	check "GET /tasks/{id}/runs is 200" http GET "/tasks/$id/runs" 200
	check "one run, succeeded" tsp_json "$body" '(.runs | length) == 1 and .runs[0].outcome == "succeeded"'

	check "DELETE /tasks/{id} is 200" http DELETE "/tasks/$id" 200
	check "GET /tasks/{id} after DELETE is 404" http GET "/tasks/$id" 404
	check "GET /tasks without a key is 401" \
		sh -c "test \"\$(curl -s -o /dev/null -w '%{http_code}' '$url/tasks')\" = 401"
	check "tasksched-admin key revoke" tasksched-admin key revoke "$key_name"
	unset -f check http
	return $rc
}
