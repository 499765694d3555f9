# shellcheck shell=bash
# stack.sh -- start and stop a private tasksched stack (MariaDB, spawn-fcgi,
# lighttpd or Apache) for the integration tests, the benchmarks and
# scripts/run, and build the tree for scripts/run and scripts/test.
#
# Source it from bash; it defines functions only and changes no shell option.
# Every server runs as a child of the caller, in a directory the caller owns,
# on a unix socket there or on a 127.0.0.1 port, and records its pids so that
# the matching *_stop function ends exactly what it started (no pkill by name).
# The process helpers and MariaDB come from scripts/proc.sh (sourced here:
# ts_spawn, ts_stop_pid, ts_wait_port, ts_wait_socket, ts_free_port,
# ts_mariadb_start/_setup/_stop/_kill/_sql ...); this file adds
#
#   ts_write_config FILE MYDIR PWFILE SQLDIR [KEY=VALUE...]
#   ts_fcgi_start SOCK DIR CHILDREN BINARY CONF   spawn-fcgi, logs to DIR/api.log
#   ts_fcgi_stop DIR
#   ts_lighttpd_start DIR PORT SOCK SNIPPET / ts_lighttpd_stop DIR
#   ts_apache_start DIR PORT SOCK SNIPPET   / ts_apache_stop DIR
#       (main configurations from scripts/stack-{lighttpd,apache2}.conf.in)
#   ts_fill_template IN OUT NAME=VALUE...   @NAME@ placeholders filled in
#   ts_default_builddir SRCDIR, ts_build SRCDIR BUILDDIR [CONFIGURE ARGS...]
#
# Functions return non-zero (after a message on stderr) instead of exiting.

# Where this file and the configuration templates are.
TS_STACK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/proc.sh
source "$TS_STACK_DIR/proc.sh"

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
	# shellcheck disable=SC2016 # $1 and $@ are the inner shell's
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

# --- web servers -----------------------------------------------------------

