#!/bin/bash
# run.sh -- builds the fuzz harnesses and runs each for a bounded time.
#
#   tests/fuzz/run.sh [SECONDS]            (default 60 per harness)
#
# For each harness: first the saved crashers in regressions/<name>/ are
# replayed (each must now pass), then libFuzzer runs for SECONDS on a copy of
# corpus/<name>/ with <name>.dict, so the seeds in the tree never change.
# One summary line per harness; on a failure its log tail (the stack) is
# printed and the work directory kept. Exits 0 when every harness ran clean,
# 1 on any crash, leak, timeout or broken invariant, 2 on bad usage.
#
# Environment:
#   TS_FUZZ_HARNESSES  names to run (default: request rfc3339 cursor query
#                      merge_patch)
#   TS_FUZZ_BUILDDIR   where to build (default: inside the work directory;
#                      set it to reuse a build between runs)
#   TS_FUZZ_ARGS       extra libFuzzer options, e.g. "-runs=10000000"
set -uo pipefail

fuzzdir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
seconds=${1:-60}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: $0 [SECONDS]" >&2
	exit 2
fi
read -r -a harnesses <<<"${TS_FUZZ_HARNESSES:-request rfc3339 cursor query merge_patch}"
read -r -a extra <<<"${TS_FUZZ_ARGS:-}"

work=$(mktemp -d "${TMPDIR:-/tmp}/tasksched-fuzz.XXXXXX") || exit 1
builddir=${TS_FUZZ_BUILDDIR:-$work/build}

if ! "$fuzzdir/build.sh" "$builddir" "${harnesses[@]}" >"$work/build.log" 2>&1; then
	cat "$work/build.log" >&2
	echo "fuzz: build FAILED (work directory kept: $work)" >&2
	exit 1
fi

# Reads "stat::NAME: VALUE" from a libFuzzer log (-print_final_stats=1).
stat() {
	sed -n "s/^stat::$1: *//p" "$2" | tail -n 1
}

failed=0
for name in "${harnesses[@]}"; do
	bin=$builddir/fuzz_$name
	log=$work/$name.log
	art=$work/artifacts-$name
	mkdir -p "$art" "$work/corpus-$name"

	# Replays never fuzz: the binary runs each file once and exits.
	regs=()
	if [[ -d $fuzzdir/regressions/$name ]]; then
		mapfile -t regs < <(find "$fuzzdir/regressions/$name" -type f ! -name '*.md' | sort)
	fi
	if ((${#regs[@]} > 0)) && ! "$bin" "${regs[@]}" >"$work/$name-regressions.log" 2>&1; then
		echo "fuzz_$name: FAILED replaying regressions/$name (${#regs[@]} inputs)"
		tail -n 60 "$work/$name-regressions.log"
		failed=1
		continue
	fi

	cp -R "$fuzzdir/corpus/$name/." "$work/corpus-$name/"
	seeds=$(find "$work/corpus-$name" -type f | wc -l)
	dict=()
	[[ -f $fuzzdir/$name.dict ]] && dict=(-dict="$fuzzdir/$name.dict")
	# libFuzzer stops itself after SECONDS; `timeout` is only a backstop for
	# a hang it cannot interrupt.
	start=$SECONDS
	timeout --kill-after=30 $((seconds + 300)) \
		"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$art/" "${dict[@]}" "${extra[@]}" \
		"$work/corpus-$name" >"$log" 2>&1
	rc=$?
	runs=$(stat number_of_executed_units "$log")
	speed=$(stat average_exec_per_sec "$log")
	time_s=$((SECONDS - start))
	corpus=$(find "$work/corpus-$name" -type f | wc -l)
	if ((rc == 0)); then
		printf 'fuzz_%s: ok, %s executions in %s s (%s/s), corpus %s -> %s\n' \
			"$name" "${runs:-?}" "$time_s" "${speed:-?}" "$seeds" "$corpus"
	else
		reason=$(grep -m1 -oE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer): [a-z-]+|runtime error: .*|invariant broken: .{0,80}' "$log")
		printf 'fuzz_%s: FAILED (exit %s: %s) after %s executions; inputs in %s\n' \
			"$name" "$rc" "${reason:-see log}" "${runs:-?}" "$art"
		tail -n 60 "$log"
		failed=1
	fi
done

if ((failed)); then
	echo "fuzz: FAILED; logs, artifacts and corpora kept in $work"
	exit 1
fi
rm -rf "$work"
exit 0
