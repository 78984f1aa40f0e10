#!/bin/bash
# serve_unaggr: unaggregated rows (DNSDB aggr=false).  COF records of rrsets
# seen on known days are imported; `lookback query -g`, `curl ...?aggr=false`
# against `lookback serve` and Debian's `dnsdbq -g` must return the per-run rows
# that unaggr_oracle.py computes from the records themselves (group by day,
# join consecutive days), aggregated lookups the totals.
. "$(dirname "$0")/lib.sh"
ORACLE="python3 $(dirname "$0")/unaggr_oracle.py"
D=$T_TMP/db
R=$T_TMP/recs.json
$ORACLE records "$R" || { nok "write records"; exit 0; }
"$LOOKBACK" import -q --format cof --db "$D" "$R"
check "import of $(wc -l < "$R") COF records on 11 days" test $? -eq 0

# rows DESC ACTUAL ORACLE-ARGS...: the rows equal the oracle's
rows() {
	local desc=$1 act=$2 n
	shift 2
	if n=$($ORACLE check "$R" "$act" "$@" 2> "$T_TMP/cmp.err"); then
		ok "$desc ($n rows)"
	else
		nok "$desc: $(head -c 400 "$T_TMP/cmp.err")"
	fi
	LAST_N=${n:-0}
}

Q="$LOOKBACK query --db $D -l 0 --format cof"
$Q -r '*.unaggr.example' > "$T_TMP/q.out"
rows "query: aggregated rows are the totals" "$T_TMP/q.out" --aggr
AGG_N=$LAST_N
$Q -r '*.unaggr.example' -g > "$T_TMP/q.out"
rows "query -g: one row per run of days" "$T_TMP/q.out"
[ "$LAST_N" -gt "$AGG_N" ] && ok "-g gives more rows ($LAST_N) than rrsets ($AGG_N)" ||
	nok "-g gave $LAST_N rows for $AGG_N rrsets"
$Q -r '*.unaggr.example' --unaggregated > "$T_TMP/q2.out"
check "--unaggregated is -g" cmp -s "$T_TMP/q.out" "$T_TMP/q2.out"
$Q -i 192.0.2.10 -g > "$T_TMP/q.out"
rows "query -i -g: rdata rows per run, merged over the rrsets that hold the address" \
	"$T_TMP/q.out" --ip 192.0.2.10
# a complete fence around day 5 (19705) selects that day's rows alone
FA=$((19705 * 86400)) LB=$((19705 * 86400 + 86399))
$Q -r '*.unaggr.example' -g --first-after $FA --last-before $LB > "$T_TMP/q.out"
rows "query -g with fences around one day" "$T_TMP/q.out" --first-after $FA --last-before $LB
[ "$LAST_N" -gt 0 ] && ok "the fenced day has rows" || nok "the fenced day has no rows"
$Q -r '*.unaggr.example' --first-after $FA --last-before $LB > "$T_TMP/q.out"
rows "aggregated with the same fences" "$T_TMP/q.out" --aggr --first-after $FA --last-before $LB
S=$("$LOOKBACK" query --db "$D" -r '*.unaggr.example' -g -s --format cof)
N=$($ORACLE check "$R" /dev/null 2>&1 | sed -n 's/^want \([0-9]*\) rows.*/\1/p')
echo "$S" | grep -q "\"num_results\":$N[,}]" && ok "query -g -s counts $N rows" ||
	nok "query -g -s: $S (want num_results $N)"

# export shares the lookup options: -g with a lookup gives query -g's rows
"$LOOKBACK" export --db "$D" -r '*.unaggr.example' -g -q > "$T_TMP/e.out"
$Q -r '*.unaggr.example' -g > "$T_TMP/q.out"
rows "export -r -g: the same rows" "$T_TMP/e.out"
"$LOOKBACK" export --db "$D" -g -q > /dev/null 2>&1
check "export -g without a lookup is a usage error (exit 2)" test $? -eq 2

# an imported aggregate spanning days (first on one day, last four days later)
# says only "seen between, count times": one row over those days, whole count
echo '{"rrname":"span.other.example.","rrtype":"A","rdata":["198.51.100.7"],"count":10,"time_first":1700000000,"time_last":1700350000}' > "$T_TMP/span.json"
"$LOOKBACK" import -q --format cof --db "$T_TMP/db2" "$T_TMP/span.json" || nok "import span"
S=$("$LOOKBACK" query --db "$T_TMP/db2" -r span.other.example -g --format cof)
[ "$(echo "$S" | wc -l)" = 1 ] && echo "$S" | grep -q '"count":10,' &&
	echo "$S" | grep -q '"time_first":1700000000,' && echo "$S" | grep -q '"time_last":1700350000' &&
	ok "an imported multi-day aggregate is one unaggregated row with its whole count" ||
	nok "imported multi-day aggregate, -g: $S"

# through capture and the aggregation window: the same generated traffic (same
# seed) on two days two days apart, in two captures.  An rrset in both (first
# and last seen on different days) has two runs, each holding the count of one
# capture - half its total; one whose rdata depends on the time (RRSIG, SOA
# serials) is seen on one day only and keeps its one row.
for start in 1700000000 1700200000; do
	"$LOOKBACK" gen -o "$T_TMP/g.pcap" -n 3000 --seed 3 --start $start &&
		"$LOOKBACK" capture -r "$T_TMP/g.pcap" --db "$T_TMP/cdb" > /dev/null 2>&1 ||
		nok "gen/capture at $start"
