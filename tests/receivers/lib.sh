# lib.sh -- webhook receivers that are not ours, for the executor tests:
# Node.js's http module, Python's http.server, and a CGI program behind
# Apache httpd and behind lighttpd. Each writes every request it gets as one
# JSON file {receiver, method, path, headers (lower-case names), body} to
# its own folder and answers 200.
#
# Source it after tests/executor/execlib.sh (it uses ts_spawn, ts_free_port,
# ts_wait_port, ts_wait_file and ts_stop_pid of scripts/proc.sh,
# ts_fill_template of scripts/stack.sh, and $T_DIR).
#
#   rx_start KIND     start receiver KIND (node, python, apache, lighttpd);
#                     its URL is then ${RX_URL[KIND]}
#   rx_records KIND   what KIND received, one compact JSON object a line
#   rx_stop_all       stop every receiver started (also done by rx_on_exit)

RX_SRC=$abs_top_srcdir/tests/receivers
declare -A RX_URL=()
declare -A RX_PID=()

# rx_dir KIND -- the receiver's folder: its logs, and out/ for the requests
# (writable by www-data, which Apache's CGI programs run as).
rx_dir() {
	local dir=$T_DIR/rx-$1
	mkdir -p "$dir/out" "$dir/cgi-bin" "$dir/run" || return 1
	chmod 0755 "$dir" "$dir/cgi-bin" "$dir/run" && chmod 0777 "$dir/out" || return 1
	printf '%s\n' "$dir"
}

rx_start() {
	local kind=$1 dir port pid conf user=""
	dir=$(rx_dir "$kind") || return 1
	case $kind in
	node | python)
		local -a cmd=(node "$RX_SRC/node-receiver.js")
		[[ $kind == python ]] && cmd=(python3 "$RX_SRC/py-receiver.py")
		ts_spawn "$dir/pid" "$dir/stderr" "${cmd[@]}" "$dir/out" "$dir/port" || return 1
		pid=$TS_SPAWNED_PID
		port=$(ts_wait_file "$dir/port" 10 "$pid") || {
			cat "$dir/stderr" >&2
			return 1
		}
		;;
	apache | lighttpd)
		install -m 0755 "$RX_SRC/record.cgi" "$dir/cgi-bin/record.cgi" || return 1
		port=$(ts_free_port) || return 1
		conf=$dir/$kind.conf
		[[ $kind == apache && $(id -u) == 0 ]] && user=$'User www-data\nGroup www-data'
		ts_fill_template "$RX_SRC/$kind-cgi.conf.in" "$conf" "DIR=$dir" "PORT=$port" \
			"OUT=$dir/out" "CGIDIR=$dir/cgi-bin" "USER=$user" \
			"MODULES=${TS_APACHE_MODULES:-/usr/lib/apache2/modules}" || return 1
		if [[ $kind == apache ]]; then
			# Apache's workers (www-data) must reach the folders above.
			chmod o+x "$T_DIR"
			ts_spawn "$dir/pid" "$dir/stderr" apache2 -DFOREGROUND -f "$conf" || return 1
		else
			ts_spawn "$dir/pid" "$dir/stderr" lighttpd -D -f "$conf" || return 1
		fi
		pid=$TS_SPAWNED_PID
		if ! ts_wait_port 127.0.0.1 "$port" 10; then
			cat "$dir/stderr" "$dir/error.log" 2>/dev/null >&2
			ts_stop_pid "$pid" 5
			return 1
		fi
		;;
	*)
		echo "rx_start: unknown receiver $kind" >&2
		return 2
		;;
	esac
	RX_PID[$kind]=$pid
	RX_URL[$kind]=http://127.0.0.1:$port
}

rx_records() {
	local f
	for f in "$T_DIR/rx-$1"/out/*.json; do
		[[ -e $f ]] && jq -c . "$f"
	done
	return 0
}

rx_stop_all() {
	local kind
	for kind in "${!RX_PID[@]}"; do
		ts_stop_pid "${RX_PID[$kind]}" 10
		unset "RX_PID[$kind]"
	done
}

# rx_show_logs -- the receivers' error output, for a failed test.
rx_show_logs() {
	local f
	for f in "$T_DIR"/rx-*/stderr "$T_DIR"/rx-*/error.log; do
		[[ -s $f ]] || continue
		echo "# --- last lines of $f"
		tail -n 10 "$f" | sed 's/^/#   /'
	done
}
