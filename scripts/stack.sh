# stack.sh -- start and stop a private tasksched stack (MariaDB, spawn-fcgi,
# lighttpd or Apache) for the integration tests and scripts/run.
#
# Source it from bash; it defines functions only and changes no shell option.
# Every server runs as a child of the caller, in a directory the caller owns,
# on a unix socket there or on a 127.0.0.1 port, and records its pids so that
# the matching *_stop function ends exactly what it started (no pkill by name).
#
#   ts_mariadb_start DIR [PORT]   private MariaDB in DIR (data in DIR/data,
#                                 socket DIR/mysqld.sock); initialised on first
#                                 use, reused afterwards
#   ts_mariadb_setup DIR PWFILE   database `tasksched` and user `tasksched`
#   ts_mariadb_stop DIR           clean shutdown;  ts_mariadb_kill DIR: SIGKILL
#   ts_mariadb_sql DIR ARGS...    the mariadb client as root on that socket
#   ts_write_config FILE MYDIR PWFILE SQLDIR [KEY=VALUE...]
#   ts_fcgi_start SOCK DIR CHILDREN BINARY CONF   spawn-fcgi, logs to DIR/api.log
#   ts_fcgi_stop DIR
#   ts_lighttpd_start DIR PORT SOCK SNIPPET / ts_lighttpd_stop DIR
#   ts_apache_start DIR PORT SOCK SNIPPET   / ts_apache_stop DIR
#   ts_free_port, ts_wait_port HOST PORT [SECS], ts_wait_socket PATH [SECS],
#   ts_wait_pid_gone PID [SECS]
#
# Functions return non-zero (after a message on stderr) instead of exiting.

# Extra mariadbd options, e.g. smaller buffers for throw-away test instances.
: "${TS_MARIADB_OPTS:=}"

