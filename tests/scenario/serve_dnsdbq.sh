#!/bin/bash
# serve_dnsdbq: Debian's dnsdbq (the standard DNSDB API v2 client) against
# `lookback serve`; every answer is compared with `lookback query --format cof`
# on the same store (the store's truth), never with hard-coded answers.
. "$(dirname "$0")/lib.sh"
CMP="python3 $(dirname "$0")/serve_compare.py"

if ! command -v dnsdbq > /dev/null; then
	skip "dnsdbq is not installed (apt-get install dnsdbq)"
	exit 0
fi
D=$T_TMP/db
# a capture spread over ~400 s of capture time, so time fences cut it
"$LOOKBACK" gen -o "$T_TMP/g.pcap" -n 20000 --seed 7 --rate 50 --start 1700000000 || { nok "gen"; exit 0; }
"$LOOKBACK" capture -r "$T_TMP/g.pcap" --db "$D" > /dev/null 2>&1
check "capture --db ingests the capture" test -d "$D"
# rrsets with bailiwicks (the capture is a client-side view: bailiwick unknown)
cat > "$T_TMP/bw.json" <<'J'
{"rrname":"bw.example.","rrtype":"NS","rdata":["ns1.bw.example.","ns2.bw.example."],"bailiwick":"example.","time_first":1700000100,"time_last":1700000200,"count":3}
{"rrname":"bw.example.","rrtype":"NS","rdata":["ns1.bw.example."],"bailiwick":"bw.example.","time_first":1700000150,"time_last":1700000250,"count":5}
{"rrname":"ns1.bw.example.","rrtype":"A","rdata":["198.51.100.7"],"bailiwick":"bw.example.","time_first":1700000150,"time_last":1700000250,"count":2}
J
"$LOOKBACK" import -q --format cof --db "$D" "$T_TMP/bw.json"
check "import of COF records with bailiwicks" test $? -eq 0

serve_start "$D" --access-log "$T_TMP/access.log"
if [ -z "$PORT" ]; then nok "serve started"; cat "$T_TMP/serve.err"; exit 0; fi
ok "serve listening on port $PORT"
export DNSDB_SERVER="http://127.0.0.1:$PORT" DNSDB_API_KEY=test-key HOME=$T_TMP
unset DNSDBQ_CONFIG_FILE

# pick lookup values from the store itself
"$LOOKBACK" query --db "$D" -r '*.com' -l 5000 --format cof > "$T_TMP/all.json"
read -r OWNER IP CNAME_T DOM _ <<< "$(python3 "$(dirname "$0")/pick_values.py" "$T_TMP/all.json")"
NET=${IP%.*}.0/24
echo "# owner=$OWNER cname-target=$CNAME_T ip=$IP net=$NET domain=$DOM"

# same DESC, dnsdbq args, lookback query args
same() {
	local desc=$1 dq=$2 lq=$3 n
	# shellcheck disable=SC2086
	dnsdbq $dq -j > "$T_TMP/dq.out" 2> "$T_TMP/dq.err"
	# shellcheck disable=SC2086
	"$LOOKBACK" query --db "$D" $lq --format cof > "$T_TMP/lq.out" 2> /dev/null
	if n=$($CMP "$T_TMP/lq.out" "$T_TMP/dq.out" 2> "$T_TMP/cmp.err"); then
		ok "$desc: dnsdbq $dq = query $lq ($n records)"
	else
		nok "$desc: dnsdbq $dq vs query $lq: $(head -c 300 "$T_TMP/cmp.err") $(head -c 200 "$T_TMP/dq.err") [$(tail -1 "$T_TMP/access.log")]"
	fi
	LAST_N=$n
}
same "-r exact" "-r $OWNER" "-r $OWNER"
[ "${LAST_N:-0}" -gt 0 ] && ok "-r exact found records" || nok "-r exact found nothing"
same "-r left wildcard" "-r *.$DOM -l 0" "-r *.$DOM -l 0"
same "-r right wildcard" "-r www.* -l 0" "-r www.* -l 0"
same "-n rdata name" "-n $CNAME_T -l 0" "-n $CNAME_T -l 0"
same "-i address" "-i $IP" "-i $IP"
same "-i CIDR" "-i $NET -l 0" "-i $NET -l 0"
[ "${LAST_N:-0}" -gt 0 ] && ok "-i CIDR found records" || nok "-i CIDR found nothing"
same "-r with -t" "-r *.com -t MX -l 0" "-r *.com -t MX -l 0"
same "-r with -t CNAME" "-r *.com -t CNAME -l 0" "-r *.com -t CNAME -l 0"
same "-b bailiwick" "-r bw.example -b bw.example" "-r bw.example -b bw.example"
[ "${LAST_N:-0}" -eq 1 ] && ok "-b selects one of two bailiwicks" || nok "-b found ${LAST_N:-0} records, want 1"
same "-b with -t" "-r bw.example -t NS -b example" "-r bw.example -t NS -b example"
MID=1700000200
same "-A (overlap)" "-r *.com -A $MID -l 0" "-r *.com -A $MID -l 0"
A_N=$LAST_N
same "-B (overlap)" "-r *.com -B $MID -l 0" "-r *.com -B $MID -l 0"
same "-A -B -c (complete)" "-r *.com -A 1700000100 -B 1700000300 -c -l 0" \
	"-r *.com -A 1700000100 -B 1700000300 -c -l 0"
