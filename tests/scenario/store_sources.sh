#!/bin/bash
# store_sources: every rrset and rdata entry knows which sources saw it.
#  1. Generated captures ingested with `capture --db D --sensor s1` / `--sensor s2`
#     (one capture under s1, two under s2, overlapping): `export` names
#     exactly the sources that saw each rrset (sensor_id, and sensor_ids with
#     more than one), computed independently (python3) from the observations
#     `capture --jsonl` decodes from the same files; likewise the address
#     (rdata) lookups.  `query --format cof` (COF: one object per rrname,
#     rrtype and rdata across bailiwicks) names the first source only
#     (sensor_id), the one with the smallest id.  Text (";; sources:") and
#     CSV (last column) name them all.
#  2. `import --format cof --source feedA` records show feedA; without
#     --source a record's own sensor_id / sensor_ids are kept.
#  3. `export` then `import` into an empty store keeps every record's sources.
#  4. The same captures sent to a collector (`serve --ingest`) in the other
#     order (so the collector numbers the sources differently) give the same
#     sources per rrset: the wire carries names, not ids.
. "$(dirname "$0")/lib.sh"
set -f # lookups contain '*'

command -v python3 > /dev/null || { skip "store_sources: python3 absent"; exit 0; }

"$LOOKBACK" gen -o "$T_TMP/a.pcap" -n 4000 --seed 3 --names 300 > /dev/null 2>&1 || nok "gen a failed"
"$LOOKBACK" gen -o "$T_TMP/b.pcap" -n 4000 --seed 4 --names 300 > /dev/null 2>&1 || nok "gen b failed"
"$LOOKBACK" gen -o "$T_TMP/c.pcap" -n 1500 --seed 3 --names 300 --start 1700086400 > /dev/null 2>&1 || nok "gen c failed"

DB=$T_TMP/db
ingest() { # $1 pcap, $2 sensor
	"$LOOKBACK" capture -r "$T_TMP/$1" --db "$DB" --sensor "$2" > /dev/null 2> "$T_TMP/cap.err" ||
		nok "capture $1 --sensor $2 failed: $(head -c 300 "$T_TMP/cap.err")"
	"$LOOKBACK" capture -r "$T_TMP/$1" --jsonl --sensor "$2" 2> /dev/null >> "$T_TMP/obs.jsonl"
}
ingest a.pcap s1
ingest b.pcap s2
ingest c.pcap s2
"$LOOKBACK" export --db "$DB" -r '*' > "$T_TMP/rrsets.cof" 2> /dev/null
"$LOOKBACK" export --db "$DB" -i 0.0.0.0/0 > "$T_TMP/ip4.cof" 2> /dev/null
"$LOOKBACK" query --db "$DB" -r '*' -t ALL -l 0 -f cof > "$T_TMP/rrsets.q.cof" 2> /dev/null

python3 - "$T_TMP" > "$T_TMP/py.out" 2> "$T_TMP/py.err" <<'EOF'
import json, sys, collections
tmp = sys.argv[1]
res = []
def report(ok, what):
    res.append(("ok" if ok else "not ok", what))
want = collections.defaultdict(set)
for l in open(tmp + "/obs.jsonl"):
    o = json.loads(l)
    if o.get("negative") or o.get("class", "IN") != "IN":
        continue
    b = o.get("bailiwick")
    if b is None and o["section"] != "answer":
        continue
    want[(o["rrname"].lower(), o["rrtype"], b or "", tuple(o["rdata"]))].add(o["sensor_id"])
ORDER = {"s1": 0, "s2": 1}   # ids in the order the store first met them
def names(r):
    s = r.get("sensor_ids")
    if s is not None:
        if len(s) < 2 or s[0] != r.get("sensor_id"):
            return None  # sensor_ids only with 2+, and the first is sensor_id
        return s
    return [r["sensor_id"]] if "sensor_id" in r else []
got = {}
bad_form = 0
for l in open(tmp + "/rrsets.cof"):
    r = json.loads(l)
    n = names(r)
    if n is None or n != sorted(n, key=lambda x: ORDER.get(x, 9)):
        bad_form += 1
        continue
    got[(r["rrname"], r["rrtype"] if isinstance(r["rrtype"], str) else "TYPE%d" % r["rrtype"],
         r.get("bailiwick", ""), tuple(r["rdata"]))] = set(n)