ts_msg() {
	printf '%s\n' "stack: $*" >&2
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
	local pidfile=$1 log=$2 i
	shift 2
	rm -f "$pidfile"
	TS_SPAWNED_PID=
	# shellcheck disable=SC2016
	setsid /bin/sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' \
		"$pidfile" "$@" </dev/null >>"$log" 2>&1 &
	# Not a job of the caller: no "Killed" notice when a test kills it.
	disown $! 2>/dev/null || true
	for ((i = 0; i < 250; i++)); do
		if [[ -s $pidfile ]]; then
			TS_SPAWNED_PID=$(cat "$pidfile")
			return 0
		fi
		sleep 0.02
	done
	ts_msg "could not start $1"
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

ts_mariadb_ping() {
	mariadb-admin --no-defaults --socket="$1/mysqld.sock" --user=root \
		--connect-timeout=2 ping >/dev/null 2>&1
}

# ts_mariadb_start DIR [PORT] -- start a private mariadbd whose data, socket,
# pid file and error log live in DIR; with PORT it also listens on
# 127.0.0.1:PORT, otherwise networking is off. The data directory is created
# by mariadb-install-db only when it does not exist yet. InnoDB keeps its
# durable defaults (flush at each commit, doublewrite); TS_MARIADB_OPTS adds
# options. Waits until the server answers.
ts_mariadb_start() {
	local dir=$1 port=${2:-} user pid i net
	local -a opts
	user=$(id -un)
	mkdir -p "$dir" || return 1
	dir=$(cd "$dir" && pwd) || return 1
	ts_check_sun_path "$dir/mysqld.sock" || return 1
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
		--socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" \
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
	ts_msg "MariaDB did not start; end of $dir/error.log:"
	tail -n 20 "$dir/error.log" >&2
	ts_stop_pid "$pid" 5
	return 1
}

ts_mariadb_pid() {
	local pid dir
	dir=$(cd "$1" 2>/dev/null && pwd) || return 1
	pid=$(cat "$dir/mariadbd.pid" 2>/dev/null) || return 1
	ts_pid_is "$pid" "$dir/mysqld.sock" || return 1
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

# ts_write_config FILE MYDIR PWFILE SQLDIR [KEY=VALUE...] -- write a
# tasksched.conf that uses the MariaDB in MYDIR; extra KEY=VALUE pairs are
# appended as "key = value" lines.
ts_write_config() {
	local file=$1 mydir=$2 pwfile=$3 sqldir=$4 kv
	shift 4
	{
		echo "# Written by scripts/stack.sh for a private stack."
		echo "db_socket = $mydir/mysqld.sock"
		echo "db_name = tasksched"
		echo "db_user = tasksched"
		echo "db_password_file = $pwfile"
		echo "sql_dir = $sqldir"
		echo "# A private stack's webhooks go to receivers on this machine."
		echo "webhook_allow = 127.0.0.0/8, ::1, localhost"
		for kv in "$@"; do
			echo "${kv%%=*} = ${kv#*=}"
		done
	} >"$file"
}

# --- spawn-fcgi ------------------------------------------------------------

# ts_fcgi_start SOCK DIR CHILDREN BINARY CONF -- spawn-fcgi forks CHILDREN
# copies of "BINARY --config CONF" on the unix socket SOCK; their pids go
# to DIR/api.pids, their stderr to DIR/api.log (spawn-fcgi itself would
# send it to /dev/null). The socket is mode 0666: it sits in a directory the
# caller controls, and Apache's workers run as another user.
ts_fcgi_start() {
	local sock=$1 dir=$2 children=$3 bin=$4 conf=$5
	ts_check_sun_path "$sock" || return 1
	mkdir -p "$dir" "$(dirname "$sock")" || return 1
	rm -f "$sock" "$dir/api.pids"
	printf '%s\n' "$conf" >"$dir/api.conf-path"
	if ! spawn-fcgi -s "$sock" -M 0666 -F "$children" -P "$dir/api.pids" -- \
		/bin/sh -c 'log=$1; shift; exec "$@" 2>>"$log"' sh \
		"$dir/api.log" "$bin" --config "$conf" >>"$dir/spawn-fcgi.log" 2>&1; then
		ts_msg "spawn-fcgi failed:"
		tail -n 5 "$dir/spawn-fcgi.log" >&2
		return 1
	fi
	ts_wait_socket "$sock" 10
}

# ts_fcgi_pids DIR -- the live FastCGI children started by ts_fcgi_start.
ts_fcgi_pids() {
	local pid conf
	[[ -f $1/api.pids ]] || return 0
	conf=$(cat "$1/api.conf-path" 2>/dev/null) || return 0
	# spawn-fcgi ends the file without a newline.
	while read -r pid || [[ -n $pid ]]; do
		ts_pid_is "$pid" "$conf" && echo "$pid"
	done <"$1/api.pids"
}

ts_fcgi_stop() {
	local dir=$1 pid
	for pid in $(ts_fcgi_pids "$dir"); do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in $(ts_fcgi_pids "$dir"); do
		ts_stop_pid "$pid" 5
	done
	rm -f "$dir/api.pids"
}

# --- lighttpd --------------------------------------------------------------

# ts_ui_dir SNIPPET -- the dashboard's files beside the source tree that
# holds SNIPPET (conf/*/tasksched.conf -> ui/), which the snippets' installed
# path /usr/share/tasksched/ui is replaced with.
ts_ui_dir() {
	(cd "$(dirname "$1")/../../ui" 2>/dev/null && pwd) || echo /usr/share/tasksched/ui
}

# ts_lighttpd_start DIR PORT SOCK SNIPPET -- lighttpd on 127.0.0.1:PORT with
# a minimal main config that includes SNIPPET (conf/lighttpd/tasksched.conf)
# with its socket path replaced by SOCK and its dashboard path by the
# source tree's ui/.
ts_lighttpd_start() {
	local dir=$1 port=$2 sock=$3 snippet=$4 pid ui
	mkdir -p "$dir/htdocs" || return 1
	dir=$(cd "$dir" && pwd) || return 1
	ui=$(ts_ui_dir "$snippet")
	sed -e "s|/run/tasksched/api.sock|$sock|g" -e "s|/usr/share/tasksched/ui|$ui|g" \
		"$snippet" >"$dir/tasksched-lighttpd.conf" || return 1
	cat >"$dir/lighttpd.conf" <<-EOF
		# Written by scripts/stack.sh.
		server.modules = ( "mod_access", "mod_accesslog" )
		server.document-root = "$dir/htdocs"
		server.bind = "127.0.0.1"
		server.port = $port
		server.pid-file = "$dir/lighttpd.pid"
		server.errorlog = "$dir/lighttpd-error.log"
		accesslog.filename = "$dir/lighttpd-access.log"
		server.tag = "lighttpd"
		include "$dir/tasksched-lighttpd.conf"
	EOF
	if ! lighttpd -tt -f "$dir/lighttpd.conf" >"$dir/lighttpd-check.log" 2>&1; then
		ts_msg "lighttpd rejects its config:"
		cat "$dir/lighttpd-check.log" >&2
		return 1
	fi
	ts_spawn "$dir/lighttpd.daemon.pid" "$dir/lighttpd-error.log" \
		lighttpd -D -f "$dir/lighttpd.conf" || return 1
	pid=$TS_SPAWNED_PID
	if ! ts_wait_port 127.0.0.1 "$port" 10 || ! ts_pid_alive "$pid"; then
		ts_msg "lighttpd did not start; end of $dir/lighttpd-error.log:"
		tail -n 10 "$dir/lighttpd-error.log" >&2
		ts_stop_pid "$pid" 5
		return 1
	fi
}

ts_lighttpd_stop() {
	local pid dir
	dir=$(cd "$1" 2>/dev/null && pwd) || return 0
	pid=$(cat "$dir/lighttpd.daemon.pid" 2>/dev/null) || return 0
	ts_pid_is "$pid" "$dir/lighttpd.conf" && ts_stop_pid "$pid" 10
	rm -f "$dir/lighttpd.daemon.pid"
}

# --- Apache ----------------------------------------------------------------

: "${TS_APACHE_MODULES:=/usr/lib/apache2/modules}"

# ts_apache_start DIR PORT SOCK SNIPPET -- apache2 (event MPM) on
# 127.0.0.1:PORT with its own ServerRoot, pid file and logs in DIR, including
# SNIPPET (conf/apache/tasksched.conf) with the socket path replaced by SOCK
# and the dashboard's by the source tree's ui/.
# Started as root, its workers run as www-data (Apache refuses root), so SOCK
# and the directories above it must be reachable by that user.
ts_apache_start() {
	local dir=$1 port=$2 sock=$3 snippet=$4 pid m run_user="" ui
	mkdir -p "$dir/htdocs" "$dir/apache-run" || return 1
	dir=$(cd "$dir" && pwd) || return 1
	ui=$(ts_ui_dir "$snippet")
	# Its workers must read the dashboard's files: a source tree in a
	# private home directory gets a readable copy.
	if [[ $(id -u) == 0 ]] && id www-data >/dev/null 2>&1 &&
		! runuser -u www-data -- test -r "$ui/index.html" 2>/dev/null; then
		rm -rf "$dir/ui" && cp -R "$ui" "$dir/ui" && chmod -R a+rX "$dir/ui" || return 1
		ui=$dir/ui
	fi
	sed -e "s|/run/tasksched/api.sock|$sock|g" -e "s|/usr/share/tasksched/ui|$ui|g" \
		"$snippet" >"$dir/tasksched-apache.conf" || return 1
	if [[ $(id -u) == 0 ]]; then
		run_user="User www-data
Group www-data"
		chmod 0755 "$dir/apache-run"
	fi
	{
		echo "# Written by scripts/stack.sh."
		echo "ServerRoot \"$dir\""
		echo "ServerName localhost"
		echo "Listen 127.0.0.1:$port"
		echo "PidFile \"$dir/apache2.pid\""
		echo "DefaultRuntimeDir \"$dir/apache-run\""
		echo "Mutex file:$dir/apache-run default"
		echo "ErrorLog \"$dir/apache-error.log\""
		echo "LogLevel warn"
		# Debian's default modules that the snippet relies on, and its own.
		for m in mpm_event authz_core authz_host alias dir mime proxy proxy_fcgi headers setenvif env; do
			echo "LoadModule ${m}_module \"$TS_APACHE_MODULES/mod_$m.so\""
		done
		echo "TypesConfig /etc/mime.types"
		echo "$run_user"
		echo "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %b %D\" common"
		echo "CustomLog \"$dir/apache-access.log\" common"
		echo "DocumentRoot \"$dir/htdocs\""
		echo "<Directory />"
		echo "    Require all denied"
		echo "</Directory>"
		echo "<Directory \"$dir/htdocs\">"
		echo "    Require all granted"
		echo "</Directory>"
		echo "StartServers 1"
		echo "ServerLimit 2"
		echo "ThreadsPerChild 16"
		echo "MaxRequestWorkers 32"
		echo "Include \"$dir/tasksched-apache.conf\""
	} >"$dir/apache2.conf"
	if ! apache2 -t -f "$dir/apache2.conf" >"$dir/apache-check.log" 2>&1; then
		ts_msg "apache2 rejects its config:"
		cat "$dir/apache-check.log" >&2
		return 1
	fi
	ts_spawn "$dir/apache2.daemon.pid" "$dir/apache-error.log" \
		apache2 -DFOREGROUND -f "$dir/apache2.conf" || return 1
	pid=$TS_SPAWNED_PID
	if ! ts_wait_port 127.0.0.1 "$port" 10 || ! ts_pid_alive "$pid"; then
		ts_msg "apache2 did not start; end of $dir/apache-error.log:"
		tail -n 10 "$dir/apache-error.log" >&2
		ts_stop_pid "$pid" 5
		return 1
	fi
}

ts_apache_stop() {
	local pid dir
	dir=$(cd "$1" 2>/dev/null && pwd) || return 0
	pid=$(cat "$dir/apache2.daemon.pid" 2>/dev/null) || return 0
	# SIGTERM makes the parent stop its children and exit.
	ts_pid_is "$pid" "$dir/apache2.conf" && ts_stop_pid "$pid" 15
	rm -f "$dir/apache2.daemon.pid"
}

# --- Building --------------------------------------------------------------

# ts_default_builddir SRCDIR -- where scripts/test and scripts/run build:
# SRCDIR itself when it was configured in place (then no other build
# directory can be configured from it), else SRCDIR/_build.
ts_default_builddir() {
	if [[ -f $1/config.status ]]; then
		printf '%s\n' "$1"
	else
		printf '%s\n' "$1/_build"
	fi
}

# ts_build SRCDIR BUILDDIR [CONFIGURE ARGS...] -- autoreconf when there is no
# configure script yet, configure BUILDDIR when it has no Makefile or was
# configured with other arguments (config.status --config tells; unless
# TS_BUILD_ANY_CONFIG=1, for a caller content with any configuration), then
# make -j2. Later changes to configure.ac or Makefile.am are picked up by the
# Makefile's own rules.
ts_build() {
	local srcdir=$1 builddir=$2 have want
	local -a cur=()
	shift 2
	srcdir=$(cd "$srcdir" && pwd) || return 1
	builddir=$(realpath -m "$builddir") || return 1
	if [[ $builddir != "$srcdir" && -f $srcdir/config.status ]]; then
		ts_msg "$srcdir is configured in place, so $builddir cannot be" \
			"configured from it: run 'make distclean' in $srcdir first"
		return 1
	fi
	mkdir -p "$builddir" || return 1
	if [[ ! -x $srcdir/configure ]]; then
		ts_msg "autoreconf -fi in $srcdir"
		(cd "$srcdir" && autoreconf -fi) || return 1
	fi
	want=$(printf '%q ' "$@")
	have=
	if [[ -f $builddir/Makefile && -x $builddir/config.status ]] &&
		eval "cur=($(cd "$builddir" && ./config.status --config))"; then
		have=$(printf '%q ' "${cur[@]}")
	fi
	if [[ ${TS_BUILD_ANY_CONFIG:-0} == 1 && -f $builddir/Makefile ]]; then
		have=$want
	fi
	if [[ ! -f $builddir/Makefile || $have != "$want" ]]; then
		ts_msg "configure $* (in $builddir)"
		(cd "$builddir" && "$srcdir/configure" "$@") || return 1
	fi
	make -C "$builddir" -j2
}
