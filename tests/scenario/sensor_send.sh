#!/bin/bash
# sensor_send: sensors feeding a collector (`serve --ingest`) give the same
# store as writing it directly:
#  1. capture -r GEN.pcap --send  ==  capture -r GEN.pcap --db (every lookup kind, counts included);
#  2. the collector is killed (-9) while the sensor is running: the sensor spools,
#     the collector comes back on the same port, the spool drains, and the final
#     store still equals the direct one (nothing lost, nothing counted twice);
#     a copy of the spool sent again is recognised as already committed;
#  3. import --format cof --send  ==  import --format cof --db.
# Also: the ingest counters in /metrics, and usage errors.
. "$(dirname "$0")/lib.sh"
set -f # lookups contain '*'

if ! "$LOOKBACK" serve --help 2>&1 | grep -q -- '--ingest'; then
	skip "sensor_send: lookback serve has no --ingest"
	exit 0
fi
command -v python3 > /dev/null || { skip "sensor_send: python3 absent (free ports)"; exit 0; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SERVE_PID=
start_serve() { # $1 db, $2 ingest port, $3 http port
	"$LOOKBACK" serve --db "$1" --listen "127.0.0.1:$3" --ingest "127.0.0.1:$2" \
		--ingest-port-file "$T_TMP/ip" 2>> "$T_TMP/serve.err" &
	SERVE_PID=$!
	for _ in $(seq 100); do
		[ -s "$T_TMP/ip" ] && curl -s -o /dev/null "http://127.0.0.1:$3/healthz" && break
		sleep 0.05
	done
	rm -f "$T_TMP/ip"
}
stop_serve() { [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2> /dev/null && wait "$SERVE_PID" 2> /dev/null; SERVE_PID=; }
trap 'stop_serve; rm -rf "$T_TMP"' EXIT

LOOKUPS=("-r|*|-t|ALL" "-i|0.0.0.0/0" "-i|::/0" "-n|*|-t|ALL" "--negative|*|-t|ALL")
same_store() { # $1 label, $2 db a, $3 db b: every lookup identical (and not empty)
	local a=$2 b=$3 l diff=0 rows=0
	for l in "${LOOKUPS[@]}"; do
		IFS='|' read -r -a q <<< "$l"
		"$LOOKBACK" query --db "$a" "${q[@]}" -l 0 -f cof > "$T_TMP/a.cof" 2> /dev/null
		"$LOOKBACK" query --db "$b" "${q[@]}" -l 0 -f cof > "$T_TMP/b.cof" 2> /dev/null
		rows=$((rows + $(wc -l < "$T_TMP/a.cof")))
		if ! cmp -s "$T_TMP/a.cof" "$T_TMP/b.cof"; then
			diff=1
			echo "# $1: lookup '${q[*]}' differs: $(wc -l < "$T_TMP/a.cof") vs $(wc -l < "$T_TMP/b.cof") rows"
			diff "$T_TMP/a.cof" "$T_TMP/b.cof" | head -4 | sed 's/^/#   /'
		fi
	done
	if [ "$diff" -eq 0 ] && [ "$rows" -gt 1000 ]; then ok "$1 ($rows rows over ${#LOOKUPS[@]} lookups)"; else nok "$1"; fi
}

# ---- usage ----
"$LOOKBACK" capture -r /dev/null --send 127.0.0.1:1 --db "$T_TMP/x" > /dev/null 2>&1
check "--send with --db is a usage error" test $? -eq 2
"$LOOKBACK" capture -r /dev/null --send nohost > /dev/null 2>&1
check "bad --send address exits non-zero" test $? -ne 0
"$LOOKBACK" capture -r /dev/null --send 127.0.0.1:1 --spool-max 12 > /dev/null 2>&1
check "--spool-max below 8M is a usage error" test $? -eq 2
"$LOOKBACK" tap -r /dev/null --send 127.0.0.1:1 --sensor '@ingest:000000000000004d' > /dev/null 2>&1
check "a sensor named like a delivery bookmark is a usage error" test $? -eq 2
"$LOOKBACK" serve --db "$T_TMP/x" --ingest 192.0.2.1:0 > /dev/null 2> "$T_TMP/err"
check "serve --ingest off loopback without --keys is refused" grep -q "without API keys" "$T_TMP/err"
"$LOOKBACK" capture --help | grep -q "spool-max BYTES.*default 256M" 2> /dev/null ||
	"$LOOKBACK" capture --help | grep -q "default 256M"
check "capture --help states the spool bound" test $? -eq 0

# ---- inputs: three captures, one after another in time, and their concatenation ----
"$LOOKBACK" gen -o "$T_TMP/a.pcap" -n 20000 --seed 11 --start 1700000000 || { nok "gen"; exit 0; }
"$LOOKBACK" gen -o "$T_TMP/b.pcap" -n 20000 --seed 12 --start 1700001000
"$LOOKBACK" gen -o "$T_TMP/c.pcap" -n 20000 --seed 13 --start 1700002000
{ cat "$T_TMP/a.pcap"; tail -c +25 "$T_TMP/b.pcap"; tail -c +25 "$T_TMP/c.pcap"; } > "$T_TMP/abc.pcap"
head -c 24 "$T_TMP/a.pcap" > "$T_TMP/empty.pcap"
"$LOOKBACK" capture -r "$T_TMP/abc.pcap" --db "$T_TMP/direct" --sensor s1 -q ||
	{ nok "direct capture --db"; exit 0; }

# ---- 1. straight through ----
P1=$(free_port); H1=$(free_port)
start_serve "$T_TMP/coll1" "$P1" "$H1"
t0=$(date +%s.%N)
"$LOOKBACK" capture -r "$T_TMP/abc.pcap" --send "127.0.0.1:$P1" --sensor s1 -q --stats > "$T_TMP/send1.stats" 2> "$T_TMP/send1.err"
rc=$?
t1=$(date +%s.%N)
check "capture --send exits 0 once everything is acknowledged" test $rc -eq 0
obs=$(awk '$1 == "rrsets" || $1 == "negatives" { n += $2 } END { print n + 0 }' "$T_TMP/send1.stats")
recs=$(awk '$1 == "send_acked_records" { print $2 }' "$T_TMP/send1.stats")
awk -v o="$obs" -v r="$recs" -v t0="$t0" -v t1="$t1" 'BEGIN { d = t1 - t0
	printf "# send: %d observations -> %s aggregated records in %.3f s: %d observations/s end to end (decode + aggregate + send + collector commit)\n",
		o, r, d, (d > 0 ? o / d : 0) }'
curl -s "http://127.0.0.1:$H1/metrics" > "$T_TMP/metrics"
check "/metrics counts the committed batches and records" \
	grep -q "^lookback_ingest_records_total $recs\$" "$T_TMP/metrics"
check "/metrics has the sensor's freshness" grep -q '^lookback_ingest_sensor_last_batch_seconds{sensor="s1"}' "$T_TMP/metrics"
python3 "$(dirname "$0")/prom_check.py" "$T_TMP/metrics" > "$T_TMP/prom" 2>&1
rc=$?
check "/metrics with the collector's counters: valid text format 0.0.4 $(head -3 "$T_TMP/prom" | tr '\n' ' ')" \
	test $rc -eq 0
check "/metrics does not list delivery bookmarks as sources" sh -c "! grep -q 'source=\"@ingest' '$T_TMP/metrics'"
stop_serve
same_store "capture --send gives the same store as capture --db" "$T_TMP/direct" "$T_TMP/coll1"

# ---- 2. the collector dies and comes back ----
P2=$(free_port); H2=$(free_port)
start_serve "$T_TMP/coll2" "$P2" "$H2"
mkfifo "$T_TMP/feed"
{ cat "$T_TMP/a.pcap"; sleep 1; tail -c +25 "$T_TMP/b.pcap"; sleep 1; tail -c +25 "$T_TMP/c.pcap"; } > "$T_TMP/feed" &
FEEDER=$!
"$LOOKBACK" capture -r "$T_TMP/feed" --send "127.0.0.1:$P2" --spool "$T_TMP/spool" --sensor s1 -q --stats \
	> "$T_TMP/send2.stats" 2> "$T_TMP/send2.err" &
SENSOR=$!
sleep 1.5
kill -9 "$SERVE_PID"; wait "$SERVE_PID" 2> /dev/null; SERVE_PID=
wait $FEEDER   # the rest of the capture arrives while the collector is away
spooled=0
for _ in $(seq 50); do
	if ls "$T_TMP/spool" | grep -q "\.lbb$"; then spooled=1; break; fi
	sleep 0.1
done
sleep 0.5
check "with the collector gone the sensor spools batches to disk ($(ls "$T_TMP/spool" | grep -c lbb) files)" test $spooled -eq 1
cp -r "$T_TMP/spool" "$T_TMP/spool-copy"
start_serve "$T_TMP/coll2" "$P2" "$H2"
for _ in $(seq 300); do kill -0 $SENSOR 2> /dev/null || break; sleep 0.1; done
if kill -0 $SENSOR 2> /dev/null; then kill $SENSOR; nok "sensor finished after the collector came back"; else ok "sensor finished after the collector came back"; fi
wait $SENSOR; rc=$?
check "sensor exit status 0 (everything acknowledged)" test $rc -eq 0
check "sensor saw the collector go away (connect failures counted)" \
	awk '$1 == "send_connect_failures" && $2 > 0 { f = 1 } END { exit !f }' "$T_TMP/send2.stats"
check "spool drained" awk '$1 == "spool_batches" && $2 == 0 { f = 1 } END { exit !f }' "$T_TMP/send2.stats"
check "no batch dropped" awk '$1 == "send_dropped_batches" && $2 == 0 { f = 1 } END { exit !f }' "$T_TMP/send2.stats"
# a copy of the spool taken while the collector was down: already committed now
"$LOOKBACK" capture -r "$T_TMP/empty.pcap" --send "127.0.0.1:$P2" --spool "$T_TMP/spool-copy" --sensor s1 -q --stats \
	> "$T_TMP/send3.stats" 2> "$T_TMP/send3.err"
check "a re-sent spool exits 0" test $? -eq 0
check "the re-sent batches are recognised as already committed" \
	awk '$1 == "send_duplicate_acks" && $2 > 0 { f = 1 } END { exit !f }' "$T_TMP/send3.stats"
stop_serve
same_store "after kill -9 and restart of the collector the store equals the direct one" "$T_TMP/direct" "$T_TMP/coll2"

# ---- 3. import --send ----
"$LOOKBACK" query --db "$T_TMP/direct" -r '*' -t ALL -l 0 -f cof > "$T_TMP/all.cof"
"$LOOKBACK" import -q --format cof --source feed --db "$T_TMP/imp-direct" "$T_TMP/all.cof"
P3=$(free_port); H3=$(free_port)
start_serve "$T_TMP/coll3" "$P3" "$H3"
"$LOOKBACK" import -q --format cof --source feed --send "127.0.0.1:$P3" "$T_TMP/all.cof" 2> "$T_TMP/imp.err"
check "import --send exits 0" test $? -eq 0
stop_serve
LOOKUPS=("-r|*|-t|ALL" "-i|0.0.0.0/0" "-n|*|-t|ALL")
same_store "import --format cof --send gives the same store as import --db" "$T_TMP/imp-direct" "$T_TMP/coll3"

# ---- 4. a timeline's run counts over the wire ----
# two sightings 6 days apart: an export holds two runs with their counts
# (40 and 2); import --send keeps a row per run at the collector, as --db does
printf '%s\n' '{"rrname":"a.rc.test.","rrtype":"A","rdata":["192.0.2.1"],"time_first":1700000000,"time_last":1700000100,"count":40}' \
	'{"rrname":"a.rc.test.","rrtype":"A","rdata":["192.0.2.1"],"time_first":1700500000,"time_last":1700500100,"count":2}' \
	> "$T_TMP/rc.cof"
"$LOOKBACK" import -q --format cof --db "$T_TMP/rc-src" "$T_TMP/rc.cof"
"$LOOKBACK" export --db "$T_TMP/rc-src" -f cof > "$T_TMP/rc.exp" 2> /dev/null
"$LOOKBACK" import -q --format cof --db "$T_TMP/rc-direct" "$T_TMP/rc.exp"
P4=$(free_port); H4=$(free_port)
start_serve "$T_TMP/rc-coll" "$P4" "$H4"
"$LOOKBACK" import -q --format cof --send "127.0.0.1:$P4" "$T_TMP/rc.exp" 2> "$T_TMP/rc.err"
check "import --send of a timeline exits 0" test $? -eq 0
stop_serve
"$LOOKBACK" query --db "$T_TMP/rc-direct" -r a.rc.test -g -f csv > "$T_TMP/rc-a.csv" 2> /dev/null
"$LOOKBACK" query --db "$T_TMP/rc-coll" -r a.rc.test -g -f csv > "$T_TMP/rc-b.csv" 2> /dev/null
check "query -g at the collector: a row per run with its count, as with --db ($(grep -c rc.test "$T_TMP/rc-b.csv") rows)" \
	bash -c "[ \$(grep -c rc.test '$T_TMP/rc-a.csv') -eq 2 ] && cmp -s '$T_TMP/rc-a.csv' '$T_TMP/rc-b.csv'"