C_N=$LAST_N
same "-A -c" "-r *.com -A $MID -c -l 0" "-r *.com -A $MID -c -l 0"
[ "${C_N:-0}" -gt 0 ] && [ "$C_N" -lt "${A_N:-0}" ] 2>/dev/null && ok "time fences cut the result" ||
	nok "time fences: complete=$C_N overlap-after=$A_N"
# dnsdbq's relative times (BIND's TTL form, no minus sign): the capture is of
# 2023, so 104 weeks before now has all of it before and none after
same "-B in dnsdbq's relative form" "-r *.com -B 104w -l 0" "-r *.com -B 104w -l 0"
[ "${LAST_N:-0}" -gt 0 ] && ok "-B 104w found records" || nok "-B 104w found nothing"
same "-A -c in dnsdbq's relative form" "-r *.com -A 1w2d -c -l 0" "-r *.com -A 1w2d -c -l 0"
printf '$OPTIONS -B 104w\nrrset/name/*.com/MX\n' > "$T_TMP/relbatch"
dnsdbq -ff -j < "$T_TMP/relbatch" > "$T_TMP/dq.out" 2> /dev/null
"$LOOKBACK" query --db "$D" --batch "$T_TMP/relbatch" -f cof > "$T_TMP/lq.out" 2> "$T_TMP/lq.err"
ln=$(grep -c '^{' "$T_TMP/lq.out"); dn=$(grep -c '^{' "$T_TMP/dq.out")
check "\$OPTIONS -B 104w (dnsdbq's form) in query --batch: as dnsdbq -ff answers it ($ln, $dn records)" \
	bash -c "[ $ln -gt 0 ] && [ $ln -eq $dn ] && ! grep -q '^-- ERROR' '$T_TMP/lq.out'"
same "-l limit" "-r *.com -l 7" "-r *.com -l 7"
[ "${LAST_N:-0}" -eq 7 ] && ok "-l 7 gives 7" || nok "-l 7 gave ${LAST_N:-0}"

# -V summarize: count and num_results equal the store's summary
dnsdbq -r "*.$DOM" -V summarize -j > "$T_TMP/dq.out" 2>&1
"$LOOKBACK" query --db "$D" -r "*.$DOM" -s --format cof > "$T_TMP/lq.out"
if n=$($CMP "$T_TMP/lq.out" "$T_TMP/dq.out" 2> "$T_TMP/cmp.err"); then ok "-V summarize equals query -s"
else nok "-V summarize: $(cat "$T_TMP/cmp.err") $(head -c 200 "$T_TMP/dq.out")"; fi

# -I rate_limit
dnsdbq -I > "$T_TMP/dq.out" 2>&1
check "-I shows the rate limit (results_max)" grep -q "results_max: 1000000" "$T_TMP/dq.out"

# text output (not -j) works too
dnsdbq -r "$OWNER" > "$T_TMP/dq.out" 2>&1
check "plain dnsdbq output names the owner" grep -q "^$OWNER" "$T_TMP/dq.out"

