# shellcheck shell=bash
# proc.sh -- the process helpers every tasksched script shares: start a
# program in the background, wait for its socket or port, stop it by pid,
# and a throw-away MariaDB.
#
# Sourced by scripts/stack.sh (the private stack of scripts/run, the tests
# and the benchmarks) and by debian/tests/lib.sh (the installed package's
# tests, including tests/package/run). Bash; it defines functions only and
# changes no shell option. Each process is found again by the pid it
# recorded, checked against its command line, never by name (no pkill).
#
#   ts_spawn PIDFILE LOG CMD...   CMD in the background, in a session of its own
#   ts_wait_file FILE [SECS [PID]]  wait for FILE to be written, print it
#   ts_pid_alive PID, ts_pid_is PID MARKER, ts_wait_pid_gone PID [SECS]
#   ts_stop_pid PID [SECS]        SIGTERM, then SIGKILL after SECS
#   ts_free_port, ts_wait_port HOST PORT [SECS], ts_wait_socket PATH [SECS]
#   ts_mariadb_start DIR [PORT [SOCKET]]   private MariaDB in DIR (data in
#                                 DIR/data, socket DIR/mysqld.sock or a link
#                                 there to SOCKET); initialised on first use,
#                                 reused afterwards
#   ts_mariadb_setup DIR PWFILE   database `tasksched` and user `tasksched`
#   ts_mariadb_stop DIR           clean shutdown;  ts_mariadb_kill DIR: SIGKILL
#   ts_mariadb_sql DIR ARGS...    the mariadb client as root on that socket
#   ts_mariadb_answers SOCKET     does a MariaDB answer on SOCKET?
#
# Functions return non-zero (after a message on stderr) instead of exiting.

# Extra mariadbd options, e.g. smaller buffers for throw-away test instances.
: "${TS_MARIADB_OPTS:=}"
# What messages on stderr start with.
: "${TS_MSG_TAG:=stack}"

ts_msg() {
	printf '%s\n' "$TS_MSG_TAG: $*" >&2
}

