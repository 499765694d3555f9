#!/bin/bash
# build.sh -- builds the libFuzzer harnesses of tests/fuzz with clang.
#
#   tests/fuzz/build.sh OUTDIR [HARNESS...]
#
# Each harness is linked from its own file and exactly the library sources it
# needs, compiled here (not taken from the autotools build) with
# -fsanitize=fuzzer-no-link,address,undefined so that libFuzzer sees their
# coverage; the harness itself gets -fsanitize=fuzzer,address,undefined.
# cJSON, libuuid, libcrypto and libical come from pkg-config; no MariaDB, curl or
# FastCGI.
#
# The library files include "config.h" only for AC_USE_SYSTEM_EXTENSIONS
# (_GNU_SOURCE) and the PACKAGE_* names, so a minimal one is generated in
# OUTDIR/include; TS_FUZZ_CONFIG_H=/path/to/config.h uses a configured one
# instead.
#
# Environment: CC (default clang, else clang-14), TS_FUZZ_CFLAGS (extra
# flags for everything). As root, missing Debian packages are installed with
# apt-get; otherwise they are named and the script exits 1.
#
# Writes OUTDIR/fuzz_<name> for each harness (all by default). Exits 0 when
# all were built.
set -euo pipefail

fuzzdir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
srcdir=$(cd "$fuzzdir/../.." && pwd)

# name:library sources (relative to src/):pkg-config modules. When a
# library file starts calling another module, add that file here.
harness_table=(
	"request:lib/json.c lib/json_task.c lib/strbuf.c lib/json_strict.c lib/utf8.c lib/webhook_spec.c lib/message_spec.c lib/amqp_spec.c lib/email_spec.c lib/mail.c lib/validate.c lib/validate_schedule.c lib/task_schedule.c lib/schedule.c lib/cron.c lib/tz.c lib/netguard.c lib/tstime.c lib/task.c lib/errors.c:libcjson libical"
	"rfc3339:lib/tstime.c:"
	"cursor:lib/cursor.c lib/b64url.c lib/id.c lib/tstime.c lib/errors.c:uuid"
	"merge_patch:lib/json_patch.c lib/json.c lib/json_task.c lib/strbuf.c lib/json_strict.c lib/utf8.c lib/webhook_spec.c lib/message_spec.c lib/amqp_spec.c lib/email_spec.c lib/schedule.c lib/cron.c lib/tz.c lib/tstime.c lib/task.c lib/errors.c:libcjson libical"
	"query:api/http.c lib/token.c lib/b64url.c lib/sign.c lib/log.c lib/json.c lib/json_task.c lib/strbuf.c lib/json_strict.c lib/utf8.c lib/webhook_spec.c lib/message_spec.c lib/amqp_spec.c lib/email_spec.c lib/schedule.c lib/cron.c lib/tz.c lib/tstime.c lib/task.c lib/errors.c:libcjson libcrypto libical"
)