done
"$LOOKBACK" query --db "$T_TMP/cdb" -r '*.' -t ALL -l 0 --format cof > "$T_TMP/ca.out"
"$LOOKBACK" query --db "$T_TMP/cdb" -r '*.' -t ALL -l 0 -g --format cof > "$T_TMP/cg.out"
if python3 - "$T_TMP/ca.out" "$T_TMP/cg.out" > "$T_TMP/cap.err" 2>&1 <<'P'
import json, sys
def key(o):
    return (o["rrname"], o["rrtype"], tuple(o["rdata"]))
agg = {key(o): o for o in map(json.loads, open(sys.argv[1]))}
rows = {}
for o in map(json.loads, open(sys.argv[2])):
    rows.setdefault(key(o), []).append(o)
assert rows.keys() == agg.keys()
two = 0
for k, a in agg.items():
    r = rows[k]
    if a["time_first"] // 86400 != a["time_last"] // 86400:
        two += 1
        assert len(r) == 2 and r[0]["count"] == r[1]["count"] == a["count"] // 2, (a, r)
        assert r[0]["time_first"] == a["time_first"] and r[1]["time_last"] == a["time_last"], (a, r)
        assert r[0]["time_last"] == (a["time_first"] // 86400 + 1) * 86400 - 1, (a, r)
        assert r[1]["time_first"] == a["time_last"] // 86400 * 86400, (a, r)
    else:
        assert len(r) == 1 and r[0] == a, (a, r)
assert two > 100, two
print(two, len(agg))
P
then ok "capture on two days: -g splits the $(cut -d' ' -f1 "$T_TMP/cap.err") of $(cut -d' ' -f2 "$T_TMP/cap.err") rrsets seen on both into halves"
else nok "capture on two days: $(tail -c 400 "$T_TMP/cap.err")"; fi

serve_start "$D"
if [ -z "$PORT" ]; then nok "serve started"; cat "$T_TMP/serve.err"; exit 0; fi
ok "serve listening on port $PORT"
U="http://127.0.0.1:$PORT/dnsdb/v2/lookup"

if command -v curl > /dev/null; then
	curl -sf "$U/rrset/name/*.unaggr.example?aggr=false&limit=0" > "$T_TMP/c.out"
	rows "curl aggr=false" "$T_TMP/c.out"
	curl -sf "$U/rrset/name/*.unaggr.example?limit=0" > "$T_TMP/c.out"
	rows "curl without aggr: aggregated" "$T_TMP/c.out" --aggr
	curl -sf "$U/rdata/ip/192.0.2.10?aggr=false&limit=0" > "$T_TMP/c.out"
	rows "curl rdata/ip aggr=false" "$T_TMP/c.out" --ip 192.0.2.10
	curl -sf "$U/rrset/name/*.unaggr.example?aggr=false&limit=0&time_first_after=$FA&time_last_before=$LB" \
		> "$T_TMP/c.out"
	rows "curl aggr=false with fences" "$T_TMP/c.out" --first-after $FA --last-before $LB
	# offset and limit count rows
	curl -sf "$U/rrset/name/*.unaggr.example?aggr=false&limit=3&offset=2" > "$T_TMP/c.out"
	n=$(grep -c '"obj"' "$T_TMP/c.out")
	grep -q '"cond":"limited"' "$T_TMP/c.out" && [ "$n" -eq 3 ] && ok "limit=3 offset=2: 3 rows, limited" ||
		nok "limit=3 offset=2: $n rows: $(tail -1 "$T_TMP/c.out")"
else
	skip "curl is not installed"
fi

if command -v dnsdbq > /dev/null; then
	export DNSDB_SERVER="http://127.0.0.1:$PORT" DNSDB_API_KEY=test-key HOME=$T_TMP
	unset DNSDBQ_CONFIG_FILE
	dnsdbq -r '*.unaggr.example' -g -j -l 0 > "$T_TMP/d.out" 2> "$T_TMP/d.err"
	rows "dnsdbq -g" "$T_TMP/d.out"
	dnsdbq -r '*.unaggr.example' -j -l 0 > "$T_TMP/d.out" 2> "$T_TMP/d.err"
	rows "dnsdbq (aggregated)" "$T_TMP/d.out" --aggr
	dnsdbq -i 192.0.2.10 -g -j -l 0 > "$T_TMP/d.out" 2> "$T_TMP/d.err"
	rows "dnsdbq -i -g" "$T_TMP/d.out" --ip 192.0.2.10
	dnsdbq -r '*.unaggr.example' -g -j -l 0 -A $FA -B $LB -c > "$T_TMP/d.out" 2> "$T_TMP/d.err"
	rows "dnsdbq -g -A -B -c (precise time fencing)" "$T_TMP/d.out" --first-after $FA --last-before $LB
else
	skip "dnsdbq is not installed (apt-get install dnsdbq)"
fi
kill -TERM $SPID
wait $SPID
check "SIGTERM: serve exits 0" test $? -eq 0
