# shellcheck shell=bash
# lib.sh -- the scale-out harness: a three-node Galera cluster, API hosts
# and executor hosts, each in a network namespace of its own on a private
# bridge (10.213.0.0/24), created and removed here. Sourced by
# tests/scale/run; needs root, ip netns, galera-4, mariadbd, rsync.

SC_NET=10.213.0
SC_PROVIDER=${SC_PROVIDER:-/usr/lib/galera/libgalera_smm.so}
SC_NODES=3
SC_NS=()      # every namespace created, the hub last to go
SC_DIR=
SC_P=         # namespace name prefix, unique per run

sc_msg() { printf '%s scale: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# sc_skip_reason -- why this machine cannot run the harness (empty: it can).
sc_skip_reason() {
	local c
	((EUID == 0)) || { echo "needs root (network namespaces)"; return; }
	[[ -r $SC_PROVIDER ]] || { echo "no Galera provider $SC_PROVIDER (galera-4)"; return; }
	for c in ip mariadbd mariadb-install-db mariadb rsync wsrep_sst_rsync spawn-fcgi \
		lighttpd curl python3; do
		command -v "$c" >/dev/null || { echo "$c is not installed"; return; }
	done
	ip netns add "tsc-probe$$" 2>/dev/null || { echo "ip netns does not work here"; return; }
	ip netns del "tsc-probe$$"
}

# sc_ns NAME -- the namespace's full name.
sc_ns() { printf '%s%s\n' "$SC_P" "$1"; }

# sc_in NAME CMD... -- run CMD inside namespace NAME.
sc_in() {
	local ns
	ns=$(sc_ns "$1")
	shift
	ip netns exec "$ns" "$@"
}

# sc_host_add NAME ADDR -- a namespace with lo and eth0 = ADDR/24 on the bridge.
sc_host_add() {
	local name=$1 addr=$2 ns hub
	ns=$(sc_ns "$name") hub=$(sc_ns hub)
	ip netns add "$ns" || return 1
	SC_NS+=("$ns")
	ip link add "v$SC_P$name" netns "$hub" type veth peer name eth0 netns "$ns" || return 1
	ip -n "$hub" link set "v$SC_P$name" master br0 up || return 1
	ip -n "$ns" link set lo up || return 1
	ip -n "$ns" addr add "$addr/24" dev eth0 || return 1
	ip -n "$ns" link set eth0 up
}

# sc_net_up -- the hub namespace with its bridge.
sc_net_up() {
	SC_P=tsc$(($$ % 100000))
	ip netns add "$(sc_ns hub)" || return 1
	SC_NS+=("$(sc_ns hub)")
	ip -n "$(sc_ns hub)" link add br0 type bridge || return 1
	ip -n "$(sc_ns hub)" link set br0 up
}

# sc_net_down -- kill what still runs in our namespaces, then remove them
# (their veths and the bridge go with them).
sc_net_down() {
	local ns pid i
	for ((i = ${#SC_NS[@]} - 1; i >= 0; i--)); do
		ns=${SC_NS[i]}
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
	done
	sleep 0.2
	for ((i = ${#SC_NS[@]} - 1; i >= 0; i--)); do
		ip netns del "${SC_NS[i]}" 2>/dev/null
	done
	SC_NS=()
}

# sc_node_addr N -- the address of Galera node N (1..3).
sc_node_addr() { printf '%s.1%s\n' "$SC_NET" "$1"; }

# sc_node_dir N -- its directory (data, socket, logs).
sc_node_dir() { printf '%s/node%s\n' "$SC_DIR" "$1"; }

# sc_db_hosts FIRST -- db_host listing every node, node FIRST first, so
# programs spread over the cluster.
sc_db_hosts() {
	local first=$1 i n list=
	for ((i = 0; i < SC_NODES; i++)); do
		n=$(((first - 1 + i) % SC_NODES + 1))
		list+=${list:+,}$(sc_node_addr "$n"):3306
	done
	printf '%s\n' "$list"
}

# sc_sql N [client args...] -- the client as root on node N (its socket).
sc_sql() {
	local n=$1
	shift
	mariadb --no-defaults --socket="$(sc_node_dir "$n")/mysqld.sock" --user=root \
		--connect-timeout=5 "$@"
}

# sc_status N VAR -- a global status value of node N (empty when down).
sc_status() {
	sc_sql "$1" -N -B -e "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null | cut -f 2
}

# sc_node_start N [--wsrep-new-cluster] -- start mariadbd for node N in its
# namespace, small in memory; joins the others (SST by rsync) unless it
# bootstraps. Each conflict is written to the node's error.log with both
# transactions' statements (wsrep_log_conflicts): a --keep run shows what
# the executors and API hosts collided on.
sc_node_start() {
	local n=$1 d gcomm=gcomm:// i
	shift
	d=$(sc_node_dir "$n")
	mkdir -p "$d/data" "$d/tmp" || return 1
	if [[ ${1:-} != --wsrep-new-cluster ]]; then
		for ((i = 1; i <= SC_NODES; i++)); do
			gcomm+=$(sc_node_addr "$i"),
		done
		gcomm=${gcomm%,}
		# Run as root, the joiner's rsync daemon (wsrep_sst_rsync) writes
		# as nobody; mariadbd (--user=root) reads whatever owns the files.
		chown -R nobody: "$d/data" || return 1
	fi
	sc_in "db$n" setsid mariadbd --no-defaults --user=root \
		--datadir="$d/data" --tmpdir="$d/tmp" --socket="$d/mysqld.sock" \
		--pid-file="$d/mysqld.pid" --log-error="$d/error.log" \
		--bind-address="$(sc_node_addr "$n")" --port=3306 --skip-name-resolve \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
		--innodb-buffer-pool-size=64M --innodb-log-file-size=32M \
		--innodb-flush-log-at-trx-commit=2 --performance-schema=OFF \
		--max-connections=200 --key-buffer-size=1M \
		--binlog-format=ROW --innodb-autoinc-lock-mode=2 \
		--log-bin-trust-function-creators=1 \
		--wsrep-on=ON --wsrep-provider="$SC_PROVIDER" \
		--wsrep-cluster-name=tasksched-scale --wsrep-cluster-address="$gcomm" \
		--wsrep-node-address="$(sc_node_addr "$n")" --wsrep-node-name="node$n" \
		--wsrep-sst-method=rsync --wsrep-slave-threads=2 \
		--wsrep-log-conflicts=ON \
		--wsrep-provider-options="gcache.size=64M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;pc.wait_prim_timeout=PT30S" \
		"$@" </dev/null >>"$d/stdout.log" 2>&1 &
	echo $! >"$d/launcher.pid"
}

# sc_node_pid N -- the pid of node N's mariadbd (empty when not running).
sc_node_pid() {
	local p
	p=$(cat "$(sc_node_dir "$1")/mysqld.pid" 2>/dev/null) || return 1
	[[ -d /proc/$p ]] && echo "$p"
}

# sc_node_wait_synced N SECS -- until node N is ready and Synced.
sc_node_wait_synced() {
	local n=$1 secs=$2 i
	for ((i = 0; i < secs * 2; i++)); do
		if [[ $(sc_status "$n" wsrep_local_state) == 4 &&
			$(sc_status "$n" wsrep_ready) == ON ]]; then
			return 0
		fi
		sleep 0.5
	done
	sc_msg "node $n not Synced after ${secs}s; end of its error log:"
	tail -n 15 "$(sc_node_dir "$n")/error.log" >&2
	return 1
}

# sc_node_kill N -- SIGKILL node N's mariadbd, as a crash would.
sc_node_kill() {
	local p
	p=$(sc_node_pid "$1") || return 0
	kill -KILL "$p"
	while [[ -d /proc/$p ]]; do sleep 0.05; done
}

# sc_cluster_up -- bootstrap node 1, create the database and its user, then
# join nodes 2 and 3 (SST) one at a time.
sc_cluster_up() {
	local d1 pw n
	d1=$(sc_node_dir 1)
	mkdir -p "$d1" || return 1
	mariadb-install-db --no-defaults --datadir="$d1/data" --user=root \
		--auth-root-authentication-method=socket --skip-test-db \
		--skip-name-resolve >"$d1/install.log" 2>&1 || {
		tail -n 20 "$d1/install.log" >&2
		return 1
	}
	sc_node_start 1 --wsrep-new-cluster || return 1
	sc_node_wait_synced 1 120 || return 1
	pw=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
	(umask 077 && printf '%s\n' "$pw" >"$SC_DIR/db-password") || return 1
	sc_sql 1 <<-EOF || return 1
		CREATE DATABASE tasksched CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
		CREATE USER 'tasksched'@'$SC_NET.%' IDENTIFIED BY '$pw';
		GRANT ALL ON tasksched.* TO 'tasksched'@'$SC_NET.%';
	EOF
	for ((n = 2; n <= SC_NODES; n++)); do
		sc_msg "node $n joins (SST)"
		sc_node_start "$n" || return 1
		sc_node_wait_synced "$n" 300 || return 1
	done
	[[ $(sc_status 1 wsrep_cluster_size) == "$SC_NODES" ]]
}

# sc_conf FILE FIRST [KEY=VALUE...] -- a tasksched.conf using every node,
# node FIRST first.
sc_conf() {
	local file=$1 first=$2 kv
	shift 2
	{
		echo "db_host = $(sc_db_hosts "$first")"
		echo "db_port = 3306"
		echo "db_name = tasksched"
		echo "db_user = tasksched"
		echo "db_password_file = $SC_DIR/db-password"
		echo "db_connect_timeout = 2"
		echo "db_io_timeout = 5"
		echo "sql_dir = $SC_SRCDIR/sql"
		echo "webhook_allow = $SC_NET.0/24"
		echo "log_level = warning"
		for kv in "$@"; do
			echo "${kv%%=*} = ${kv#*=}"
		done
	} >"$file"
}

# sc_sink_up -- the sink in its namespace at .2; SC_HOOK is its URL.
sc_sink_up() {
	local i
	sc_host_add sink "$SC_NET.2" || return 1
	ip netns exec "$(sc_ns sink)" setsid "$SC_SINK" -a "$SC_NET.2" -p 8080 \
		-l "$SC_DIR/sink.log" -b 0 -q </dev/null 2>"$SC_DIR/sink.err" &
	SC_SINK_PID=$!
	for ((i = 0; i < 100; i++)); do
		sc_in sink bash -c "exec 3<>/dev/tcp/$SC_NET.2/8080" 2>/dev/null && break
		sleep 0.1
	done
	SC_HOOK=http://$SC_NET.2:8080/hook
}

# sc_sink_sync -- let the sink write out what it has.
sc_sink_sync() {
	kill -HUP "$SC_SINK_PID" 2>/dev/null
	sleep 0.2
}

# sc_exec_start I FIRST [KEY=VALUE...] -- executor host I (namespace exI,
# address .4I) using node FIRST first. Its pid in $SC_EXEC_PID.
sc_exec_start() {
	local i=$1 first=$2
	shift 2
	[[ -n $(ip netns list | grep -w "$(sc_ns "ex$i")") ]] ||
		sc_host_add "ex$i" "$SC_NET.4$i" || return 1
	sc_conf "$SC_DIR/ex$i.conf" "$first" "$@"
	# Not until the next minute, as under the systemd timer: the
	# scenarios stop it themselves.
	# A simple command, not a function: $! is the executor itself (ip
	# netns exec and setsid exec it), so kill -9 reaches it.
	ip netns exec "$(sc_ns "ex$i")" setsid "$SC_EXECUTOR" --config "$SC_DIR/ex$i.conf" \
		--duration 3600 </dev/null >>"$SC_DIR/ex$i.log" 2>&1 &
	SC_EXEC_PID=$!
}

# sc_api_start I FIRST -- API host I (namespace apiI, address .3I):
# spawn-fcgi and lighttpd on 127.0.0.1:8000 inside it; clients run there.
sc_api_start() {
	local i=$1 first=$2 d
	d=$SC_DIR/api$i
	mkdir -p "$d" || return 1
	sc_host_add "api$i" "$SC_NET.3$i" || return 1
	sc_conf "$SC_DIR/api$i.conf" "$first" auth=loopback-off
	sc_in "api$i" bash -c "source '$SC_SRCDIR/scripts/stack.sh' &&
		ts_fcgi_start '$d/api.sock' '$d' 2 '$SC_API' '$SC_DIR/api$i.conf' &&
		ts_lighttpd_start '$d' 8000 '$d/api.sock' '$SC_SRCDIR/conf/lighttpd/tasksched.conf'"
}

# sc_count SQL -- one number from node N's view (the first one up).
sc_count() {
	local n
	for ((n = 1; n <= SC_NODES; n++)); do
		if [[ $(sc_status "$n" wsrep_local_state) == 4 ]]; then
			sc_sql "$n" -N -B tasksched -e "$1"
			return
		fi
	done
	return 1
}

# sc_insert_due COUNT AT_US [QUERY] -- COUNT webhook tasks to the sink, all
# due at AT_US (Unix microseconds), in one statement on node 1; QUERY (such
# as delay_ms=200) goes into their URL for the sink to act on.
sc_insert_due() {
	sc_sql 1 -N -B tasksched -e "SET SESSION max_recursive_iterations = $1 + 10;
		INSERT INTO tasks (id, action, payload, run_at, due_at, status, attempts,
		                   max_attempts, created_at, updated_at)
		WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < $1)
		SELECT UUID(), 'webhook', '{\"url\":\"$SC_HOOK${3:+?$3}\"}',
		       t, t, 'scheduled', 0, 3, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
		FROM (SELECT FROM_UNIXTIME($2 / 1000000) AS t FROM seq) AS s;"
}

sc_now_us() { date +%s%6N; }