# ts_fill_template IN OUT NAME=VALUE... -- write the template IN to OUT with
# every @NAME@ replaced by VALUE (taken literally); a placeholder left
# without a value outside comments is an error.
ts_fill_template() {
	local in=$1 out=$2 line kv left
	shift 2
	while IFS= read -r line || [[ -n $line ]]; do
		for kv in "$@"; do
			line=${line//"@${kv%%=*}@"/"${kv#*=}"}
		done
		printf '%s\n' "$line"
	done <"$in" >"$out" || return 1
	left=$(grep -v '^[[:space:]]*#' "$out" | grep -o '@[A-Z_]*@' | head -n 1)
	if [[ -n $left ]]; then
		ts_msg "$in: no value for $left"
		return 1
	fi
}

# ts_web_prepare DIR SNIPPET SOCK OUT -- DIR/htdocs made, and the packaged
# SNIPPET copied to DIR/OUT with its socket path replaced by SOCK.
ts_web_prepare() {
	local dir=$1 snippet=$2 sock=$3 out=$4 ui
	mkdir -p "$dir/htdocs" || return 1
	ui=$(ts_ui_dir "$snippet")
	# Apache's workers (www-data) must read the dashboard's files: a source
	# tree they cannot read gets a readable copy.
	if [[ $(id -u) == 0 ]] && id www-data >/dev/null 2>&1 &&
		! runuser -u www-data -- test -r "$ui/index.html" 2>/dev/null; then
		rm -rf "$dir/ui" && cp -R "$ui" "$dir/ui" && chmod -R a+rX "$dir/ui" || return 1
		ui=$dir/ui
	fi
	sed -e "s|/run/tasksched/api.sock|$sock|g" -e "s|/usr/share/tasksched/ui|$ui|g" \
		"$snippet" >"$dir/$out"
}

# ts_ui_dir SNIPPET -- the dashboard's files beside the source tree that
# holds SNIPPET (conf/*/tasksched.conf -> ui/), which the snippets' installed
# path /usr/share/tasksched/ui is replaced with.
ts_ui_dir() {
	(cd "$(dirname "$1")/../../ui" 2>/dev/null && pwd) || echo /usr/share/tasksched/ui
}

# ts_web_check NAME LOG CMD... -- CMD tests NAME's configuration; its
# complaint, if any, goes to stderr.
ts_web_check() {
	local name=$1 log=$2
	shift 2
	"$@" >"$log" 2>&1 && return 0
	ts_msg "$name rejects its config:"
	cat "$log" >&2
	return 1
}

# ts_web_spawn NAME DIR PORT ERRLOG CMD... -- run the server CMD (in the
# foreground mode) with ts_spawn, its pid in DIR/NAME.daemon.pid, and wait
# until it accepts on 127.0.0.1:PORT; else show the end of ERRLOG, stop it.
ts_web_spawn() {
	local name=$1 dir=$2 port=$3 errlog=$4 pid
	shift 4
	ts_spawn "$dir/$name.daemon.pid" "$errlog" "$@" || return 1
	pid=$TS_SPAWNED_PID
	if ! ts_wait_port 127.0.0.1 "$port" 10 || ! ts_pid_alive "$pid"; then
		ts_start_failed "$name" "$pid" "$errlog" 10
	fi
}

# ts_web_stop DIR NAME SECS -- stop the server ts_web_spawn started in DIR
# with the configuration DIR/NAME.conf.
ts_web_stop() {
	local dir name=$2 secs=$3 pid
	dir=$(cd "$1" 2>/dev/null && pwd) || return 0
	pid=$(cat "$dir/$name.daemon.pid" 2>/dev/null) || return 0
	ts_pid_is "$pid" "$dir/$name.conf" && ts_stop_pid "$pid" "$secs"
	rm -f "$dir/$name.daemon.pid"
}

# ts_lighttpd_start DIR PORT SOCK SNIPPET -- lighttpd on 127.0.0.1:PORT with
# the main config scripts/stack-lighttpd.conf.in, which includes SNIPPET
# (conf/lighttpd/tasksched.conf) with its socket path replaced by SOCK.
ts_lighttpd_start() {
	local dir=$1 port=$2 sock=$3 snippet=$4
	mkdir -p "$dir" && dir=$(cd "$dir" && pwd) || return 1
	ts_web_prepare "$dir" "$snippet" "$sock" tasksched-lighttpd.conf || return 1
	ts_fill_template "$TS_STACK_DIR/stack-lighttpd.conf.in" "$dir/lighttpd.conf" \
		DIR="$dir" PORT="$port" || return 1
	ts_web_check lighttpd "$dir/lighttpd-check.log" lighttpd -tt -f "$dir/lighttpd.conf" ||
		return 1
	ts_web_spawn lighttpd "$dir" "$port" "$dir/lighttpd-error.log" \
		lighttpd -D -f "$dir/lighttpd.conf"
}

ts_lighttpd_stop() {
	ts_web_stop "$1" lighttpd 10
}

: "${TS_APACHE_MODULES:=/usr/lib/apache2/modules}"

# ts_apache_start DIR PORT SOCK SNIPPET -- apache2 (event MPM) on
# 127.0.0.1:PORT with the main config scripts/stack-apache2.conf.in (its own
# ServerRoot, pid file and logs in DIR), including SNIPPET
# (conf/apache/tasksched.conf) with the socket path replaced by SOCK.
# Started as root, its workers run as www-data (Apache refuses root), so SOCK
# and the directories above it must be reachable by that user.
ts_apache_start() {
	local dir=$1 port=$2 sock=$3 snippet=$4
	local -a defs=(-DFOREGROUND)
	mkdir -p "$dir/apache-run" && dir=$(cd "$dir" && pwd) || return 1
	ts_web_prepare "$dir" "$snippet" "$sock" tasksched-apache.conf || return 1
	if [[ $(id -u) == 0 ]]; then
		defs+=(-DTS_AS_ROOT)
		chmod 0755 "$dir/apache-run"
	fi
	ts_fill_template "$TS_STACK_DIR/stack-apache2.conf.in" "$dir/apache2.conf" \
		DIR="$dir" PORT="$port" MODULES="$TS_APACHE_MODULES" || return 1
	ts_web_check apache2 "$dir/apache-check.log" \
		apache2 "${defs[@]}" -t -f "$dir/apache2.conf" || return 1
	ts_web_spawn apache2 "$dir" "$port" "$dir/apache-error.log" \
		apache2 "${defs[@]}" -f "$dir/apache2.conf"
}

# SIGTERM makes Apache's parent stop its children and exit.
ts_apache_stop() {
	ts_web_stop "$1" apache2 15
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