# ts_pid_alive PID -- true while PID is a live (non-zombie) process.
ts_pid_alive() {
	local pid=$1 state
	[[ -n $pid && $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
	[[ $state != Z ]]
}

# ts_pid_is PID MARKER -- PID is alive and its command line contains MARKER
# (a path of its own): a pid file left from before a reboot may name some
# other process by now.
ts_pid_is() {
	local cmd
	ts_pid_alive "$1" || return 1
	cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
	[[ $cmd == *"$2"* ]]
}

# ts_wait_pid_gone PID [SECS] -- wait until PID has exited; false on timeout.
ts_wait_pid_gone() {
	local pid=$1 secs=${2:-30} i
	for ((i = 0; i < secs * 10; i++)); do
		ts_pid_alive "$pid" || return 0
		sleep 0.1
	done
	return 1
}

# ts_stop_pid PID [SECS] -- SIGTERM, wait, then SIGKILL if still alive.
ts_stop_pid() {
	local pid=$1 secs=${2:-10}
	ts_pid_alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null
	ts_wait_pid_gone "$pid" "$secs" && return 0
	ts_msg "pid $pid ignored SIGTERM for ${secs}s, sending SIGKILL"
	kill -KILL "$pid" 2>/dev/null
	ts_wait_pid_gone "$pid" 5
}

# ts_spawn PIDFILE LOG CMD... -- run CMD in the background in a session of
# its own, so that a Ctrl-C in the caller's terminal reaches only the caller,
# whose trap then stops everything in order. Standard input is /dev/null and
# output is appended to LOG. CMD's pid is written to PIDFILE and left in
# TS_SPAWNED_PID (setsid may fork, so $! would not be it).
ts_spawn() {
	local pidfile=$1 log=$2
	shift 2
	rm -f "$pidfile"
	TS_SPAWNED_PID=
	# shellcheck disable=SC2016
	setsid /bin/sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' \
		"$pidfile" "$@" </dev/null >>"$log" 2>&1 &
	# Not a job of the caller: no "Killed" notice when a test kills it.
	disown $! 2>/dev/null || true
	if TS_SPAWNED_PID=$(ts_wait_file "$pidfile" 5); then
		return 0
	fi
	ts_msg "could not start $1"
	return 1
}

# ts_wait_file FILE [SECS [PID]] -- wait until FILE is not empty (written
# by another process, which renames it into place), then print it; false
# after SECS (10), or as soon as PID, the process to write it, is gone.
ts_wait_file() {
	local file=$1 secs=${2:-10} pid=${3:-} i
	for ((i = 0; i < secs * 50; i++)); do
		if [[ -s $file ]]; then
			cat "$file"
			return 0
		fi
		[[ -z $pid ]] || ts_pid_alive "$pid" || break
		sleep 0.02
	done
	[[ -s $file ]] && cat "$file"
}

# ts_start_failed NAME PID LOG LINES -- NAME (PID) did not come up: show
# the last LINES of its LOG, stop it, return 1.
ts_start_failed() {
	ts_msg "$1 did not start; end of $3:"
	tail -n "$4" "$3" >&2
	ts_stop_pid "$2" 5
	return 1
}

# ts_free_port -- print a TCP port on 127.0.0.1 that is free right now.
ts_free_port() {
	local py port i
	py=$(command -v python3 || true)
	if [[ -n $py ]] && port=$("$py" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' 2>/dev/null); then
		echo "$port"
		return 0
	fi
	for ((i = 0; i < 100; i++)); do
		port=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	ts_msg "no free port found"
	return 1
}

# ts_wait_port HOST PORT [SECS] -- wait until something accepts on HOST:PORT.
ts_wait_port() {
	local host=$1 port=$2 secs=${3:-20} i
	for ((i = 0; i < secs * 20; i++)); do
		if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
			return 0
		fi
		sleep 0.05
	done
	ts_msg "nothing listens on $host:$port after ${secs}s"
	return 1
}

# ts_wait_socket PATH [SECS] -- wait until the unix socket PATH exists.
ts_wait_socket() {
	local path=$1 secs=${2:-20} i
	for ((i = 0; i < secs * 20; i++)); do
		[[ -S $path ]] && return 0
		sleep 0.05
	done
	ts_msg "socket $path did not appear after ${secs}s"
	return 1
}

# ts_check_sun_path PATH -- unix socket paths are limited to 107 bytes.
ts_check_sun_path() {
	if ((${#1} > 107)); then
		ts_msg "socket path too long for a unix socket (${#1} > 107 bytes): $1"
		return 1
	fi
}

# --- MariaDB ---------------------------------------------------------------

ts_mariadb_sock() {
	printf '%s\n' "$1/mysqld.sock"
}

# ts_mariadb_sql DIR [mariadb client args...] -- run the client as root.
ts_mariadb_sql() {
	local dir=$1
	shift
	mariadb --no-defaults --socket="$dir/mysqld.sock" --user=root "$@"
}

# ts_mariadb_answers SOCKET -- a MariaDB server answers on SOCKET.
ts_mariadb_answers() {
	mariadb-admin --no-defaults --socket="$1" --user=root \
		--connect-timeout=2 ping >/dev/null 2>&1
}

ts_mariadb_ping() {
	ts_mariadb_answers "$1/mysqld.sock"
}

# ts_mariadb_start DIR [PORT [SOCKET]] -- start a private mariadbd whose
# data, pid file and error log live in DIR; with PORT (may be "") it also
# listens on 127.0.0.1:PORT, otherwise networking is off. Its socket is
# DIR/mysqld.sock, or SOCKET (e.g. /run/mysqld/mysqld.sock, where Debian's
# clients look) with DIR/mysqld.sock a link to it, so that the other
# ts_mariadb_* functions and configurations written for DIR reach it
# either way. The data directory is created by mariadb-install-db only when
# it does not exist yet. InnoDB keeps its durable defaults (flush at each
# commit, doublewrite); TS_MARIADB_OPTS adds options. Waits until the
# server answers.
ts_mariadb_start() {
	local dir=$1 port=${2:-} sock=${3:-} user pid i net
	local -a opts
	user=$(id -un)
	mkdir -p "$dir" || return 1
	dir=$(cd "$dir" && pwd) || return 1
	[[ -n $sock ]] || sock=$dir/mysqld.sock
	ts_check_sun_path "$sock" || return 1
	if [[ $sock != "$dir/mysqld.sock" ]]; then
		mkdir -p "$(dirname "$sock")" && ln -sfn "$sock" "$dir/mysqld.sock" || return 1
	fi
	if ts_mariadb_ping "$dir"; then
		ts_msg "MariaDB in $dir is already running"
		return 0
	fi
	read -r -a opts <<<"$TS_MARIADB_OPTS"
	# A temporary directory of its own: servers sharing /tmp remove each
	# other's temporary tables (concurrent mariadb-install-db runs fail).
	mkdir -p "$dir/tmp" || return 1
	opts=(--tmpdir="$dir/tmp" "${opts[@]}")
	if [[ ! -d $dir/data/mysql ]]; then
		rm -rf "$dir/data"
		if ! mariadb-install-db --no-defaults --datadir="$dir/data" \
			--user="$user" --auth-root-authentication-method=socket \
			--skip-test-db --skip-name-resolve "${opts[@]}" \
			>"$dir/install.log" 2>&1; then
			ts_msg "mariadb-install-db failed:"
			tail -n 20 "$dir/install.log" >&2
			return 1
		fi
	fi
	if [[ -n $port ]]; then
		net="--port=$port --bind-address=127.0.0.1"
	else
		net="--skip-networking"
	fi
	# shellcheck disable=SC2086
	ts_spawn "$dir/mariadbd.pid" "$dir/error.log" \
		mariadbd --no-defaults --datadir="$dir/data" \
		--socket="$sock" --pid-file="$dir/mysqld.pid" \
		--log-error="$dir/error.log" --user="$user" $net \
		--skip-name-resolve \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
		"${opts[@]}" || return 1
	pid=$TS_SPAWNED_PID
	for ((i = 0; i < 600; i++)); do
		if ts_mariadb_ping "$dir"; then
			return 0
		fi
		if ! ts_pid_alive "$pid"; then
			break
		fi
		sleep 0.1
	done
	ts_start_failed MariaDB "$pid" "$dir/error.log" 20
}

# ts_mariadb_pid DIR -- the pid of the mariadbd started for DIR (known by
# the data directory on its command line).
ts_mariadb_pid() {
	local pid dir
	dir=$(cd "$1" 2>/dev/null && pwd) || return 1
	pid=$(cat "$dir/mariadbd.pid" 2>/dev/null) || return 1
	ts_pid_is "$pid" "--datadir=$dir/data " || return 1
	echo "$pid"
}

# ts_mariadb_stop DIR [SECS] -- clean shutdown; SIGKILL after SECS (60).
ts_mariadb_stop() {
	local dir=$1 secs=${2:-60} pid
	pid=$(ts_mariadb_pid "$dir") || return 0
	kill -TERM "$pid" 2>/dev/null
	if ! ts_wait_pid_gone "$pid" "$secs"; then
		ts_msg "MariaDB (pid $pid) did not shut down in ${secs}s, killing it"
		kill -KILL "$pid" 2>/dev/null
		ts_wait_pid_gone "$pid" 10
	fi
	rm -f "$dir/mariadbd.pid"
}

# ts_mariadb_kill DIR -- SIGKILL, as a crash would; waits until it is gone.
ts_mariadb_kill() {
	local dir=$1 pid
	pid=$(ts_mariadb_pid "$dir") || return 0
	kill -KILL "$pid" 2>/dev/null
	ts_wait_pid_gone "$pid" 10
	rm -f "$dir/mariadbd.pid"
}

# ts_mariadb_setup DIR PWFILE [DBNAME] [DBUSER] -- create the database and
# its user; the password is read from PWFILE, or made up and written there
# (mode 0600) when PWFILE does not exist yet.
ts_mariadb_setup() {
	local dir=$1 pwfile=$2 db=${3:-tasksched} dbuser=${4:-tasksched} pw
	if [[ ! -s $pwfile ]]; then
		pw=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
		(umask 077 && printf '%s\n' "$pw" >"$pwfile") || return 1
	fi
	chmod 0600 "$pwfile"
	pw=$(head -n 1 "$pwfile")
	if [[ ! $pw =~ ^[A-Za-z0-9._-]+$ ]]; then
		ts_msg "$pwfile: password must be [A-Za-z0-9._-]"
		return 1
	fi
	ts_mariadb_sql "$dir" <<-EOF
		CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
		CREATE USER IF NOT EXISTS '$dbuser'@'localhost' IDENTIFIED BY '$pw';
		CREATE USER IF NOT EXISTS '$dbuser'@'127.0.0.1' IDENTIFIED BY '$pw';
		ALTER USER '$dbuser'@'localhost' IDENTIFIED BY '$pw';
		ALTER USER '$dbuser'@'127.0.0.1' IDENTIFIED BY '$pw';
		GRANT ALL ON \`$db\`.* TO '$dbuser'@'localhost';
		GRANT ALL ON \`$db\`.* TO '$dbuser'@'127.0.0.1';
	EOF
}
