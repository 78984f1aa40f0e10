#!/bin/bash
# store_retention: `--retain DAYS` hides old history at once and compaction
# removes it; stats shows the span.  Also durability with the real program:
# `lookback capture --db` killed with SIGKILL mid-ingest leaves a store that
# reopens consistent and answers.
. "$(dirname "$0")/lib.sh"

if ! "$LOOKBACK" capture --help 2>&1 | grep -q -- '--db'; then
	skip "retention and durability: lookback capture has no --db yet"
	exit 0
fi
if ! command -v python3 > /dev/null; then
	skip "retention: python3 absent"
	exit 0
fi
now=$(date +%s)
db="$T_TMP/db"
"$LOOKBACK" gen -o "$T_TMP/old.pcap" -n 4000 --seed 11 --start $((now - 40 * 86400)) > /dev/null 2>&1
"$LOOKBACK" gen -o "$T_TMP/new.pcap" -n 4000 --seed 12 --start $((now - 3600)) > /dev/null 2>&1
"$LOOKBACK" capture -r "$T_TMP/old.pcap" --db "$db" --sensor old > /dev/null 2>&1
check "ingest old capture" test $? -eq 0
"$LOOKBACK" capture -r "$T_TMP/new.pcap" --db "$db" --sensor new > /dev/null 2>&1
check "ingest new capture" test $? -eq 0

total() { "$LOOKBACK" query --db "$db" -r '*' -t ALL -s -f csv | tail -1 | cut -d, -f2; }
before=$(total)
newonly=$("$LOOKBACK" query --db "$db" -r '*' -t ALL -s -f csv --last-after -10d | tail -1 | cut -d, -f2)
"$LOOKBACK" stats --db "$db" --json > "$T_TMP/s0.json"
check "two sources in stats" grep -q '"sensors":2' "$T_TMP/s0.json"
[ -n "$before" ] && [ "$before" -gt "$newonly" ] && ok "old data present: $before rrsets, $newonly seen in the last 10 days" || nok "old data present ($before / $newonly)"

"$LOOKBACK" stats --db "$db" --retain 10 > "$T_TMP/s1.txt"
check "stats --retain exits 0" test $? -eq 0
check "stats shows the retention" grep -q "retention *10 days" "$T_TMP/s1.txt"
after=$(total)
check "retention hides old rrsets at once ($after == $newonly)" test "$after" = "$newonly"
"$LOOKBACK" query --db "$db" -r '*' -t ALL --last-before -20d > /dev/null 2>&1
check "nothing older than the retention is listed" test $? -eq 1

"$LOOKBACK" stats --db "$db" --compact --json > "$T_TMP/s2.json"
check "stats --compact exits 0" test $? -eq 0
python3 - "$T_TMP/s2.json" "$now" "$newonly" <<'PY' > "$T_TMP/py.out"
import json, sys
s = json.load(open(sys.argv[1])); now = int(sys.argv[2]); n = int(sys.argv[3])
print("ok" if s["rrsets"] == n else "not ok", "rrsets after compaction %d == %d" % (s["rrsets"], n))
print("ok" if s["oldest"] >= now - 10 * 86400 - 5 else "not ok", "oldest data inside the retention (%d)" % s["oldest"])
print("ok" if s["retain_days"] == 10 else "not ok", "retain_days 10")
PY
while read -r st what; do if [ "$st" = ok ]; then ok "$what"; else nok "$what"; fi; done < "$T_TMP/py.out"
"$LOOKBACK" stats --db "$db" --retain 0 > /dev/null
after0=$(total)
check "compaction removed them for good ($after0 == $newonly)" test "$after0" = "$newonly"
"$LOOKBACK" stats --db "$db" --check --json > "$T_TMP/rc.json" 2>&1
check "stats --check: what retention removed leaves no problem (exit $?)" grep -q '"problems":0,' "$T_TMP/rc.json"
check "stats --check: ... and counts the names it left behind" python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if s["orphan_names"] > 0 and s["rrsets"] == int(sys.argv[2]) else 1)' "$T_TMP/rc.json" "$newonly"

# durability: kill -9 a real ingest
"$LOOKBACK" gen -o "$T_TMP/big.pcap" -n 200000 --seed 5 > /dev/null 2>&1
kdb="$T_TMP/killdb"
# a kill the moment RocksDB has made the directory (before or after lookback's
# format marker): the store reopens, empty or not (it said "not a lookback store")
for round in 1 2 3; do
	rm -rf "$kdb"
	"$LOOKBACK" capture -r "$T_TMP/big.pcap" --db "$kdb" > /dev/null 2>&1 &
	pid=$!
	for i in $(seq 1 400); do [ -e "$kdb/CURRENT" ] && break; sleep 0.01; done
	kill -9 $pid 2> /dev/null
	wait $pid 2> /dev/null
	"$LOOKBACK" stats --db "$kdb" > "$T_TMP/k.txt" 2>&1
	check "kill -9 during the store's creation ($round): it reopens (stats exits $?)" test $? -eq 0