usage() {
	sed -n '2,4s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

(($# >= 1)) || usage
case $1 in -h | --help) usage ;; esac
outdir=$1
shift
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

declare -a wanted=()
if (($# > 0)); then
	wanted=("$@")
else
	for entry in "${harness_table[@]}"; do
		wanted+=("${entry%%:*}")
	done
fi

# --- tools and packages ----------------------------------------------------

pick_cc() {
	if [[ -n ${CC:-} ]]; then
		command -v "$CC" >/dev/null && echo "$CC"
		return
	fi
	local c
	for c in clang clang-14; do
		if command -v "$c" >/dev/null; then
			echo "$c"
			return
		fi
	done
}

# Debian 12: clang-14 is the compiler; libclang-rt-14-dev holds libFuzzer and
# the sanitizer runtimes.
packages=(clang-14 libclang-rt-14-dev pkg-config libcjson-dev uuid-dev libssl-dev libical-dev)
missing=()
if command -v dpkg-query >/dev/null; then
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
fi
if ((${#missing[@]} > 0)); then
	if [[ $(id -u) != 0 ]]; then
		echo "fuzz-build: missing Debian packages: ${missing[*]}" >&2
		echo "fuzz-build: install them with: apt-get install ${missing[*]}" >&2
		exit 1
	fi
	echo "fuzz-build: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	# A stale package list is the usual reason for the first try to fail.
	if ! apt-get install -y --no-install-recommends "${missing[@]}" >&2; then
		if ! { apt-get update >&2 &&
			apt-get install -y --no-install-recommends "${missing[@]}" >&2; }; then
			echo "fuzz-build: could not install ${missing[*]}" >&2
			exit 1
		fi
	fi
fi

cc=$(pick_cc)
if [[ -z $cc ]]; then
	echo "fuzz-build: no clang found (set CC, or install clang-14)" >&2
	exit 1
fi

# libFuzzer must be there: a one-line harness proves it.
probe=$outdir/.probe
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
	>"$probe.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined -o "$probe" "$probe.c" 2>"$probe.log"; then
	echo "fuzz-build: $cc cannot link -fsanitize=fuzzer (libFuzzer missing?):" >&2
	cat "$probe.log" >&2
	echo "fuzz-build: on Debian 12 it is in libclang-rt-14-dev" >&2
	exit 1
fi
rm -f "$probe" "$probe.c" "$probe.log"

# --- flags ------------------------------------------------------------------

mkdir -p "$outdir/include" "$outdir/obj"
if [[ -n ${TS_FUZZ_CONFIG_H:-} ]]; then
	cp "$TS_FUZZ_CONFIG_H" "$outdir/include/config.h"
else
	version=$(sed -n 's/^AC_INIT(\[tasksched\], \[\([^]]*\)\].*/\1/p' "$srcdir/configure.ac")
	cat >"$outdir/include/config.h.new" <<EOF
/* config.h -- minimal stand-in written by tests/fuzz/build.sh. */
#define PACKAGE "tasksched"
#define PACKAGE_NAME "tasksched"
#define PACKAGE_TARNAME "tasksched"
#define PACKAGE_VERSION "${version:-0}"
#define PACKAGE_STRING "tasksched ${version:-0}"
#define VERSION "${version:-0}"
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif
EOF
	# Unchanged content keeps its timestamp, so objects are not rebuilt.
	if cmp -s "$outdir/include/config.h.new" "$outdir/include/config.h"; then
		rm "$outdir/include/config.h.new"
	else
		mv "$outdir/include/config.h.new" "$outdir/include/config.h"
	fi
fi

# The warnings of configure.ac, and its C standard.
warn=(-Wall -Wextra -Wformat=2 -Wshadow -Wpointer-arith -Wstrict-prototypes
	-Wmissing-prototypes -Wvla -Wno-unused-parameter)
san=(-fno-sanitize-recover=all -fno-omit-frame-pointer)
read -r -a extra <<<"${TS_FUZZ_CFLAGS:-}"
common=(-std=c11 -g -O1 "${warn[@]}" "${san[@]}" "${extra[@]}"
	-I"$outdir/include" -I"$srcdir/src/lib" -I"$srcdir/src/api")

# Objects built with other flags or another compiler are stale as a whole.
stamp="$cc ${common[*]}"
if [[ ! -f $outdir/obj/flags || $(cat "$outdir/obj/flags") != "$stamp" ]]; then
	rm -f "$outdir"/obj/*.o "$outdir"/obj/*.o.d
	printf '%s\n' "$stamp" >"$outdir/obj/flags"
fi

# compile SRC OBJ FLAGS... -- compiles SRC unless OBJ is newer than every
# file of the depfile clang wrote for it last time (the source, config.h and
# the headers it includes).
compile() {
	local src=$1 obj=$2
	shift 2
	if [[ -f $obj && -f $obj.d ]] && ! needs_rebuild "$obj"; then
		return 0
	fi
	"$cc" "${common[@]}" "$@" -MMD -MF "$obj.d" -c "$src" -o "$obj"
}

# True when any file OBJ's depfile names is newer than OBJ.
needs_rebuild() {
	local obj=$1 dep
	# Depfiles are make syntax: words, not lines.
	# shellcheck disable=SC2013
	for dep in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$obj.d"); do
		[[ $dep -nt $obj ]] && return 0
	done
	return 1
}

# --- build ------------------------------------------------------------------

built=0
for name in "${wanted[@]}"; do
	entry=""
	for e in "${harness_table[@]}"; do
		[[ ${e%%:*} == "$name" ]] && entry=$e
	done
	if [[ -z $entry ]]; then
		echo "fuzz-build: no harness named '$name'" >&2
		exit 2
	fi
	rest=${entry#*:}
	sources=${rest%%:*}
	modules=${rest#*:}
	pkg_cflags=()
	pkg_libs=()
	if [[ -n $modules ]]; then
		# $modules is a list of pkg-config names: split on purpose.
		# shellcheck disable=SC2086
		read -r -a pkg_cflags <<<"$(pkg-config --cflags $modules)"
		# shellcheck disable=SC2086
		read -r -a pkg_libs <<<"$(pkg-config --libs $modules)"
	fi

	objs=()
	for s in $sources; do
		# One object per source and sanitizer setting, shared by harnesses.
		o=$outdir/obj/$(echo "$s" | tr '/' '_').o
		compile "$srcdir/src/$s" "$o" -fsanitize=fuzzer-no-link,address,undefined \
			"${pkg_cflags[@]}"
		objs+=("$o")
	done
	o=$outdir/obj/fuzz_$name.o
	compile "$fuzzdir/fuzz_$name.c" "$o" -fsanitize=fuzzer,address,undefined \
		"${pkg_cflags[@]}"
	objs+=("$o")
	"$cc" -fsanitize=fuzzer,address,undefined -o "$outdir/fuzz_$name" \
		"${objs[@]}" "${pkg_libs[@]}" -lm
	echo "fuzz-build: $outdir/fuzz_$name"
	built=$((built + 1))
done
((built > 0))
