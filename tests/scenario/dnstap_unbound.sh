#!/bin/bash
# lookback-test: serial (fixed 127.53.x.x:53 addresses; live capture on lo)
# dnstap from a real resolver: a miniature DNS hierarchy served by Knot DNS on
# 127.53.0.{1,2,3} (root, lbtest., example.lbtest.), unbound recursing into it
# with dnstap to `lookback tap -u SOCKET --jsonl`.  Checks the RRsets and their
# bailiwicks (query_zone of RESOLVER_RESPONSE), that CLIENT_RESPONSE yields
# answer-only RRsets without bailiwick, and that queries are only counted.
# The hierarchy comes from resolvers.sh; bailiwick_live.sh runs the same one
# with a live capture beside dnstap.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/resolvers.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

rs_need_tools dnstap_unbound knotd unbound dig python3 || exit 0

D=$T_TMP
kill_pids_on_exit

# the loopback aliases must be bindable (they are on Linux without
# configuration) with port 53 free on each; one python run checks all and
# picks a free port for unbound
PORT=$(rs_free_port 127.53.0)
case $PORT in
''|NO*) skip "dnstap_unbound: cannot bind the test addresses (${PORT:-python failed})"; exit 0 ;;
esac

rs_write_zones "$D" 127.53.0

rs_start_hierarchy "$D" 127.53.0 || exit 0
ok "three knotd instances serve the test root, lbtest. and example.lbtest."

# lookback tap first: unbound connects to it as a Frame Streams client
SOCK="$D/tap.sock"
"$LOOKBACK" tap -u "$SOCK" --jsonl --stats --sensor lbtest --db "$D/db" > "$D/tap.jsonl" 2> "$D/tap.err" &
TAP_PID=$!
PIDS+=($TAP_PID)
rs_wait_for "tap socket" 200 test -S "$SOCK" || { nok "lookback tap listens"; cat "$D/tap.err"; exit 0; }
ok "lookback tap listens on a unix socket"

rs_start_unbound "$D" "$PORT" "$SOCK" || { nok "unbound answers"; exit 0; }
ok "unbound recurses into the test root"

q() { dig @127.0.0.1 -p "$PORT" +time=2 +tries=1 "$@"; }
check "www.example.lbtest A resolves" bash -c "dig @127.0.0.1 -p $PORT +short www.example.lbtest A | grep -qx 192.0.2.10"
check "alias.example.lbtest A resolves through the CNAME" \
	bash -c "dig @127.0.0.1 -p $PORT +short alias.example.lbtest A | grep -qx 192.0.2.10"
q www.example.lbtest AAAA > /dev/null
q nx.example.lbtest A > /dev/null
q example.lbtest NS > /dev/null
q example.lbtest MX > /dev/null

# unbound's dnstap thread sends in batches (waking up about once a second):
# wait until the answer to the last query arrived, then stop unbound (it sends
# STOP, we answer FINISH), then the collector.
rs_wait_for "the last client response over dnstap" 100 \
	grep -q '"rrname":"example.lbtest.","rrtype":"MX".*"bailiwick":null' "$D/tap.jsonl"
kill "$UNB_PID"
wait "$UNB_PID" 2> /dev/null
rs_wait_for "unbound's dnstap stream to finish" 100 bash -c "! kill -0 $UNB_PID"
kill "$TAP_PID"
wait "$TAP_PID"
check "lookback tap exits 0 on SIGTERM" test $? -eq 0

