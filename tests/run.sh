#!/bin/bash
# Runs every test of lookback for each build directory given (build, build-asan):
# cmocka unit tests (TAP output), scenario scripts (TAP), fuzz corpus replays.
# Ends with one line "N passed, N failed, N skipped" covering everything.
# Exit 0 only if nothing failed.
set -u
cd "$(dirname "$0")/.."
TOP=$(pwd)
export SHARED="${SHARED:-$(cd "$TOP/.." && pwd)/shared}"
PASS=0; FAIL=0; SKIP=0
LOG=$TOP/build/test-logs
mkdir -p "$LOG"

count() { # $1 = name, $2 = output file, $3 = exit status, $4 = seconds
	local out=$2 rc=$3 secs=${4:-0} p f s
	p=$(grep -cE '^ok ' "$out" | tr -d ' ')
	s=$(grep -cE '^ok .*# (SKIP|skip)' "$out" | tr -d ' ')
	f=$(grep -cE '^not ok ' "$out" | tr -d ' ')
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1; echo "not ok - $1 exited with status $rc" >> "$out"
	fi
	if [ $((p + f + s)) -eq 0 ]; then
		f=1; echo "not ok - $1 ran no test" >> "$out"
	fi
	PASS=$((PASS + p)); FAIL=$((FAIL + f)); SKIP=$((SKIP + s))
	if [ "$f" -gt 0 ]; then
		echo "FAIL $1 ($p passed, $f failed, ${secs}s)"; grep -E '^not ok|^# ' "$out" | head -40 | sed 's/^/    /'
		tail -20 "$out" | grep -vE '^(ok|not ok|#)' | sed 's/^/    | /'
	else
		echo "ok   $1 ($p passed${s:+, $s skipped}, ${secs}s)"
	fi
}

run() { # $1 = name, rest = command
	local name=$1; shift
	local out="$LOG/$(echo "$name" | tr '/ ' '__').log"
	local t0=$SECONDS
	CMOCKA_MESSAGE_OUTPUT=TAP timeout 600 "$@" > "$out" 2>&1
	count "$name" "$out" $? "$((SECONDS - t0))"
}

for B in "$@"; do
	echo "== $B"
	export LOOKBACK="$TOP/$B/lookback" BUILD="$TOP/$B"
	for t in $(find "$B/tests" -type f -perm -u+x 2>/dev/null | sort); do
		run "$B:unit/${t#$B/tests/}" "$t"
	done
	for r in $(find "$B/replay" -type f -perm -u+x 2>/dev/null | sort); do
		n=$(basename "$r"); n=${n#fuzz_}
		run "$B:fuzz/$n" "$r" "fuzz/corpus/$n" "fuzz/crashes/$n"
	done
	for s in tests/scenario/*.sh; do
		[ -e "$s" ] || continue
		case "$s" in */lib.sh) continue;; esac
		run "$B:scenario/$(basename "$s" .sh)" bash "$s"
	done
done
echo
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