# -f batch: several lookups in one run
printf 'rrset/name/%s\nrdata/ip/%s,24\nrdata/name/%s\n' "$OWNER" "${IP%.*}.0" "$CNAME_T" > "$T_TMP/batch"
dnsdbq -f -j -l 0 < "$T_TMP/batch" > "$T_TMP/dq.out" 2> "$T_TMP/dq.err"
{ "$LOOKBACK" query --db "$D" -r "$OWNER" --format cof
  "$LOOKBACK" query --db "$D" -i "$NET" -l 0 --format cof
  "$LOOKBACK" query --db "$D" -n "$CNAME_T" -l 0 --format cof; } > "$T_TMP/lq.out" 2>/dev/null
if n=$($CMP "$T_TMP/lq.out" "$T_TMP/dq.out" 2> "$T_TMP/cmp.err"); then ok "-f batch of 3 lookups ($n records)"
else nok "-f batch: $(cat "$T_TMP/cmp.err") $(head -c 200 "$T_TMP/dq.err")"; fi

# -ff: dnsdbq frames each answer ("++ LINE" ... "-- STATUS (why)"); the same
# batch through lookback query --batch, offline, must give the same frames
# and in each the same records (dnsdbq writes the line back %-encoded: ',' as
# %2C, '*' as %2A)
printf 'rrset/name/%s\nrdata/ip/%s,24\nrrset/name/no-such.%s\nrdata/name/%s/CNAME\nrrset/name/*.%s/MX\n' \
	"$OWNER" "${IP%.*}.0" "$DOM" "$CNAME_T" "$DOM" > "$T_TMP/batch2"
dnsdbq -ff -j -l 3 < "$T_TMP/batch2" > "$T_TMP/dq2.out" 2> "$T_TMP/dq2.err"
"$LOOKBACK" query --db "$D" --batch "$T_TMP/batch2" -l 3 -f cof > "$T_TMP/lq2.out" 2> "$T_TMP/lq2.err"
lrc=$?
if python3 - "$T_TMP/lq2.out" "$T_TMP/dq2.out" > "$T_TMP/ff.res" 2>&1 <<'PYEOF2'
import json, sys, urllib.parse
def blocks(path):
    out, cur = [], None
    for line in open(path).read().splitlines():
        if line.startswith("++ "):
            cur = [urllib.parse.unquote(line[3:]), None, []]
        elif line.startswith("-- "):
            cur[1] = line[3:]
            out.append(cur)
            cur = None
        elif line.strip():
            o = json.loads(line)
            cur[2].append(json.dumps(o, sort_keys=True))
    return out
a, b = blocks(sys.argv[1]), blocks(sys.argv[2])
if len(a) != len(b) or len(a) != 5:
    sys.exit("blocks: lookback %d, dnsdbq %d (want 5)" % (len(a), len(b)))
n = 0
for x, y in zip(a, b):
    if x[0] != y[0] or x[1] != y[1]:
        sys.exit("frame differs: %r vs %r" % (x[:2], y[:2]))
    if sorted(x[2]) != sorted(y[2]):
        sys.exit("records differ under %s" % x[0])
    n += len(x[2])
st = [x[1] for x in a]
if "NOERROR (no results found for query.)" not in st or not any(s != st[2] for s in st):
    sys.exit("want both found and not found among %r" % st)
print(n)
PYEOF2
then ok "query --batch = dnsdbq -ff -j over the API: frames, statuses, records ($(cat "$T_TMP/ff.res") records, exit $lrc)"
else nok "query --batch vs dnsdbq -ff: $(head -c 300 "$T_TMP/ff.res") $(head -c 200 "$T_TMP/dq2.err")"; fi
check "query --batch exits 0 when a line had results" test "$lrc" -eq 0

check "access log has one line per request, key never logged" \
	bash -c "[ \$(wc -l < '$T_TMP/access.log') -ge 20 ] && ! grep -q test-key '$T_TMP/access.log'"
kill -TERM $SPID
wait $SPID
check "SIGTERM: serve exits 0" test $? -eq 0
