#!/bin/bash
# Runs every test of lookback for each build directory given (build, build-asan):
# cmocka unit tests (TAP output), fuzz corpus replays, scenario scripts (TAP).
# Ends with one line "N passed, N failed, N skipped" covering everything.
# Exit 0 only if nothing failed.
#
# The builds' tests share one queue served by a worker per core (at most 2).
# Beside it a third lane runs, one at a time, the scenario scripts marked
# "# lookback-test: serial" (they hold machine-wide resources: fixed loopback
# addresses, port 53; never two of them at once) and the scenarios and unit
# tests marked "lookback-test: waits" (a line of the script, or of the unit
# test's source in a comment: they mostly wait - on timeouts, resolvers - and
# use a quarter of a core or less): the waiting would otherwise hold one of
# the two workers.
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

# the third lane's tests (see the top): $1 = a scenario script or unit test source
is_lane() { grep -qsE '^(# | \* )lookback-test: (serial|waits)' "$1"; }

# One test of one build, its report line to $LOG/jobs/N.out: $1 = build dir,
# $2 = kind (unit, unit-lane, fuzz, scenario, lane), $3 = its path, $4 = N.
one() {
	local B=$1 kind=$2 t=$3 tally="$LOG/$1.tally" n
	export LOOKBACK="$TOP/$B/lookback" BUILD="$TOP/$B"
	case $kind in
	unit|unit-lane) run "$tally" "$B:unit/${t#$B/tests/}" "$t" ;;
	fuzz) n=$(basename "$t"); n=${n#fuzz_}
	      run "$tally" "$B:fuzz/$n" "$t" "fuzz/corpus/$n" "fuzz/crashes/$n" ;;
	scenario|lane) run "$tally" "$B:scenario/$(basename "$t" .sh)" bash "$t" ;;
	esac > "$LOG/jobs/$4.out" 2>&1
}

# The tests of one build, a line each: "N B kind path", N counting on from
# $2; kinds lane and unit-lane for the third lane's scenarios and unit tests.
list_part() { # $1 = build dir, $2 = first N
	local B=$1 n=$2 t s
	for t in $(find "$B/tests" -type f -perm -u+x 2>/dev/null | sort); do
		if is_lane "tests/unit/${t#$B/tests/}.c"; then
			echo "$n $B unit-lane $t"
		else
			echo "$n $B unit $t"
		fi
		n=$((n + 1))
	done
	for t in $(find "$B/replay" -type f -perm -u+x 2>/dev/null | sort); do
		echo "$n $B fuzz $t"; n=$((n + 1))
	done
	for s in tests/scenario/*.sh; do
		[ -e "$s" ] || continue
		case "$s" in */lib.sh|*/resolvers.sh) continue;; esac
		if is_lane "$s"; then
			echo "$n $B lane $s"
		else
			echo "$n $B scenario $s"
		fi
		n=$((n + 1))
	done
}

# Every build's tests but the third lane's go to one queue served by one
# worker per core (2 at most: the scenarios start servers and resolvers):
# scenarios first, the last build's (ASan: the slowest) first of all, then
# the short unit tests and corpus replays fill the gaps.  The third lane runs
# its tests beside the queue, one at a time, the last build's first.  The
# reports are printed per build in their listed order.
rm -rf "$LOG/jobs"
mkdir -p "$LOG/jobs"
: > "$LOG/jobs.txt"
n=0
for B in "$@"; do
	rm -f "$LOG/$B.tally"
	list_part "$B" "$n" >> "$LOG/jobs.txt"
	n=$(wc -l < "$LOG/jobs.txt")
done
workers=$(nproc 2>/dev/null || echo 2)
[ "$workers" -gt 2 ] && workers=2
[ "$workers" -lt 1 ] && workers=1
export -f one run count
export TOP LOG
for B in $(printf '%s\n' "$@" | tac); do awk -v b="$B" '$2 == b && $3 ~ /lane$/' "$LOG/jobs.txt"; done |
	awk '{ print $2, $3, $4, $1 }' | xargs -r -P 1 -n 4 bash -c 'one "$@"' _ &
lane=$!
{ for B in $(printf '%s\n' "$@" | tac); do awk -v b="$B" '$2 == b && $3 == "scenario"' "$LOG/jobs.txt"; done
  awk '$3 != "scenario" && $3 !~ /lane$/' "$LOG/jobs.txt"; } |
	awk '{ print $2, $3, $4, $1 }' | xargs -P "$workers" -n 4 bash -c 'one "$@"' _
wait "$lane"
for B in "$@"; do
	echo "== $B"
	awk -v b="$B" '$2 == b { print $1, $4 }' "$LOG/jobs.txt" | while read -r j t; do
		if [ -s "$LOG/jobs/$j.out" ]; then
			cat "$LOG/jobs/$j.out"
		else # (the queue lost it: a failure, never a silent pass)
			echo "FAIL $B: $t (no report)"
			echo "0 1 0" >> "$LOG/$B.tally"
		fi
	done
done

read -r PASS FAIL SKIP < <(for B in "$@"; do cat "$LOG/$B.tally"; done 2>/dev/null | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
echo
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