J="$D/tap.jsonl"
# One python run checks every expected RRset (name type bailiwick section rdata;
# bailiwick "null" = unknown) and the global rules; prints PASS/FAIL lines.
python3 - "$J" > "$D/verdicts" <<'PY'
import json, sys
expect = [
    ("root referral: lbtest. NS with bailiwick .", "lbtest.", "NS", ".", "authority", "ns.nic.lbtest."),
    ("root referral glue: ns.nic.lbtest. A with bailiwick .", "ns.nic.lbtest.", "A", ".", "additional", "127.53.0.2"),
    ("TLD referral: example.lbtest. NS with bailiwick lbtest.", "example.lbtest.", "NS", "lbtest.", "authority", "ns1.example.lbtest."),
    ("answer: www.example.lbtest. A with bailiwick example.lbtest.", "www.example.lbtest.", "A", "example.lbtest.", "answer", "192.0.2.10"),
    ("answer: www.example.lbtest. AAAA with bailiwick example.lbtest.", "www.example.lbtest.", "AAAA", "example.lbtest.", "answer", "2001:db8::10"),
    ("CNAME link observed on its own owner", "alias.example.lbtest.", "CNAME", "example.lbtest.", "answer", "www.example.lbtest."),
    ("child apex NS with bailiwick example.lbtest.", "example.lbtest.", "NS", "example.lbtest.", "answer", "ns1.example.lbtest."),
    ("MX answer with bailiwick example.lbtest.", "example.lbtest.", "MX", "example.lbtest.", "answer", "10 mail.example.lbtest."),
    ("CLIENT_RESPONSE: www.example.lbtest. A without bailiwick", "www.example.lbtest.", "A", None, "answer", "192.0.2.10"),
    ("CLIENT_RESPONSE: CNAME without bailiwick", "alias.example.lbtest.", "CNAME", None, "answer", "www.example.lbtest."),
]
rows = [json.loads(l) for l in open(sys.argv[1])]
pos = [o for o in rows if not o.get("negative")]
for desc, name, rtype, bw, sec, rd in expect:
    hit = any((o["rrname"], o["rrtype"], o["bailiwick"], o["section"]) == (name, rtype, bw, sec)
              and rd in o["rdata"] for o in pos)
    print(("PASS " if hit else "FAIL ") + desc)
def under(n, z):
    n, z = n.lower(), z.lower()
    return z == "." or n == z or n.endswith("." + z)
bad = [o for o in pos if (o["bailiwick"] is None and o["section"] != "answer")
       or (o["bailiwick"] is not None and not under(o["rrname"], o["bailiwick"]))]
print(("PASS " if pos and not bad else "FAIL ") +
      "every RRset is inside its bailiwick, or an answer without one (%d rrsets, %d bad)" % (len(pos), len(bad)))
nos = [o for o in rows if o.get("sensor_id") != "lbtest"]
print(("PASS " if rows and not nos else "FAIL ") + "every observation carries the sensor id")
PY
while read -r v desc; do
	if [ "$v" = PASS ]; then ok "$desc"; else nok "$desc"; fi
done < "$D/verdicts"
[ -s "$D/verdicts" ] || nok "the expectation script ran"
check "NXDOMAIN for nx.example.lbtest. is a negative observation" \
	grep -q '"negative":true,"qname":"nx.example.lbtest.","qtype":"A","rcode":"NXDOMAIN"' "$J"

# the same observations aggregated into the store
if "$LOOKBACK" query --help > /dev/null 2>&1; then
	# (export: the store's records, one per bailiwick; a query -f cof answer
	# merges an rrset's bailiwicks)
	"$LOOKBACK" export --db "$D/db" -r www.example.lbtest -t A > "$D/q1" 2>&1
	check "store: www.example.lbtest. A with bailiwick example.lbtest." \
		grep -q '"rdata":\["192.0.2.10"\].*"bailiwick":"example.lbtest."' "$D/q1"
	# counts: the store's count of each rrset equals the number of times the
	# observation stream (tap --jsonl) carried it, per bailiwick
	counts=$(python3 - "$J" "$D/q1" <<'PY'
import json, sys
seen = {}
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("negative") or o["rrname"] != "www.example.lbtest." or o["rrtype"] != "A":
        continue
    if o["bailiwick"] is None and o["section"] != "answer":
        continue
    seen[o["bailiwick"]] = seen.get(o["bailiwick"], 0) + 1
stored = {}
for l in open(sys.argv[2]):
    o = json.loads(l)
    stored[o.get("bailiwick")] = o["count"]
print("%s %s" % (sorted(seen.items(), key=str), sorted(stored.items(), key=str)))
print("PASS" if seen and seen == stored else "FAIL")
PY
)
	check "store: counts per bailiwick equal the observations streamed (${counts%%$'\n'*})" \
		test "${counts##*$'\n'}" = PASS
	"$LOOKBACK" export --db "$D/db" -r lbtest -t NS > "$D/q2" 2>&1
	check "store: parent-side lbtest. NS with bailiwick ." grep -q '"bailiwick":"\."' "$D/q2"
	# COF: the resolver's view (bailiwick example.lbtest.) and the client's
	# (none) of www.example.lbtest. A are one object, their counts summed
	"$LOOKBACK" query --db "$D/db" -r www.example.lbtest -t A -f cof > "$D/q3" 2>&1
	cof=$(python3 - "$D/q1" "$D/q3" <<'PY'
import json, sys
stored = [json.loads(l) for l in open(sys.argv[1])]
cof = [json.loads(l) for l in open(sys.argv[2])]
want = {}
for o in stored:
    k = tuple(sorted(o["rdata"]))
    want.setdefault(k, []).append(o)
got = {tuple(sorted(o["rdata"])): o for o in cof}
ok = len(cof) == len(got) == len(want) and all(
    got[k]["count"] == sum(o["count"] for o in v)
    and got[k].get("bailiwick") == (v[0].get("bailiwick") if len(set(o.get("bailiwick") for o in v)) == 1 else None)
    for k, v in want.items() if k in got)
print("%d stored, %d COF objects" % (len(stored), len(cof)))
print("PASS" if ok and len(stored) > len(cof) else "FAIL")
PY
)
	check "store: query -f cof merges the bailiwicks of www.example.lbtest. A (${cof%%$'\n'*})" \
		test "${cof##*$'\n'}" = PASS
