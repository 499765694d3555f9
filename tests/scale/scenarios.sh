# shellcheck shell=bash
# scenarios.sh -- the scale-out scenarios of tests/scale/run, each ending
# with a check of every task it made. Uses lib.sh and run's ok/not_ok.

# check.py IDS SINKLOG -- for the task ids in IDS (one a line): "delivered
# duplicates missing", duplicates counting a (task, attempt) the sink saw
# more than once.
cat >"$SC_DIR/check.py" <<'EOF'
import sys
want = set(l.strip() for l in open(sys.argv[1]) if l.strip())
seen, dups = set(), 0
for line in open(sys.argv[2], errors="replace"):
    f = line.rstrip("\n").split("\t")
    if len(f) < 5 or f[3] not in want:
        continue
    if (f[3], f[4]) in seen:
        dups += 1
    seen.add((f[3], f[4]))
got = set(t for t, _ in seen)
print(len(got), dups, len(want - got))
EOF

# poster.py SECS OUT HOOK -- POSTs tasks due now through the API on
# 127.0.0.1:8000 for SECS seconds, one "unix_ms status task_id" line each.
cat >"$SC_DIR/poster.py" <<'EOF'
import http.client, json, sys, time, uuid
secs, out, hook = float(sys.argv[1]), open(sys.argv[2], "w"), sys.argv[3]
end = time.time() + secs
conn = None
while time.time() < end:
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    body = json.dumps({"action": "webhook", "payload": {"url": hook}, "run_at": now})
    status, tid = 0, "-"
    try:
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", 8000, timeout=30)
        conn.request("POST", "/tasks", body, {"Content-Type": "application/json",
                                              "Idempotency-Key": str(uuid.uuid4())})
        r = conn.getresponse()
        data = r.read()
        status = r.status
        if status == 201:
            tid = json.loads(data)["task_id"]
    except Exception:
        conn = None
    out.write("%d %d %s\n" % (time.time() * 1000, status, tid))
    out.flush()
EOF

# wait_completed SECS -- until every task is completed (each scenario
# starts from an empty table).
wait_completed() {
	local secs=$1 i left
	for ((i = 0; i < secs; i++)); do
		left=$(sc_count "SELECT COUNT(*) FROM tasks WHERE status <> 'completed'")
		[[ $left == 0 ]] && return 0
		sleep 1
	done
	sc_msg "$left tasks not completed after ${secs}s"
	return 1
}

# commits -- each node's own commits (wsrep_local_commits), "n1/n2/n3".
commits() {
	local n out=
	for ((n = 1; n <= SC_NODES; n++)); do
		out+=${out:+/}$(sc_status "$n" wsrep_local_commits)
	done
	echo "$out"
}

# conflicts -- certification failures plus brute-force aborts, all nodes up.
conflicts() {
	local n sum=0 a b
	for ((n = 1; n <= SC_NODES; n++)); do
		a=$(sc_status "$n" wsrep_local_cert_failures)
		b=$(sc_status "$n" wsrep_local_bf_aborts)
		sum=$((sum + ${a:-0} + ${b:-0}))
	done
	echo "$sum"
}

