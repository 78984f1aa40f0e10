#!/bin/bash
# store_durability: what an ingest has read reaches the store within the
# window's bounds whatever the source, so that a kill -9 loses no more than
# the documented bound.  Aggregated records (COF, zone, passivedns imports)
# go past the window straight to the store: they too are committed when
# --flush-secs of wall-clock time have passed, not only at the store's own
# batch bound (a million operations) or at the end of the input.
. "$(dirname "$0")/lib.sh"
kill_pids_on_exit

"$LOOKBACK" gen -o "$T_TMP/c.pcap" -n 20000 --names 300 --seed 3 > /dev/null 2>&1
"$LOOKBACK" capture -r "$T_TMP/c.pcap" --db "$T_TMP/a" > /dev/null 2>&1 || { nok "capture --db failed"; exit 0; }
"$LOOKBACK" export --db "$T_TMP/a" -o "$T_TMP/a.cof"
n=$(grep -c . "$T_TMP/a.cof")
check "export has records ($n)" test "$n" -gt 100

# a COF pipe that stays open (tail -F): imported with --flush-secs 1, the
# records must be in the store a few seconds later, while the import runs
mkfifo "$T_TMP/fifo"
"$LOOKBACK" import -f cof --db "$T_TMP/b" --flush-secs 1 - < "$T_TMP/fifo" > /dev/null 2>&1 &
ipid=$!
PIDS+=("$ipid")
exec 7> "$T_TMP/fifo"
cat "$T_TMP/a.cof" >&7
got=0
for _ in $(seq 40); do
	sleep 0.25
	"$LOOKBACK" export --db "$T_TMP/b" -o "$T_TMP/b.cof" 2> /dev/null || continue
	got=$(grep -c . "$T_TMP/b.cof")
	[ "$got" -eq "$n" ] && break
done
check "aggregated records from an open pipe reach the store within --flush-secs ($got of $n)" test "$got" -eq "$n"
kill -9 "$ipid" 2> /dev/null
wait "$ipid" 2> /dev/null
exec 7>&-
"$LOOKBACK" export --db "$T_TMP/b" -o "$T_TMP/b.cof"
check "after kill -9 of the import the store holds every record it had read" cmp -s "$T_TMP/a.cof" "$T_TMP/b.cof"
"$LOOKBACK" stats --db "$T_TMP/b" --check > /dev/null 2>&1
check "stats --check is clean after the kill" test $? -eq 0

# the count bound: with --window-entries 1024, a store write comes at least
# every 1024 aggregated records (before: only at the end of the input)
"$LOOKBACK" import -f cof --db "$T_TMP/c" --flush-secs 3600 --window-entries 1024 - < "$T_TMP/fifo" > /dev/null 2>&1 &
ipid=$!
PIDS+=("$ipid")
exec 7> "$T_TMP/fifo"
cat "$T_TMP/a.cof" >&7
got=0
for _ in $(seq 40); do
	sleep 0.25
	"$LOOKBACK" export --db "$T_TMP/c" -o "$T_TMP/c.cof" 2> /dev/null || continue
	got=$(grep -c . "$T_TMP/c.cof")
	[ "$got" -ge $((n - 1024)) ] && break
done
check "aggregated records reach the store every --window-entries ($got of $n, at most 1024 held)" test "$got" -ge $((n - 1024))
kill -9 "$ipid" 2> /dev/null
wait "$ipid" 2> /dev/null
exec 7>&-
"$LOOKBACK" stats --db "$T_TMP/c" --check > /dev/null 2>&1
check "stats --check is clean after the kill" test $? -eq 0
