#!/bin/bash
# store_query: the store and `lookback query` end to end.  A generated capture
# and the shared captures are ingested with `lookback capture --db`; every
# lookup kind is compared with expectations computed independently (python3)
# from the observations `lookback capture --jsonl` decodes from the same file.
# Also: usage errors exit 2, foreign/missing/corrupt stores exit 3, never a crash.
. "$(dirname "$0")/lib.sh"

Q() { "$LOOKBACK" query "$@"; }

# ---- usage errors (exit 2), no store needed ----
for args in "-r example.com" "--db $T_TMP/none" "--db $T_TMP/none -r a.*.com" \
	"--db $T_TMP/none -i 10.0.0.0/33" "--db $T_TMP/none -i 10.0.0.9-10.0.0.1" \
	"--db $T_TMP/none -r x.com --last-after yesterday" "--db $T_TMP/none -r x.com -t NOPE" \
	"--db $T_TMP/none -r x.com -n y.com" "--db $T_TMP/none --raw-rdata abc" \
	"--db $T_TMP/none -i 10.0.0.1 -t MX" "--db $T_TMP/none -i 10.0.0.1 -t ANY-DNSSEC" \
	"--db $T_TMP/none -r x.com --first-after 2023-02-29" "--db $T_TMP/none -r x.com -l 99999999999999999999999" \
	"--db $T_TMP/none -n x.com -b com" \
	"--db $T_TMP/none -r x.com --limit -1" "--db $T_TMP/none -r x.com -f xml" \
	"--db $T_TMP/none -r x.com --bogus" "--db $T_TMP/none -r x.com -M 5" \
	"--db $T_TMP/none -r x.com -s --max-count 0" "--db $T_TMP/none -r x.com -s -M x"; do
	# shellcheck disable=SC2086
	Q $args > /dev/null 2> "$T_TMP/err"; rc=$?
	if [ $rc -eq 2 ] && [ -s "$T_TMP/err" ]; then ok "usage error exits 2: $args"; else nok "usage error exits 2: $args (got $rc)"; fi
done
Q --help > "$T_TMP/help"; check "--help exits 0 and documents exit codes" grep -q "exit status" "$T_TMP/help"

# ---- stores that are not ours (exit 3) ----
Q --db "$T_TMP/missing" -r example.com > /dev/null 2>&1
check "missing store exits 3" test $? -eq 3
mkdir -p "$T_TMP/foreign" && echo hello > "$T_TMP/foreign/notes.txt"
Q --db "$T_TMP/foreign" -r example.com > /dev/null 2> "$T_TMP/err"; rc=$?
check "foreign directory exits 3 with a message" test $rc -eq 3 -a -s "$T_TMP/err"
check "foreign directory left untouched" test "$(ls "$T_TMP/foreign")" = notes.txt
mkdir -p "$T_TMP/corrupt" && head -c 4096 /dev/urandom > "$T_TMP/corrupt/CURRENT"
Q --db "$T_TMP/corrupt" -r example.com > /dev/null 2>&1
check "corrupt store exits 3" test $? -eq 3
"$LOOKBACK" stats --db "$T_TMP/corrupt" > /dev/null 2>&1
check "stats on a corrupt store exits 3" test $? -eq 3
"$LOOKBACK" stats --db "$T_TMP/corrupt" --check > /dev/null 2>&1
check "stats --check on a corrupt store exits 3" test $? -eq 3
# --repair: nothing to rebuild from in any of these (no table, no log): refused, untouched
"$LOOKBACK" stats --db "$T_TMP/missing" --repair > /dev/null 2>&1
check "stats --repair of a missing store exits 3" test $? -eq 3
check "... and makes no directory" test ! -e "$T_TMP/missing"
"$LOOKBACK" stats --db "$T_TMP/foreign" --repair > /dev/null 2> "$T_TMP/err"; rc=$?
check "stats --repair of a foreign directory exits 3 with a message" test $rc -eq 3 -a -s "$T_TMP/err"
check "... and leaves it untouched" test "$(ls "$T_TMP/foreign")" = notes.txt
cksum "$T_TMP/corrupt/CURRENT" > "$T_TMP/corrupt.sum"
"$LOOKBACK" stats --db "$T_TMP/corrupt" --repair > /dev/null 2>&1
check "stats --repair of a corrupt CURRENT and nothing else exits 3" test $? -eq 3
# (RocksDB's open for writing adds its LOCK and LOG files, nothing else)
check "... and leaves it as it was" test "$(ls "$T_TMP/corrupt" | grep -vx 'LOCK\|LOG')" = CURRENT -a \
	"$(cksum < "$T_TMP/corrupt/CURRENT")" = "$(cut -d' ' -f1,2 "$T_TMP/corrupt.sum")"