report(bad_form == 0, "sensor_id / sensor_ids well formed, in id order (%d bad)" % bad_form)
report(len(got) == len(want) and len(got) > 500, "rrset count %d == %d" % (len(got), len(want)))
diff = [k for k in want if got.get(k) != want[k]]
report(not diff, "every rrset names exactly the sources that saw it (%d differ%s)" %
       (len(diff), (": %r want %r got %r" % (diff[0], want[diff[0]], got.get(diff[0]))) if diff else ""))
both = sum(1 for v in want.values() if len(v) == 2)
only = {s: sum(1 for v in want.values() if v == {s}) for s in ("s1", "s2")}
report(both > 50 and only["s1"] > 50 and only["s2"] > 50,
       "the captures overlap: %d rrsets seen by both, %d by s1 only, %d by s2 only" % (both, only["s1"], only["s2"]))
# address entries: the union over every rrset holding the address under that owner
wip = collections.defaultdict(set)
for k, v in want.items():
    if k[1] == "A":
        for rd in k[3]:
            wip[(k[0], rd)] |= v
gip = {}
for l in open(tmp + "/ip4.cof"):
    r = json.loads(l)
    gip[(r["rrname"], r["rdata"][0])] = set(names(r) or [])
dip = [k for k in wip if gip.get(k) != wip[k]]
report(len(gip) == len(wip) and not dip, "every A rdata entry names its sources (%d entries, %d differ)" % (len(wip), len(dip)))
# query -f cof: sensor_id only, the first source of the rrset's union over its bailiwicks
wq = collections.defaultdict(set)
for k, v in want.items():
    wq[(k[0], k[1], k[3])] |= v
gq, extra = {}, 0
for l in open(tmp + "/rrsets.q.cof"):
    r = json.loads(l)
    extra += "sensor_ids" in r or "sensor_ids_more" in r
    gq[(r["rrname"], r["rrtype"] if isinstance(r["rrtype"], str) else "TYPE%d" % r["rrtype"],
        tuple(r["rdata"]))] = r.get("sensor_id")
dq = [k for k in wq if gq.get(k) != min(wq[k], key=lambda x: ORDER[x])]
report(extra == 0 and len(gq) == len(wq) and not dq,
       "query -f cof: sensor_id is the first source, no sensor_ids (%d objects, %d differ, %d with sensor_ids)" %
       (len(gq), len(dq), extra))
# one rrset of each kind for the text / CSV checks below
pick = {}
for k, v in sorted(want.items()):
    if k[1] == "A" and len(k[3]) == 1:
        pick.setdefault(len(v), k)
with open(tmp + "/pick", "w") as f:
    for n in (1, 2):
        k = pick[n]
        f.write("%s %s %s\n" % (k[0], k[3][0], ",".join(sorted(want[k], key=lambda x: ORDER[x]))))
for st, what in res:
    print("%s - %s" % (st, what))
EOF
if [ -s "$T_TMP/py.out" ]; then
	while read -r st rest; do
		if [ "$st" = ok ]; then ok "${rest#- }"; else nok "${rest#- }"; fi
	done < <(sed 's/^not ok/nok/' "$T_TMP/py.out")
else
	nok "source comparison did not run: $(head -c 300 "$T_TMP/py.err")"
fi

# ---- text and CSV ----
while read -r name addr srcs; do
	want_text=";; sources: ${srcs//,/, }"
	"$LOOKBACK" query --db "$DB" -r "$name" -t A -l 0 > "$T_TMP/q.txt" 2> /dev/null
	check "text output of $name has '$want_text'" grep -qxF "$want_text" "$T_TMP/q.txt"
	"$LOOKBACK" query --db "$DB" -r "$name" -t A -l 0 -f csv > "$T_TMP/q.csv" 2> /dev/null
	check "CSV header ends with sources" test "$(head -1 "$T_TMP/q.csv" | awk -F, '{print $NF}')" = sources
	check "CSV row of $name $addr ends with ${srcs//,/;}" grep -q "^$name,A,,$addr,.*,${srcs//,/;}\$" "$T_TMP/q.csv"
done < "$T_TMP/pick"

# ---- import --source, and records' own sources ----
cat > "$T_TMP/feed.cof" << 'EOF'
{"rrname":"feed.example.","rrtype":"A","rdata":["192.0.2.7"],"time_first":1700000000,"time_last":1700000100,"count":3}
{"rrname":"own.example.","rrtype":"A","rdata":["192.0.2.8"],"time_first":1700000000,"time_last":1700000100,"count":2,"sensor_id":"x1","sensor_ids":["x1","x2"]}
EOF
"$LOOKBACK" import --db "$T_TMP/feed" --format cof --source feedA "$T_TMP/feed.cof" > /dev/null 2>&1
"$LOOKBACK" export --db "$T_TMP/feed" -r '*.example' > "$T_TMP/feed.out" 2> /dev/null
check "import --source feedA: every record shows feedA only" \
	test "$(grep -c '"sensor_id":"feedA"}' "$T_TMP/feed.out")" -eq 2 -a "$(grep -c sensor_ids "$T_TMP/feed.out")" -eq 0
