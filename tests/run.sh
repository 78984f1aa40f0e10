#!/bin/bash
# Runs every test of lookback for each build directory given (build, build-asan):
# cmocka unit tests (TAP output), fuzz corpus replays, scenario scripts (TAP).
# Ends with one line "N passed, N failed, N skipped" covering everything.
# Exit 0 only if nothing failed.
#
# The build directories run side by side (one per core); scenario scripts that
# hold machine-wide resources (a line "# lookback-test: serial": fixed loopback
# addresses, port 53, live capture on lo) run afterwards, one at a time.
set -u
cd "$(dirname "$0")/.."
TOP=$(pwd)
export SHARED="${SHARED:-$(cd "$TOP/.." && pwd)/shared}"
LOG=$TOP/build/test-logs
mkdir -p "$LOG"

count() { # $1 = name, $2 = output file, $3 = exit status, $4 = seconds, $5 = tally file
	local out=$2 rc=$3 secs=${4:-0} tally=$5 p f s
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
	echo "$p $f $s" >> "$tally"
	if [ "$f" -gt 0 ]; then
		echo "FAIL $1 ($p passed, $f failed, ${secs}s)"; grep -E '^not ok|^# ' "$out" | head -40 | sed 's/^/    /'
		tail -20 "$out" | grep -vE '^(ok|not ok|#)' | sed 's/^/    | /'
	else
		echo "ok   $1 ($p passed${s:+, $s skipped}, ${secs}s)"
	fi
}

run() { # $1 = tally file, $2 = name, rest = command
	local tally=$1 name=$2; shift 2
	local out="$LOG/$(echo "$name" | tr '/ ' '__').log"
	local t0=$SECONDS
	CMOCKA_MESSAGE_OUTPUT=TAP timeout 600 "$@" > "$out" 2>&1
	count "$name" "$out" $? "$((SECONDS - t0))" "$tally"
}

is_serial() { grep -q '^# lookback-test: serial' "$1"; }

parallel_part() { # $1 = build dir, $2 = tally file
	local B=$1 tally=$2
	export LOOKBACK="$TOP/$B/lookback" BUILD="$TOP/$B"
	for t in $(find "$B/tests" -type f -perm -u+x 2>/dev/null | sort); do
		run "$tally" "$B:unit/${t#$B/tests/}" "$t"
	done
	for r in $(find "$B/replay" -type f -perm -u+x 2>/dev/null | sort); do
		n=$(basename "$r"); n=${n#fuzz_}
		run "$tally" "$B:fuzz/$n" "$r" "fuzz/corpus/$n" "fuzz/crashes/$n"
	done
	for s in tests/scenario/*.sh; do
		[ -e "$s" ] || continue
		case "$s" in */lib.sh|*/resolvers.sh) continue;; esac
		is_serial "$s" && continue
		run "$tally" "$B:scenario/$(basename "$s" .sh)" bash "$s"
	done
}

serial_part() { # $1 = build dir, $2 = tally file
	local B=$1 tally=$2
	export LOOKBACK="$TOP/$B/lookback" BUILD="$TOP/$B"
	for s in tests/scenario/*.sh; do
		[ -e "$s" ] || continue
		case "$s" in */lib.sh|*/resolvers.sh) continue;; esac
		is_serial "$s" || continue
		run "$tally" "$B:scenario/$(basename "$s" .sh)" bash "$s"
	done
}

pids=()
for B in "$@"; do
	rm -f "$LOG/$B.tally" "$LOG/$B.out"
	( parallel_part "$B" "$LOG/$B.tally" > "$LOG/$B.out" 2>&1 ) &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
for B in "$@"; do
	echo "== $B"
	cat "$LOG/$B.out"
done
echo "== serial scenarios"
for B in "$@"; do
	serial_part "$B" "$LOG/$B.tally"
done

read -r PASS FAIL SKIP < <(for B in "$@"; do cat "$LOG/$B.tally"; done 2>/dev/null | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
echo
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