"$LOOKBACK" stats --db "$T_TMP/corrupt" --repair --check > /dev/null 2>&1
check "stats --repair with --check is a usage error (2)" test $? -eq 2

# ---- ingest and compare ----
if ! "$LOOKBACK" capture --help 2>&1 | grep -q -- '--db'; then
	skip "ingest comparisons: lookback capture has no --db yet"
	exit 0
fi
PY3=/usr/bin/python3
[ -x "$PY3" ] || PY3=python3
if ! command -v "$PY3" > /dev/null; then
	skip "ingest comparisons: python3 absent"
	exit 0
fi

compare() { # $1 = pcap, $2 = label
	local pcap=$1 label=$2 db="$T_TMP/db-$2"
	rm -rf "$db"
	"$LOOKBACK" capture -r "$pcap" --db "$db" > /dev/null 2> "$T_TMP/cap.err" || { nok "$label: capture --db failed: $(head -c 300 "$T_TMP/cap.err")"; return; }
	"$LOOKBACK" stats --db "$db" --check > /dev/null 2> "$T_TMP/chk.err"
	check "$label: stats --check finds the tables in agreement$(head -c 300 "$T_TMP/chk.err" | tr '\n' ' ')" test $? -eq 0
	"$LOOKBACK" capture -r "$pcap" --jsonl 2> /dev/null > "$T_TMP/obs.jsonl"
	Q --db "$db" -r '*' -t ALL -l 0 -f cof > "$T_TMP/rrsets.cof"; rc1=$?
	Q --db "$db" -i 0.0.0.0/0 -l 0 -f cof > "$T_TMP/ip4.cof"
	Q --db "$db" -i ::/0 -l 0 -f cof > "$T_TMP/ip6.cof"
	Q --db "$db" -n '*' -t ALL -l 0 -f cof > "$T_TMP/names.cof"
	Q --db "$db" --negative '*' -t ALL -l 0 -f cof > "$T_TMP/neg.cof"
	# Debian's python3 (dnspython for the raw rdata lookups), not one earlier in PATH
	"$PY3" - "$T_TMP" "$label" "$LOOKBACK" "$db" > "$T_TMP/py.out" 2> "$T_TMP/py.err" <<'EOF'
import json, sys, subprocess, ipaddress, collections
tmp, label, lb, db = sys.argv[1:5]
res = []
def report(ok, what):
    res.append(("ok" if ok else "not ok", what))
obs = [json.loads(l) for l in open(tmp + "/obs.jsonl") if l.strip()]
def agg():
    return {"first": None, "last": None, "count": 0}
def add(a, t):
    t = int(t)
    a["first"] = t if a["first"] is None else min(a["first"], t)
    a["last"] = t if a["last"] is None else max(a["last"], t)
    a["count"] += 1
rrsets = collections.defaultdict(agg)
rdata = collections.defaultdict(agg)
neg = collections.defaultdict(agg)
NAMETYPES = {"NS", "CNAME", "DNAME", "PTR", "MX", "SRV", "SOA", "SVCB", "HTTPS", "NAPTR",
             "AFSDB", "RT", "KX", "PX", "MB", "MD", "MF"}
for o in obs:
    if o.get("negative"):
        if o.get("qclass", "IN") == "IN":
            add(neg[(o["qname"].lower(), o["qtype"], o["rcode"])], o["time"])
        continue
    if o.get("class", "IN") != "IN":
        continue
    b = o.get("bailiwick")
    if b is None and (o["section"] != "answer" or o.get("unrelated")):
        continue
    key = (o["rrname"].lower(), o["rrtype"], b or "", tuple(o["rdata"]))
    add(rrsets[key], o["time"])
def load(f):
    return [json.loads(l) for l in open(tmp + "/" + f) if l.strip()]
got = {}
for r in load("rrsets.cof"):
    got[(r["rrname"], r["rrtype"] if isinstance(r["rrtype"], str) else "TYPE%d" % r["rrtype"],
         r.get("bailiwick", ""), tuple(r["rdata"]))] = (r["time_first"], r["time_last"], r["count"])
want = {k: (v["first"], v["last"], v["count"]) for k, v in rrsets.items()}
report(len(got) == len(want), "%s: rrset count %d == %d" % (label, len(got), len(want)))
diff = [k for k in want if got.get(k) != want[k]]
report(not diff, "%s: every rrset's first/last/count matches (%d differ%s)" % (label, len(diff), (": %r %r %r" % (diff[0], want[diff[0]], got.get(diff[0]))) if diff else ""))
# rdata: one entry per (owner, type, rdata), aggregated over the rrsets holding it
for k, v in rrsets.items():
    for rd in k[3]:
        a = rdata[(k[0], k[1], rd)]
        a["first"] = v["first"] if a["first"] is None else min(a["first"], v["first"])
        a["last"] = v["last"] if a["last"] is None else max(a["last"], v["last"])
        a["count"] += v["count"]
def cmp_rdata(files, pred, what):
    g = {}
    for f in files:
        for r in load(f):
            assert len(r["rdata"]) == 1
            g[(r["rrname"], r["rrtype"], r["rdata"][0])] = (r["time_first"], r["time_last"], r["count"])
    w = {k: (v["first"], v["last"], v["count"]) for k, v in rdata.items() if pred(k)}
    d = [k for k in w if g.get(k) != w[k]]
    report(len(g) == len(w) and not d, "%s: %s entries %d == %d, %d differ%s" % (label, what, len(g), len(w), len(d), (": %r" % (d[0],)) if d else ""))
    return w
ipw = cmp_rdata(["ip4.cof", "ip6.cof"], lambda k: k[1] in ("A", "AAAA"), "rdata by IP (all)")
cmp_rdata(["names.cof"], lambda k: k[1] in NAMETYPES, "rdata by name (all)")
# raw rdata lookups of other types (TXT, RRSIG, DNSKEY, DS, ...): the wire form from
# dnspython's parser (independent of lookback), looked up by its bytes; long ones are
# keyed by digest in the store, and must come back in full with their counters
def raw_checks():
    try:
        import dns.rdata, dns.rdataclass, dns.rdatatype
    except ImportError:
        report(False, "%s: raw rdata lookups need python3-dnspython (scripts/deps installs it)" % label)
        return
    xs = sorted(k for k in rdata if k[1] not in NAMETYPES and k[1] not in ("A", "AAAA"))
    sample = xs[::max(1, len(xs) // 40)][:40]
    n = nlong = 0
    bad = []
    for k in sample:
        try:
            w = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(k[1]), k[2]).to_digestable()
        except Exception:
            continue
        n += 1
        nlong += len(w) >= 33
        rc, rows = q("--raw-rdata", w.hex(), "-t", k[1])
        g = {(r["rrname"], r["rrtype"], r["rdata"][0]): (r["time_first"], r["time_last"], r["count"]) for r in rows}
        e = {j: (v["first"], v["last"], v["count"]) for j, v in rdata.items() if j[1] == k[1] and j[2] == k[2]}
        if rc != 0 or g != e:
            bad.append((k, rc, len(g), len(e)))
    report(not bad, "%s: --raw-rdata of %d other-type RRs (%d of 33 bytes or more) match%s" % (label, n, nlong, (": %r" % (bad[0],)) if bad else ""))
    if label == "generated":
        report(nlong > 0, "%s: the sample holds long rdata (keyed by digest)" % label)
gn = {(r["rrname"], r["rrtype"], r["rcode"]): (r["time_first"], r["time_last"], r["count"]) for r in load("neg.cof")}
wn = {k: (v["first"], v["last"], v["count"]) for k, v in neg.items()}
report(gn == wn, "%s: negative answers %d == %d" % (label, len(gn), len(wn)))
# targeted lookups: a busy /24 and /16, an IPv6 /32, an exact owner, a left and a right wildcard, a name
def q(*args):
    p = subprocess.run([lb, "query", "--db", db, "-l", "0", "-f", "cof"] + list(args), capture_output=True, text=True)
    return p.returncode, [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
raw_checks()
v4 = [k for k in ipw if k[1] == "A"]
if v4:
    ip = ipaddress.ip_address(v4[len(v4) // 2][2])
    for plen in (32, 24, 16):
        net = ipaddress.ip_network("%s/%d" % (ip, plen), strict=False)
        rc, rows = q("-i", str(net))
        want_n = sum(1 for k in ipw if k[1] == "A" and ipaddress.ip_address(k[2]) in net)
        report(rc == 0 and len(rows) == want_n, "%s: -i %s gives %d == %d" % (label, net, len(rows), want_n))
    lo = ipaddress.ip_address(int(ip) - 1000); hi = ipaddress.ip_address(int(ip) + 1000)
    rc, rows = q("-i", "%s-%s" % (lo, hi))
    want_n = sum(1 for k in ipw if k[1] == "A" and lo <= ipaddress.ip_address(k[2]) <= hi)
    report(len(rows) == want_n, "%s: -i range gives %d == %d" % (label, len(rows), want_n))
v6 = [k for k in ipw if k[1] == "AAAA"]
if v6:
    net = ipaddress.ip_network("%s/32" % v6[0][2], strict=False)
    rc, rows = q("-i", str(net))
    want_n = sum(1 for k in ipw if k[1] == "AAAA" and ipaddress.ip_address(k[2]) in net)
    report(len(rows) == want_n, "%s: -i %s gives %d == %d" % (label, net, len(rows), want_n))
if want:
    DNSSEC = {"DS", "RRSIG", "NSEC", "DNSKEY", "NSEC3", "NSEC3PARAM", "DLV", "CDS", "CDNSKEY", "TA"}
    owners = sorted({k[0] for k in want})
    owner = owners[len(owners) // 2]
    rc, rows = q("-r", owner)
    want_n = sum(1 for k in want if k[0] == owner and k[1] not in DNSSEC)
    report(len(rows) == want_n, "%s: -r %s gives %d == %d" % (label, owner, len(rows), want_n))
    parent = owner.split(".", 1)[1] if owner.count(".") > 1 else owner
    rc, rows = q("-r", "*." + parent, "-t", "ALL")
    want_n = sum(1 for k in want if k[0].endswith("." + parent) and k[0] != parent)
    report(len(rows) == want_n, "%s: -r *.%s gives %d == %d" % (label, parent, len(rows), want_n))
    first = owner.split(".")[0]
    rc, rows = q("-r", first + ".*", "-t", "ALL")
    want_n = sum(1 for k in want if k[0].startswith(first + ".") and k[0] != first + ".")
    report(len(rows) == want_n, "%s: -r %s.* gives %d == %d" % (label, first, len(rows), want_n))
    rc, rows = q("-r", "*." + parent, "-t", "ALL", "-l", "1")
    report(len(rows) == min(1, want_n), "%s: -l 1 gives one row" % label)
    # summarize agrees with the listing
    p = subprocess.run([lb, "query", "--db", db, "-r", "*", "-t", "ALL", "-s", "-f", "cof"], capture_output=True, text=True)
    s = json.loads(p.stdout)
    report(s["num_results"] == len(want) and s["count"] == sum(v[2] for v in want.values()),
           "%s: summarize num_results %d count %d" % (label, s["num_results"], s["count"]))
for st, what in res:
    print("%s|%s" % (st, what))
EOF
	[ -s "$T_TMP/py.err" ] && nok "$label: comparison script failed: $(tail -3 "$T_TMP/py.err")"
	while IFS='|' read -r st what; do
		if [ "$st" = ok ]; then ok "$what"; else nok "$what"; fi
	done < "$T_TMP/py.out"
	check "$label: listing everything exits 0" test "$rc1" -eq 0
}

"$LOOKBACK" gen -o "$T_TMP/gen.pcap" -n 20000 --seed 7 > /dev/null 2>&1 || nok "gen failed"
[ -s "$T_TMP/gen.pcap" ] && compare "$T_TMP/gen.pcap" generated

if need_shared "shared captures"; then
	n=0
	for p in "$CAPTURES"/*.pcap "$CAPTURES"/*.pcapng; do
		[ -e "$p" ] || continue
		n=$((n + 1)); [ $n -le 6 ] || break
		compare "$p" "$(basename "$p")"
	done
fi

# ingesting the same capture again merges: every count doubles, times stay
db="$T_TMP/db-generated"
if [ -d "$db" ]; then
	# --max-count N: the summary stops at the first record whose count brings
	# the sum to N; the listing's counts in order say where that is
	Q --db "$db" -r '*' -t ALL -l 0 -f cof > "$T_TMP/all.cof"
	Q --db "$db" -r '*' -t ALL -s -M 1000 -f csv 2> "$T_TMP/mc.err" | tail -1 > "$T_TMP/mc"
	want=$(python3 -c '
import json, sys
s = n = 0
rows = [json.loads(l)["count"] for l in open(sys.argv[1])]
for c in rows:
    if s >= 1000: break
    s += c; n += 1
print("%d,%d,%d" % (s, n, n < len(rows)))' "$T_TMP/all.cof")
	IFS=, read -r mc mn _ < "$T_TMP/mc"
	check "--max-count 1000: the summary stops where the listing's counts reach 1000 ($mc,$mn vs $want)" \
		bash -c "[ '$mc,$mn,1' = '$want' ] && grep -q 'max count 1000 reached' '$T_TMP/mc.err'"
	Q --db "$db" -r '*' -t ALL -s -f csv | tail -1 > "$T_TMP/sum1"
	Q --db "$db" -i 0.0.0.0/0 -s -f csv | tail -1 > "$T_TMP/ipsum1"
	"$LOOKBACK" capture -r "$T_TMP/gen.pcap" --db "$db" > /dev/null 2>&1
	Q --db "$db" -r '*' -t ALL -s -f csv | tail -1 > "$T_TMP/sum2"
	Q --db "$db" -i 0.0.0.0/0 -s -f csv | tail -1 > "$T_TMP/ipsum2"
	for f in sum ipsum; do
		IFS=, read -r c1 n1 f1 l1 _ < "$T_TMP/${f}1"
		IFS=, read -r c2 n2 f2 l2 _ < "$T_TMP/${f}2"
		if [ "$c2" = $((c1 * 2)) ] && [ "$n1" = "$n2" ] && [ "$f1" = "$f2" ] && [ "$l1" = "$l2" ]; then
			ok "second ingest merged ($f): count $c1 -> $c2, $n2 results"
		else
			nok "second ingest merged ($f): $(cat "$T_TMP/${f}1") -> $(cat "$T_TMP/${f}2")"
		fi
	done
fi

# limit indication and exit code 1
db="$T_TMP/db-generated"
if [ -d "$db" ]; then
	Q --db "$db" -r '*' -t ALL -l 2 > "$T_TMP/lim.txt" 2> "$T_TMP/lim.err"
	check "a cut result says so in text output" grep -q "result limited" "$T_TMP/lim.txt"
	check "and on stderr" grep -q "limited" "$T_TMP/lim.err"
	Q --db "$db" -r no-such-name.invalid > /dev/null 2>&1
	check "no results exits 1" test $? -eq 1
	"$LOOKBACK" stats --db "$db" > "$T_TMP/stats.txt"
	check "stats shows rrsets and the source" grep -q "^rrsets" "$T_TMP/stats.txt"
fi

# a summary is of the results --limit and --offset select (DNSDB's summarize,
# and serve's): three NS rrsets of counts 1, 2, 4
db="$T_TMP/db-sum"
printf '%s\n' \
	'{"rrname":"a.sum.test.","rrtype":"NS","rdata":["ns1.dns.test."],"time_first":1000,"time_last":2000,"count":1}' \
	'{"rrname":"b.sum.test.","rrtype":"NS","rdata":["ns1.dns.test."],"time_first":1000,"time_last":2000,"count":2}' \
	'{"rrname":"c.sum.test.","rrtype":"NS","rdata":["ns1.dns.test."],"time_first":1000,"time_last":3000,"count":4}' |
	"$LOOKBACK" import -f cof --db "$db" - > /dev/null 2>&1
sum_of() { Q --db "$db" -r '*.sum.test' -s -f cof "$@" 2> /dev/null | tr -d '\n'; }
check "summarize: all three" test "$(sum_of)" = '{"count":7,"num_results":3,"time_first":1000,"time_last":3000}'
check "summarize -l 2: the first two" test "$(sum_of -l 2)" = '{"count":3,"num_results":2,"time_first":1000,"time_last":2000}'
check "summarize --offset 2: the last one" test "$(sum_of --offset 2)" = '{"count":4,"num_results":1,"time_first":1000,"time_last":3000}'
# every time fence given narrows the result, whichever option gives it: -A/-B
# beside an explicit fence on the same time (an audit found the explicit one
# dropped), an option given twice; --complete needs -A or -B; a fraction of a
# second in a lower bound rounds up (records keep whole seconds)
db="$T_TMP/db-fence"
printf '%s\n' \
	'{"rrname":"old.fence.test.","rrtype":"A","rdata":["192.0.2.1"],"time_first":1714000000,"time_last":1714100000,"count":1}' \
	'{"rrname":"new.fence.test.","rrtype":"A","rdata":["192.0.2.2"],"time_first":1714000000,"time_last":1714600000,"count":1}' \
	'{"rrname":"late.fence.test.","rrtype":"A","rdata":["192.0.2.3"],"time_first":1714550000,"time_last":1714600000,"count":1}' |
	"$LOOKBACK" import -f cof --db "$db" - > /dev/null 2>&1
names() { Q --db "$db" -r '*.fence.test' -f csv "$@" 2> /dev/null | cut -d, -f1 | grep fence | sort | tr '\n' ' '; }
check "--last-after beside -A: both apply" test "$(names --last-after 1714500000 -A 1714000000)" = "late.fence.test. new.fence.test. "
check "-A beside --last-after, the other order" test "$(names -A 1714000000 --last-after 1714500000)" = "late.fence.test. new.fence.test. "
check "-B beside --first-before: both apply" test "$(names -B 1714100000 --first-before 1714500000)" = "new.fence.test. old.fence.test. "
check "-c -A beside --first-after: the later bound" test "$(names -c -A 1713000000 --first-after 1714500000)" = "late.fence.test. "
check "-A given twice: the later bound" test "$(names -A 1714500000 -A 1714000000)" = "late.fence.test. new.fence.test. "
check "--first-before given twice: the earlier bound" test "$(names --first-before 1714000000 --first-before 1714600000)" = "new.fence.test. old.fence.test. "
for w in '*test' '**.test' 'a.*fence.test'; do
	Q --db "$db" -r "$w" > /dev/null 2> "$T_TMP/w.err"; rc=$?
	check "-r '$w' (a mistyped wildcard): usage error ($rc), not an empty answer" \
		bash -c "test $rc -eq 2 && grep -q 'wildcard only as the whole' '$T_TMP/w.err'"
done
Q --db "$db" -r '*.fence.test' -c > /dev/null 2> "$T_TMP/c.err"; rc=$?
check "--complete without -A/-B: usage error (exit $rc), says what to add" bash -c "test $rc -eq 2 && grep -q -- '-A TIME' '$T_TMP/c.err'"
check "--first-after with a fraction of a second rounds up (2024-04-24T23:06:40.5Z: two records were first seen at :40)" \
	test "$(names --first-after 2024-04-24T23:06:40.5Z)" = "late.fence.test. "
check "--first-before with a fraction rounds down" \
	test "$(names --first-before 2024-04-24T23:06:40.5Z)" = "new.fence.test. old.fence.test. "
db="$T_TMP/db-sum"
Q --db "$db" -r '*.sum.test' -s -l 2 > "$T_TMP/sum.txt" 2> "$T_TMP/sum.err"
check "a summary the limit cut says so" grep -q "result limited: the first 2 summarized" "$T_TMP/sum.txt"
Q --db "$db" -r no-such.sum.test --sort first > /dev/null 2> "$T_TMP/sort0.err"
check "--sort with no result: exit 1 (and UBSan quiet)" \
	bash -c "test $? -eq 1 && ! grep -q 'runtime error' '$T_TMP/sort0.err'"

# COF's mandatory time_first/time_last: a record only a zone file gave has its
# zone times there in query output; export keeps the store as it is
db="$T_TMP/db-zone"
printf '$ORIGIN zt.test.\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.53\n' > "$T_TMP/zt.zone"
"$LOOKBACK" import -f zone --zone-time 1700000000 --db "$db" "$T_TMP/zt.zone" > /dev/null 2>&1
Q --db "$db" -r ns.zt.test -f cof > "$T_TMP/zt.cof" 2> /dev/null
check "COF of a zone-only record: time_first/time_last are its zone times" python3 -c "
import json,sys; o=json.loads(open('$T_TMP/zt.cof').readline())
sys.exit(not (o['time_first'] == o['zone_time_first'] == 1700000000 and o['time_last'] == 1700000000))"
"$LOOKBACK" export --db "$db" -f cof 2> /dev/null | grep '"ns.zt.test."' > "$T_TMP/zt.exp"
check "export of it: zone times only (as stored)" \
	bash -c "grep -q zone_time_first '$T_TMP/zt.exp' && ! grep -q '\"time_first\"' '$T_TMP/zt.exp'"

# names inside rdata compare without case: a mixed-case HTTPS/SVCB target (kept
# in its capitals, it was found by no -n lookup) and an MX exchange
printf '$ORIGIN zc.test.\nwww HTTPS 1 CDN.Example.NET. alpn=h2\nsvc SVCB 2 Svc.Example.ORG.\n@ MX 10 Mail.Example.NET.\n' > "$T_TMP/zc.zone"
"$LOOKBACK" import -f zone --zone-time 1700000000 --db "$db" "$T_TMP/zc.zone" > /dev/null 2>&1
for q in cdn.example.net CDN.Example.NET 'cdn.example.*' '*.example.org' mail.example.net; do
	Q --db "$db" -n "$q" -f cof > "$T_TMP/zc.cof" 2> /dev/null
	rc=$?
	check "-n $q finds the rdata whatever the case (exit $rc, $(wc -l < "$T_TMP/zc.cof") result)" \
		bash -c "[ $rc -eq 0 ] && [ \$(wc -l < '$T_TMP/zc.cof') -eq 1 ]"
done

# --sort name is DNS canonical order (RFC 4034 6.1): label by label from the
# top, a name before the names below it
db="$T_TMP/db-order"
for n in www.x.test. blog.x.test. z.x.test. x.test. a.z.x.test. yy.x.test.; do
	printf '{"rrname":"%s","rrtype":"A","rdata":["192.0.2.1"],"time_first":1,"time_last":2}\n' "$n"
done | "$LOOKBACK" import -f cof --db "$db" - > /dev/null 2>&1
got=$(Q --db "$db" -r '*.test' --sort name -f cof 2> /dev/null | sed 's/^{"rrname":"\([^"]*\)".*/\1/' | tr '\n' ' ')
check "--sort name: canonical order ($got)" test "$got" = "x.test. blog.x.test. www.x.test. yy.x.test. z.x.test. a.z.x.test. "

# a COF answer merges an rrset's bailiwicks one owner and type at a time,
# holding at most 8192 rdata sets of it: past that it is merged in parts and
# says so on stderr (here the first set comes again, from big.test.'s own
# bailiwick, after the part that held it went out)
db="$T_TMP/db-big"
python3 -c '
for i in range(8193):
    print("{\"rrname\":\"big.test.\",\"rrtype\":\"A\",\"rdata\":[\"10.0.%d.%d\"],\"bailiwick\":\"test.\",\"time_first\":1,\"time_last\":2}" % (i >> 8, i & 255))
print("{\"rrname\":\"big.test.\",\"rrtype\":\"A\",\"rdata\":[\"10.0.0.0\"],\"bailiwick\":\"big.test.\",\"time_first\":1,\"time_last\":2}")
' | "$LOOKBACK" import -f cof --db "$db" - > /dev/null 2>&1
Q --db "$db" -r big.test -l 0 -f cof > "$T_TMP/big.cof" 2> "$T_TMP/big.err"
check "past 8192 rdata sets of one owner and type: merged in parts ($(wc -l < "$T_TMP/big.cof") objects), noted on stderr" \
	bash -c "[ \$(wc -l < '$T_TMP/big.cof') -eq 8194 ] && grep -q 'merged across bailiwicks in parts' '$T_TMP/big.err'"
Q --db "$db" -r big.test -l 0 -f cof --offset 8190 > "$T_TMP/big.cof" 2> /dev/null
check "the same without the first parts: 4 objects" test "$(wc -l < "$T_TMP/big.cof")" -eq 4

# --sort with --limit holds only the results the limit selects: over the
# 1000000 cap (1000001 rrsets) -l 3 answers, in the order of the full sort,
# and says more exist (it was a "limit reached" store error, exit 3, after
# holding a million results); without a limit the cap is a usage error
# (the million records are the optimized build's work under ASan when there
# is one beside it: written by it, and looked up by it too - a million
# records under ASan take half a minute to write and 20 s to sort.  What the
# ASan build could add is a memory error, and it runs the same code on the
# smaller store below: the kept-first heap of --limit/--offset (the same
# lookup over 1001 records) and the results freed after LB_ELIMIT
# (test_lookup's test_sort_bytes hits the byte bound's; the count's is the
# same break out of the same loop).  The count and order are the same code's.)
BIG_LB=$LOOKBACK
case "${BUILD:-}" in
*asan*) [ -x "${BUILD%/*}/build/lookback" ] && BIG_LB="${BUILD%/*}/build/lookback" ;;
esac
big_zone() { # $1 = records: h0 .. h$1-1 under big.test.
	python3 -c 'import sys; sys.stdout.writelines("h%d 60 IN A 10.%d.%d.%d\n" % (i, i >> 16 & 255, i >> 8 & 255, i & 255) for i in range(int(sys.argv[1])))' "$1"
}
db="$T_TMP/db-sortcap"
big_zone 1000001 | "$BIG_LB" import -f zone --origin big.test. --zone-time 5 --db "$db" -q - > /dev/null 2>&1
"$BIG_LB" query --db "$db" -r '*.big.test' --sort name --reverse -l 3 --offset 2 -f csv > "$T_TMP/top" 2> "$T_TMP/top.err"
rc=$?
check "--sort -l 3 --offset 2 over 1000001 results: exit $rc, the 3rd to 5th last names, 'more exist'" \
	bash -c "[ $rc -eq 0 ] && [ \"\$(cut -d, -f1 '$T_TMP/top' | grep -v rrname | tr '\\n' ' ')\" = 'h999997.big.test. h999996.big.test. h999995.big.test. ' ] && grep -q 'more exist' '$T_TMP/top.err'"
"$BIG_LB" query --db "$db" -r '*.big.test' --sort name -l 0 > /dev/null 2> "$T_TMP/cap.err"
rc=$?
check "--sort without a limit over the cap: exit 2 ($rc), saying so" \
	bash -c "[ $rc -eq 2 ] && grep -q 'more than 1000000 results' '$T_TMP/cap.err'"
# the same lookup by the build's own lookback over 1001 records (in canonical
# order h999 sorts after h1000: the 3rd to 5th last are h997, h996, h995)
db="$T_TMP/db-sortsmall"
big_zone 1001 | "$LOOKBACK" import -f zone --origin big.test. --zone-time 5 --db "$db" -q - > /dev/null 2>&1
Q --db "$db" -r '*.big.test' --sort name --reverse -l 3 --offset 2 -f csv > "$T_TMP/top" 2> "$T_TMP/top.err"
rc=$?
check "--sort -l 3 --offset 2 over 1001 results: exit $rc, the 3rd to 5th last names, 'more exist'" \
	bash -c "[ $rc -eq 0 ] && [ \"\$(cut -d, -f1 '$T_TMP/top' | grep -v rrname | tr '\\n' ' ')\" = 'h997.big.test. h996.big.test. h995.big.test. ' ] && grep -q 'more exist' '$T_TMP/top.err'"

# errors name what is wrong
Q --db "$T_TMP/none" -r x.com --bogus > /dev/null 2> "$T_TMP/e1"
check "an unknown option is named in the error" grep -q -- "'--bogus'" "$T_TMP/e1"
"$LOOKBACK" serve --db "$db" --listen 127.0.0.1:0 --keys "$T_TMP/no-keys" > /dev/null 2> "$T_TMP/e2"
check "serve --keys MISSING: exit 2 ($?), naming the file" \
	bash -c "[ $? -eq 2 ] && grep -q 'no-keys' '$T_TMP/e2'"