done
rm -rf "$kdb"
for round in 1 2; do
	"$LOOKBACK" capture -r "$T_TMP/big.pcap" --db "$kdb" > /dev/null 2>&1 &
	pid=$!
	# mid-ingest: a while after the store exists (however slow the start)
	for i in $(seq 1 400); do [ -e "$kdb/CURRENT" ] && break; sleep 0.01; done
	sleep 0.$((round * 3))
	kill -9 $pid 2> /dev/null
	wait $pid 2> /dev/null
	"$LOOKBACK" stats --db "$kdb" > "$T_TMP/k.txt" 2>&1
	check "round $round: store reopens after kill -9 (stats exits 0)" test $? -eq 0
	"$LOOKBACK" query --db "$kdb" -r '*' -t ALL -s > /dev/null 2>&1
	rc=$?
	check "round $round: query answers after kill -9 (exit $rc)" test $rc -eq 0 -o $rc -eq 1
	"$LOOKBACK" stats --db "$kdb" --check --json > "$T_TMP/kc.json" 2> "$T_TMP/kc.err"
	rc=$?
	check "round $round: stats --check finds the killed store's tables in agreement (exit $rc)" test $rc -eq 0
	check "round $round: ... and reports no problem" grep -q '"problems":0,' "$T_TMP/kc.json"
done
"$LOOKBACK" capture -r "$T_TMP/big.pcap" --db "$kdb" > /dev/null 2>&1
check "ingest completes on the killed store" test $? -eq 0
"$LOOKBACK" stats --db "$kdb" --check > "$T_TMP/kc.txt" 2>&1
check "stats --check after the completed ingest exits 0" test $? -eq 0
check "stats --check counts the rrsets stats counts" test "$(awk '$1 == "rrsets" { print $2 }' "$T_TMP/kc.txt")" = "$("$LOOKBACK" stats --db "$kdb" | awk '$1 == "rrsets" { print $2 }')"
"$LOOKBACK" stats --db "$kdb" --check --compact > /dev/null 2>&1; rc=$?
check "stats --check with --compact is a usage error (exit 2, got $rc)" test $rc -eq 2
"$LOOKBACK" stats --db "$T_TMP/nonexistent" --check > /dev/null 2>&1; rc=$?
check "stats --check on a missing store exits 3 (got $rc)" test $rc -eq 3

# one writer at a time: a second one is told why it cannot open the store and
# what to do; a reader opens it meanwhile
"$LOOKBACK" tap -u "$T_TMP/w.sock" --db "$kdb" > /dev/null 2>&1 &
tpid=$!
for i in $(seq 1 400); do [ -S "$T_TMP/w.sock" ] && break; sleep 0.01; done
"$LOOKBACK" capture -r "$T_TMP/big.pcap" --db "$kdb" > /dev/null 2> "$T_TMP/w.err"; rc=$?
check "a second writer exits 3 (got $rc)" test $rc -eq 3
check "... saying another process writes the store" grep -q "being written by another process" "$T_TMP/w.err"
"$LOOKBACK" stats --db "$kdb" > /dev/null 2>&1
check "... while a reader opens it (stats exits $?)" test $? -eq 0
kill $tpid 2> /dev/null; wait $tpid 2> /dev/null

# a store that cannot grow (here a file size limit; a full disk alike): the
# writer exits 3 naming the reason (it said only "storage engine error"), and
# the store stays one that opens and checks clean
"$LOOKBACK" export --db "$kdb" -f cof > "$T_TMP/all.cof" 2> /dev/null
for w in capture import; do
	fdb="$T_TMP/fsize-$w"
	if [ $w = capture ]; then set -- capture -r "$T_TMP/big.pcap"; else set -- import -f cof "$T_TMP/all.cof"; fi
	( trap '' XFSZ; ulimit -f 1024; exec "$LOOKBACK" "$@" --db "$fdb" ) > /dev/null 2> "$T_TMP/fsize.err"; rc=$?
	check "$w into a store that cannot grow exits 3 (got $rc)" test $rc -eq 3
	check "... and says why (File too large)" grep -q "File too large" "$T_TMP/fsize.err"
	"$LOOKBACK" stats --db "$fdb" --check > /dev/null 2>&1
	check "... and the store opens and checks clean (exit $?)" test $? -eq 0
done