# stop_pids PID... -- SIGTERM, then wait for each.
stop_pids() {
	local p i
	for p in "$@"; do kill -TERM "$p" 2>/dev/null; done
	for p in "$@"; do
		for ((i = 0; i < 200 && ${#p} > 0; i++)); do
			[[ -d /proc/$p ]] || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
}

# drain N EXECUTORS SPREAD -- N tasks due at one instant, EXECUTORS
# executor hosts, on three nodes (SPREAD=3) or all on node 1 (SPREAD=1).
# Sets DRAIN_RATE (tasks/s), DRAIN_CHECK ("delivered dups missing"),
# DRAIN_CONFLICTS.
drain() {
	local n=$1 ex=$2 spread=$3 query=${4:-} t i c0 end ids
	local -a pids=()
	ids=$SC_DIR/drain-$n-$ex-$spread.ids
	sc_sql 1 tasksched -e "DELETE FROM task_runs; DELETE FROM tasks" || return 1
	t=$((($(sc_now_us) / 1000000 + 3) * 1000000))
	sc_insert_due "$n" "$t" "$query" || return 1
	sc_count "SELECT id FROM tasks" >"$ids"
	: >"$SC_DIR/sink.log.mark"
	c0=$(conflicts)
	DRAIN_COMMITS0=$(commits)
	for ((i = 1; i <= ex; i++)); do
		sc_exec_start "$i" $(((i - 1) % spread + 1)) || return 1
		pids+=("$SC_EXEC_PID")
	done
	wait_completed 300
	# The last completion as the database recorded it (UTC, as the
	# executors write it): the poll above is only as fine as a second.
	end=$(sc_count "SET time_zone = '+00:00'; SELECT ROUND(UNIX_TIMESTAMP(MAX(updated_at)) * 1000) FROM tasks")
	stop_pids "${pids[@]}"
	sc_sink_sync
	DRAIN_CONFLICTS=$(($(conflicts) - c0))
	DRAIN_COMMITS="$DRAIN_COMMITS0 -> $(commits)"
	DRAIN_CHECK=$(python3 "$SC_DIR/check.py" "$ids" "$SC_DIR/sink.log")
	# From the due instant (executors were up before it) to the last completion.
	DRAIN_RATE=$(awk -v n="$n" -v ms="$((end - t / 1000))" 'BEGIN {printf "%.0f", n / (ms > 0 ? ms / 1000 : 1)}')
}

# (a) N tasks due at one instant, executors spread over the three nodes.
scenario_drain() {
	local n=$1 ex=$2 d u m
	sc_msg "(a) $n tasks due at one instant, $ex executors on nodes 1..3"
	drain "$n" "$ex" 3
	read -r d u m <<<"$DRAIN_CHECK"
	check "(a) $n tasks due at once, $ex executors on 3 nodes: $d delivered, $u duplicates per attempt, $m lost ($DRAIN_RATE tasks/s, $DRAIN_CONFLICTS certification conflicts; commits per node $DRAIN_COMMITS)" \
		test "$d" == "$n" -a "$u" == 0 -a "$m" == 0
	check "(a) every task completed in the database" \
		test "$(sc_count "SELECT COUNT(*) FROM tasks WHERE status = 'completed'")" == "$n"
}

# apis_up -- API hosts 1 (node 1 first) and 2 (node 2 first), once.
apis_up() {
	[[ -n ${SC_APIS_UP:-} ]] && return 0
	sc_api_start 1 1 && sc_api_start 2 2 && SC_APIS_UP=1
}

# posters SECS TAG -- a poster in each API host; waits for them.
posters() {
	local secs=$1 tag=$2 i
	local -a p=()
	for i in 1 2; do
		sc_in "api$i" python3 "$SC_DIR/poster.py" "$secs" "$SC_DIR/post-$tag-$i.out" "$SC_HOOK" &
		p+=($!)
	done
	for i in "${p[@]}"; do wait "$i"; done
}

# (b) kill -9 node 2 while POSTs (two API hosts, the second on node 2) and
# executors (one per node) run.
scenario_node_kill() {
	local secs=${KILL_SECS:-30} kill_ms i bad acked lost first d u m agree
	local -a ex=()
	sc_msg "(b) kill -9 node 2 under POSTs and the drain"
	sc_sql 1 tasksched -e "DELETE FROM task_runs; DELETE FROM tasks"
	apis_up || return 1
	for i in 1 2 3; do
		sc_exec_start "$i" "$i" || return 1
		ex+=("$SC_EXEC_PID")
	done
	rm -f "$SC_DIR"/post-kill-*.out
	posters "$secs" kill &
	local ppid=$!
	# Kill once both API hosts are writing (python starts slowly under load).
	for ((i = 0; i < 600; i++)); do
		[[ $(wc -l 2>/dev/null <"$SC_DIR/post-kill-1.out") -ge 100 &&
			$(wc -l 2>/dev/null <"$SC_DIR/post-kill-2.out") -ge 100 ]] && break
		sleep 0.1
	done
	kill_ms=$(date +%s%3N)
	sc_node_kill 2
	sc_msg "(b) node 2 killed"
	wait "$ppid"
	cat "$SC_DIR"/post-kill-*.out >"$SC_DIR/post-kill.all"
	bad=$(awk '$2 != 201 && $2 != 503' "$SC_DIR/post-kill.all" | wc -l)
	acked=$(awk '$2 == 201 {print $3}' "$SC_DIR/post-kill.all" | tee "$SC_DIR/kill.ids" | wc -l)
	first=$(awk -v k="$kill_ms" '$2 == 201 && $1 > k {print $1 - k; exit}' "$SC_DIR/post-kill-2.out")
	KILL_TO_WRITE_MS=${first:--}
	check "(b) only 201 or 503 answers ($(wc -l <"$SC_DIR/post-kill.all") POSTs, $bad others, $(awk '$2 == 503' "$SC_DIR/post-kill.all" | wc -l) 503)" \
		test "$bad" == 0
	check "(b) writes through the API host on node 2 resume ${KILL_TO_WRITE_MS} ms after the kill" \
		test "$KILL_TO_WRITE_MS" != -
	check "(b) throughput after the kill: $(awk -v k="$kill_ms" '$2 == 201 && $1 > k' "$SC_DIR/post-kill.all" | wc -l) of $acked acknowledged tasks came after it" \
		test "$(awk -v k="$kill_ms" '$2 == 201 && $1 > k' "$SC_DIR/post-kill.all" | wc -l)" -gt 0
	wait_completed 120
	stop_pids "${ex[@]}"
	sc_sink_sync
	sort -u "$SC_DIR/kill.ids" >"$SC_DIR/kill.ids.u"
	lost=$(sc_count "SELECT id FROM tasks" | sort | comm -23 "$SC_DIR/kill.ids.u" - | wc -l)
	read -r d u m <<<"$(python3 "$SC_DIR/check.py" "$SC_DIR/kill.ids.u" "$SC_DIR/sink.log")"
	check "(b) $acked acknowledged tasks: $lost missing from the database, $d delivered, $u duplicates per attempt, $m never delivered" \
		test "$lost" == 0 -a "$u" == 0 -a "$m" == 0 -a "$d" == "$acked"
	agree=0
	metrics_agree || agree=1
	check "(b) /metrics counts by status (written through three nodes) are the tasks table's: $(echo "$METRICS_SEEN" | paste -sd ,)" \
		test "$agree" == 0
}

# metrics_agree -- /metrics through API host 1 counts the tasks of each
# status as the tasks table holds them (the counters' shards of every node
# and connection summed); the scrape's counts are in $METRICS_SEEN.
metrics_agree() {
	local want
	want=$(sc_count "SELECT CONCAT(status), COUNT(*) FROM tasks GROUP BY status" |
		tr '\t' ' ' | LC_ALL=C sort)
	METRICS_SEEN=$(sc_in api1 curl -sS http://127.0.0.1:8000/metrics |
		sed -n 's/^tasksched_tasks{status="\([a-z_]*\)"} \([0-9]*\)$/\1 \2/p' |
		awk '$2 != 0' | LC_ALL=C sort)
	[[ -n $want && $want == "$METRICS_SEEN" ]]
}

# (d) the killed node N rejoins (IST or SST) and has every row.
scenario_rejoin() {
	local n=$1 a b
	sc_msg "(d) node $n rejoins"
	rm -f "$(sc_node_dir "$n")/mysqld.sock"
	sc_node_start "$n" || return 1
	if ! sc_node_wait_synced "$n" 300; then
		not_ok "(d) node $n rejoined and Synced"
		return 1
	fi
	a=$(sc_sql 1 -N -B tasksched -e "CHECKSUM TABLE tasks" | cut -f 2)
	b=$(sc_sql "$n" -N -B tasksched -e "CHECKSUM TABLE tasks" | cut -f 2)
	check "(d) node $n rejoined ($(grep -c -i 'IST received\|Receiving IST' "$(sc_node_dir "$n")/error.log") IST log lines), cluster size $(sc_status 1 wsrep_cluster_size), same tasks as node 1 (checksum $a)" \
		test "$a" == "$b" -a "$(sc_status 1 wsrep_cluster_size)" == "$SC_NODES"
}

# cut_node N / heal_node N -- starve node N's Galera traffic (port 4567,
# both directions, by what it sends) inside its namespace: an htb class of
# 8 bit/s takes it, so nothing passes (Debian's kernel here has no tc drop
# action and no iptables is needed). Clients still reach its port 3306, so
# it is the node's own state that must keep programs away.
cut_node() {
	local ns=db$1
	sc_in "$ns" tc qdisc add dev eth0 root handle 1: htb default 10 r2q 1000 &&
		sc_in "$ns" tc class add dev eth0 parent 1: classid 1:10 htb rate 10gbit &&
		sc_in "$ns" tc class add dev eth0 parent 1: classid 1:20 htb rate 8bit ceil 8bit &&
		sc_in "$ns" tc filter add dev eth0 parent 1: protocol ip prio 1 u32 \
			match ip dport 4567 0xffff flowid 1:20 &&
		sc_in "$ns" tc filter add dev eth0 parent 1: protocol ip prio 2 u32 \
			match ip sport 4567 0xffff flowid 1:20
}
heal_node() { sc_in "db$1" tc qdisc del dev eth0 root; }

# tasksched_conns N -- sessions of the tasksched user on node N.
tasksched_conns() {
	sc_sql "$1" -N -B -e "SHOW PROCESSLIST" 2>/dev/null | awk -F'\t' '$2 == "tasksched"' | wc -l
}

# (c) cut node N off from the other two while an executor uses it first.
scenario_partition() {
	local n=$1 i st before during lost conns d u m
	local -a ex=()
	sc_msg "(c) cut node $n off from the others"
	sc_sql 1 tasksched -e "DELETE FROM task_runs; DELETE FROM tasks"
	apis_up || return 1
	for i in 1 2 3; do
		sc_exec_start "$i" "$i" || return 1
		ex+=("$SC_EXEC_PID")
	done
	posters 8 before-cut
	cat "$SC_DIR"/post-before-cut-*.out | awk '$2 == 201 {print $3}' | sort -u >"$SC_DIR/cut.ids"
	before=$(wc -l <"$SC_DIR/cut.ids")
	cut_node "$n" || { not_ok "(c) could not cut node $n (tc)"; return 1; }
	for ((i = 0; i < 60; i++)); do
		st=$(sc_status "$n" wsrep_cluster_status)
		[[ $st != Primary ]] && break
		sleep 0.5
	done
	check "(c) node $n cut off: wsrep_cluster_status=$st, wsrep_ready=$(sc_status "$n" wsrep_ready)" \
		test "$st" != Primary
	posters 8 during-cut
	for ((i = 0; i < 40; i++)); do
		conns=$(tasksched_conns "$n")
		((conns == 0)) && break
		sleep 0.5
	done
	during=$(cat "$SC_DIR"/post-during-cut-*.out | awk '$2 == 201' | wc -l)
	check "(c) no program keeps using node $n ($conns tasksched sessions left); $during POSTs acknowledged during the cut, $(cat "$SC_DIR"/post-during-cut-*.out | awk '$2 != 201 && $2 != 503' | wc -l) answers other than 201 or 503" \
		test "$conns" == 0 -a "$during" -gt 0 -a "$(cat "$SC_DIR"/post-during-cut-*.out | awk '$2 != 201 && $2 != 503' | wc -l)" == 0
	heal_node "$n"
	sc_node_wait_synced "$n" 180 || not_ok "(c) node $n Synced again after the cut"
	cat "$SC_DIR"/post-during-cut-*.out | awk '$2 == 201 {print $3}' | sort -u >>"$SC_DIR/cut.ids"
	sort -u -o "$SC_DIR/cut.ids" "$SC_DIR/cut.ids"
	wait_completed 120
	stop_pids "${ex[@]}"
	sc_sink_sync
	lost=$(sc_count "SELECT id FROM tasks" | sort | comm -23 "$SC_DIR/cut.ids" - | wc -l)
	read -r d u m <<<"$(python3 "$SC_DIR/check.py" "$SC_DIR/cut.ids" "$SC_DIR/sink.log")"
	check "(c) $before tasks acknowledged before the cut, $(wc -l <"$SC_DIR/cut.ids") in all: $lost lost, $d delivered, $u duplicates per attempt, $m never delivered" \
		test "$before" -gt 0 -a "$lost" == 0 -a "$u" == 0 -a "$m" == 0
}

# (e) kill -9 an executor host mid-drain: its leases expire and another
# host finishes its tasks. Host 1 drains alone until it has delivered some
# and holds claims, then dies; host 2 (on another node) takes over.
scenario_executor_kill() {
	local n=${EKILL_TASKS:-2000} t i p1 p2 d u m seen held again ids=$SC_DIR/ekill.ids
	local -a lease=(executor_lease_seconds=5 executor_concurrency=8 executor_batch_size=50)
	sc_msg "(e) kill -9 an executor host mid-drain ($n tasks)"
	sc_sql 1 tasksched -e "DELETE FROM task_runs; DELETE FROM tasks"
	: >"$SC_DIR/sink.log"
	t=$((($(sc_now_us) / 1000000 + 2) * 1000000))
	sc_insert_due "$n" "$t" || return 1
	sc_count "SELECT id FROM tasks" >"$ids"
	sc_exec_start 1 1 "${lease[@]}" || return 1
	p1=$SC_EXEC_PID
	for ((i = 0; i < 1200; i++)); do
		seen=$(wc -l <"$SC_DIR/sink.log")
		((seen >= n / 10)) && break
		sleep 0.05
	done
	kill -KILL "$p1"
	wait "$p1" 2>/dev/null
	[[ -d /proc/$p1 ]] && not_ok "(e) executor host 1 survived kill -9"
	held=$(sc_count "SELECT COUNT(*) FROM tasks WHERE status = 'running'")
	sc_msg "(e) executor host 1 killed after $seen deliveries, holding $held leases"
	sc_exec_start 2 2 "${lease[@]}" || return 1
	p2=$SC_EXEC_PID
	wait_completed 180
	stop_pids "$p2"
	sc_sink_sync
	again=$(sc_count "SELECT COUNT(*) FROM tasks WHERE attempts > 1")
	read -r d u m <<<"$(python3 "$SC_DIR/check.py" "$ids" "$SC_DIR/sink.log")"
	check "(e) executor host killed holding $held leases: host 2 finished, $d of $n delivered, $u duplicates per attempt, $m lost; $again tasks took a second attempt" \
		test "$held" -gt 0 -a "$again" -gt 0 -a "$d" == "$n" -a "$u" == 0 -a "$m" == 0
}

# bench_figures -- one "scale:" line: drain rates with 1, 2, 4 executors on
# one node and on three, and on three with a receiver that takes
# BENCH_DELAY_MS (200) to answer, POST rates through one and two API hosts,
# certification conflicts per 1,000 claims, time from a node kill to the
# first successful write.
bench_figures() {
	local n=${BENCH_TASKS:-5000} delay=${BENCH_DELAY_MS:-200} ex spread line="" p1 p2 c0 c1 secs=10
	for spread in 1 3; do
		for ex in 1 2 4; do
			sc_msg "bench: drain $n, $ex executors on $spread node(s)"
			drain "$n" "$ex" "$spread"
			line+=" drain_${ex}x${spread}node=${DRAIN_RATE}/s"
			[[ $ex == 4 && $spread == 3 ]] &&
				line+=" conflicts_per_1000_claims=$(awk -v c="$DRAIN_CONFLICTS" -v n="$n" 'BEGIN {printf "%.1f", c * 1000 / n}')"
		done
	done
	# Where the receivers, not the database, are what an executor waits
	# for (each executor keeps executor_concurrency requests in flight),
	# more executors carry more requests at once.
	for ex in 1 2 4; do
		sc_msg "bench: drain $n to a ${delay} ms receiver, $ex executors on 3 nodes"
		drain "$n" "$ex" 3 "delay_ms=$delay"
		line+=" drain_${delay}ms_${ex}x3node=${DRAIN_RATE}/s"
	done
	sc_sql 1 tasksched -e "DELETE FROM task_runs; DELETE FROM tasks"
	sc_in api1 python3 "$SC_DIR/poster.py" "$secs" "$SC_DIR/bench-post-1.out" "$SC_HOOK"
	p1=$(awk '$2 == 201' "$SC_DIR/bench-post-1.out" | wc -l)
	c0=$(conflicts)
	posters "$secs" bench2
	c1=$(conflicts)
	p2=$(cat "$SC_DIR"/post-bench2-*.out | awk '$2 == 201' | wc -l)
	line+=" post_1api=$((p1 / secs))/s post_2api=$((p2 / secs))/s"
	# Two API hosts on two nodes insert at once: certification conflicts
	# per 1,000 acknowledged POSTs, and what the clients were answered.
	line+=" post_conflicts_per_1000=$(awk -v c="$((c1 - c0))" -v n="$p2" 'BEGIN {printf "%.1f", n ? c * 1000 / n : 0}')"
	line+=" post_503=$(cat "$SC_DIR"/bench-post-1.out "$SC_DIR"/post-bench2-*.out | awk '$2 == 503' | wc -l)"
	line+=" post_other=$(cat "$SC_DIR"/bench-post-1.out "$SC_DIR"/post-bench2-*.out | awk '$2 != 201 && $2 != 503' | wc -l)"
	line+=" kill_to_write=${KILL_TO_WRITE_MS:-?}ms"
	echo "scale:$line load=$(cut -d' ' -f1-3 /proc/loadavg) cpus=$(nproc)"
}