"$LOOKBACK" import --db "$T_TMP/own" --format cof "$T_TMP/feed.cof" > /dev/null 2>&1
"$LOOKBACK" export --db "$T_TMP/own" -r own.example > "$T_TMP/own.out" 2> /dev/null
check "import without --source keeps a record's sensor_ids" grep -q '"sensor_id":"x1","sensor_ids":\["x1","x2"\]' "$T_TMP/own.out"
"$LOOKBACK" query --db "$T_TMP/own" -r feed.example -l 0 -f cof > "$T_TMP/own.out" 2> /dev/null
check "import without --source: a record without sensor_id gets the format name" grep -q '"sensor_id":"cof"}' "$T_TMP/own.out"

# ---- export / import round trip ----
"$LOOKBACK" export --db "$DB" > "$T_TMP/exp.cof" 2> /dev/null
"$LOOKBACK" import --db "$T_TMP/db2" --format cof "$T_TMP/exp.cof" > /dev/null 2>&1
"$LOOKBACK" export --db "$T_TMP/db2" -r '*' > "$T_TMP/rrsets2.cof" 2> /dev/null
check "export | import keeps every record's sources ($(wc -l < "$T_TMP/rrsets.cof") rrsets)" \
	cmp -s <(sort "$T_TMP/rrsets.cof") <(sort "$T_TMP/rrsets2.cof")

# ---- --send: names on the wire, the collector's own ids ----
if ! "$LOOKBACK" serve --help 2>&1 | grep -q -- '--ingest'; then
	skip "store_sources --send: lookback serve has no --ingest"
	exit 0
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HP=$(free_port)
"$LOOKBACK" serve --db "$T_TMP/coll" --listen "127.0.0.1:$HP" --ingest 127.0.0.1:0 \
	--ingest-port-file "$T_TMP/ip" 2>> "$T_TMP/serve.err" &
SERVE_PID=$!
trap 'kill $SERVE_PID 2> /dev/null; wait $SERVE_PID 2> /dev/null; rm -rf "$T_TMP"' EXIT
for _ in $(seq 100); do
	[ -s "$T_TMP/ip" ] && curl -s -o /dev/null "http://127.0.0.1:$HP/healthz" && break
	sleep 0.05
done
IP=$(cat "$T_TMP/ip" 2> /dev/null)
for x in "c.pcap s2" "a.pcap s1" "b.pcap s2"; do
	set -- $x
	"$LOOKBACK" capture -r "$T_TMP/$1" --send "127.0.0.1:$IP" --sensor "$2" > /dev/null 2>> "$T_TMP/send.err" ||
		nok "capture $1 --send failed: $(tail -c 300 "$T_TMP/send.err")"
done
kill $SERVE_PID 2> /dev/null
wait $SERVE_PID 2> /dev/null
"$LOOKBACK" export --db "$T_TMP/coll" -r '*' > "$T_TMP/coll.cof" 2> /dev/null
python3 - "$T_TMP/rrsets.cof" "$T_TMP/coll.cof" > "$T_TMP/py2.out" 2>&1 <<'EOF'
import json, sys
def load(f):
    d = {}
    for l in open(f):
        r = json.loads(l)
        n = r.get("sensor_ids") or ([r["sensor_id"]] if "sensor_id" in r else [])
        d[(r["rrname"], str(r["rrtype"]), r.get("bailiwick", ""), tuple(r["rdata"]))] = (r["count"], frozenset(n), n[0] if n else None)
    return d
a, b = load(sys.argv[1]), load(sys.argv[2])
same = len(a) == len(b) and all(b.get(k, (0, 0))[:2] == v[:2] for k, v in a.items())
# the collector met s2 first: where both saw an rrset, it names s2 first
order = all(b[k][2] == "s2" for k, v in a.items() if len(v[1]) == 2 and k in b)
print("ok" if same and order and len(a) > 500 else "not ok", len(a), len(b))
EOF
check "--send to a collector: the same sources per rrset, numbered by the collector ($(cat "$T_TMP/py2.out"))" \
	grep -q "^ok" "$T_TMP/py2.out"