else
	skip "store checks: lookback query is not available"
fi

# An independent decoder on the same kind of stream: record unbound's dnstap
# with fstrm_capture (Debian fstrm-bin), then compare `lookback tap -r` on the
# file with dnstap-ldns (query_zone of every RESOLVER_RESPONSE included).
if command -v fstrm_capture > /dev/null && command -v dnstap-ldns > /dev/null; then
	SOCK2="$D/cap.sock"
	fstrm_capture -t protobuf:dnstap.Dnstap -u "$SOCK2" -w "$D/cap.fstrm" > "$D/cap.log" 2>&1 &
	CAP_PID=$!
	PIDS+=($CAP_PID)
	rs_wait_for "fstrm_capture socket" 100 test -S "$SOCK2"
	sed "s|$SOCK|$SOCK2|" "$D/unbound.conf" > "$D/unbound2.conf"
	unbound -d -c "$D/unbound2.conf" > "$D/unbound2.log" 2>&1 &
	UNB_PID=$!
	PIDS+=($UNB_PID)
	rs_wait_for "unbound (2)" 200 bash -c "dig @127.0.0.1 -p $PORT +time=1 +tries=1 www.example.lbtest A | grep -q 'status: NOERROR'"
	q alias.example.lbtest A > /dev/null
	q example.lbtest MX > /dev/null
	sleep 1.2 # unbound's dnstap thread wakes up about once a second
	kill "$UNB_PID"
	wait "$UNB_PID" 2> /dev/null
	kill "$CAP_PID"
	wait "$CAP_PID" 2> /dev/null
	dnstap-ldns -y -r "$D/cap.fstrm" > "$D/cap.yaml" 2> /dev/null
	"$LOOKBACK" tap -r "$D/cap.fstrm" --jsonl --stats > "$D/cap.jsonl" 2> "$D/cap.stats"
	check "recorded stream: lookback tap -r exits 0" test $? -eq 0
	python3 "$HERE/dnstap_ldns_compare.py" "$D/cap.yaml" "$D/cap.jsonl" "$D/cap.stats" > "$D/cap.v"
	[ -s "$D/cap.v" ] || nok "recorded stream: comparison ran"
	while read -r v desc; do
		if [ "$v" = PASS ]; then ok "recorded stream vs dnstap-ldns: $desc"; else nok "recorded stream vs dnstap-ldns: $desc"; fi
	done < "$D/cap.v"
	check "recorded stream holds RESOLVER_RESPONSEs" grep -q '^dnstap_type_RESOLVER_RESPONSE' "$D/cap.stats"
else
	skip "fstrm_capture or dnstap-ldns not installed: no independent decoder comparison"
fi

S="$D/tap.err"
stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$S"; }
check "queries counted (client and resolver)" \
	test "$(stat_of dnstap_type_CLIENT_QUERY)" -ge 5 -a "$(stat_of dnstap_type_RESOLVER_QUERY)" -ge 3
check "responses with bailiwick counted" test "$(stat_of dnstap_responses_with_bailiwick)" -ge 3
check "the stream ended with STOP/FINISH" test "$(stat_of dnstap_streams_finished)" = 1
check "no bad frames" bash -c "! grep -q '^dnstap_bad_' '$S'"
exit 0
