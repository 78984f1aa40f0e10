#!/bin/bash
# serve --read-only beside a writer: what another process commits to the
# store (an import through the write-ahead log, a capture's ingested table
# files, a new source's name) is served within seconds, and the follower's
# own directory is gone when it stops.
. "$(dirname "$0")/lib.sh"
D=$T_TMP/db
"$LOOKBACK" gen -o "$T_TMP/a.pcap" -n 2000 --seed 11 > /dev/null 2>&1
"$LOOKBACK" capture -q -r "$T_TMP/a.pcap" --db "$D" > /dev/null 2>&1
check "a store to serve" test -d "$D"
ls -d /tmp/lookback-follow-* 2> /dev/null | sort > "$T_TMP/before"
serve_start "$D" --read-only
check "serve --read-only starts" test -n "$PORT"
U="http://127.0.0.1:$PORT"
# wait_obj URL PATTERN: up to 5 s for an answer holding PATTERN
wait_obj() {
	for _ in $(seq 50); do
		curl -s "$1" | grep -q "$2" && return 0
		sleep 0.1
	done
	return 1
}
curl -s "$U/dnsdb/v2/lookup/rrset/name/fresh.follow.test" > "$T_TMP/r0"
check "the name is not there at first" bash -c "! grep -q obj '$T_TMP/r0'"
echo '{"rrname":"fresh.follow.test.","rrtype":"A","rdata":["192.0.2.99"],"time_first":1700000000,"time_last":1700000001,"count":3}' |
	"$LOOKBACK" import -q -f cof --db "$D" - > /dev/null
check "an import beside it succeeds (the follower holds no lock)" test $? -eq 0
check "... and what it wrote is served" wait_obj "$U/dnsdb/v2/lookup/rrset/name/fresh.follow.test" '"count":3'
echo '{"rrname":"fresh.follow.test.","rrtype":"A","rdata":["192.0.2.99"],"time_first":1700000000,"time_last":1700000500,"count":4,"sensor_id":"follow-src"}' |
	"$LOOKBACK" import -q -f cof --db "$D" - > /dev/null
check "a new source's name is served with its record" wait_obj "$U/dnsdb/v2/lookup/rrset/name/fresh.follow.test" 'follow-src'
N0=$(curl -s "$U/dnsdb/v2/summarize/rrset/name/*.?limit=0" | python3 -c 'import json,sys
for l in sys.stdin:
    o = json.loads(l).get("obj")
    if o: print(o["num_results"])')
"$LOOKBACK" gen -o "$T_TMP/b.pcap" -n 20000 --seed 12 --unique > /dev/null 2>&1
"$LOOKBACK" capture -q -r "$T_TMP/b.pcap" --db "$D" > /dev/null 2>&1
N1=$("$LOOKBACK" query --db "$D" -r '*.' -l 0 --summarize --format cof 2> /dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["num_results"])')
check "a capture's table files are served ($N0 -> $N1 rrsets)" wait_obj "$U/dnsdb/v2/summarize/rrset/name/*.?limit=0" "\"num_results\":$N1[,}]"
kill $SPID
wait $SPID
check "serve exits 0" test $? -eq 0
ls -d /tmp/lookback-follow-* 2> /dev/null | sort > "$T_TMP/after"
check "the follower's directory is removed" cmp -s "$T_TMP/before" "$T_TMP/after"
exit 0
