#!/bin/bash
# export: `lookback export` end to end.  A generated capture is ingested with
# capture --db; the store is exported (COF), the export imported into an
# empty store, and both stores must answer every lookup identically (query
# --format cof over rrset wildcards, rdata ip CIDR, rdata name, negatives),
# and export again byte for byte.  The zone view, read back by import
# --format zone, must give the same RRs (owner/type/rdata).  Also: query
# exports equal query output, compressed output, --no-negative, usage errors.
. "$(dirname "$0")/lib.sh"

X() { "$LOOKBACK" export "$@"; }
d1="$T_TMP/d1" d2="$T_TMP/d2"

for args in "" "--db" "--db $T_TMP/x -r a -n b" "--db $T_TMP/x -f bogus" "--db $T_TMP/x --sort first" \
	    "--db $T_TMP/x -i 300.1.1.1" "--db $T_TMP/x extra"; do
	X $args > /dev/null 2> "$T_TMP/err"; rc=$?
	if [ $rc -eq 2 ] && [ -s "$T_TMP/err" ]; then ok "usage error exits 2: '$args'"; else nok "usage error exits 2: '$args' (got $rc)"; fi
done
X --db "$T_TMP/none" > /dev/null 2>&1; check "missing store exits 3" test $? -eq 3

"$LOOKBACK" gen -o "$T_TMP/c.pcap" -n 30000 --names 400 --seed 7 || { nok "gen failed"; exit 0; }
"$LOOKBACK" capture -r "$T_TMP/c.pcap" --db "$d1" > /dev/null 2> "$T_TMP/cap.err" || { nok "capture --db failed: $(head -c 300 "$T_TMP/cap.err")"; exit 0; }

X --db "$d1" > "$T_TMP/all.cof"; rc=$?
check "export exits 0" test $rc -eq 0
n=$(grep -c . "$T_TMP/all.cof"); nn=$(grep -c '"negative":true' "$T_TMP/all.cof")
ns=$(grep -c '^{"source":' "$T_TMP/all.cof")
check "export has rrsets ($n lines) and negative answers ($nn)" test "$n" -gt 1000 -a "$nn" -gt 10
check "export begins with its source's line ($ns)" \
	bash -c "test $ns -eq 1 && head -1 '$T_TMP/all.cof' | grep -q '^{\"source\":\"[^\"]*\",\"time_first\":[0-9]*,\"time_last\":[0-9]*,\"count\":[0-9]*}\$'"
X --db "$d1" --no-negative > "$T_TMP/pos.cof"
check "--no-negative leaves exactly the negative answers and the source lines out" \
	test "$(grep -c . "$T_TMP/pos.cof")" -eq $((n - nn - ns)) -a "$(grep -c 'negative\|"source"' "$T_TMP/pos.cof")" -eq 0
X --db "$d1" --negative '*.com' --no-negative > /dev/null 2> "$T_TMP/nn.err"; rc=$?
check "--no-negative with a lookup: usage error ($rc), not silently ignored" \
	bash -c "test $rc -eq 2 && grep -q 'full dump' '$T_TMP/nn.err'"
X --db "$d1" -o "$T_TMP/all.cof.gz" && zcat "$T_TMP/all.cof.gz" | cmp -s - "$T_TMP/all.cof"
check "-o FILE.gz writes the same records gzip-compressed" test $? -eq 0
if command -v zstdcat > /dev/null; then
	X --db "$d1" -o "$T_TMP/all.cof.zst" && zstdcat -q "$T_TMP/all.cof.zst" | cmp -s - "$T_TMP/all.cof"
	check "-o FILE.zst writes the same records zstd-compressed" test $? -eq 0
else
	skip "zstdcat absent"
fi
if command -v xzcat > /dev/null; then
	# (it was written uncompressed under the .xz name)
	X --db "$d1" -o "$T_TMP/all.cof.xz" && xzcat "$T_TMP/all.cof.xz" | cmp -s - "$T_TMP/all.cof"
	check "-o FILE.xz writes the same records xz-compressed" test $? -eq 0
else
	skip "xzcat absent"
fi
X --db "$d1" -l 5 > "$T_TMP/l5.cof" 2> "$T_TMP/l5.err"
check "-l 5 writes 5 records and says more exist" test "$(grep -c . "$T_TMP/l5.cof")" -eq 5 -a -s "$T_TMP/l5.err"
check "... and no source line (a part of the store)" test "$(grep -c '"source"' "$T_TMP/l5.cof")" -eq 0

"$LOOKBACK" import --format cof --db "$d2" "$T_TMP/all.cof" > /dev/null 2> "$T_TMP/imp.err"
check "import --format cof of the export succeeds" test $? -eq 0
X --db "$d2" > "$T_TMP/all2.cof"
check "re-exported store is identical record by record" cmp -s "$T_TMP/all.cof" "$T_TMP/all2.cof"
# the sources' freshness (stats: oldest/newest data, each source's newest,
# oldest and observations) comes back too: the import noted each entry's
# first time, its count and its negative answers (it noted the newest time as
# the oldest, one observation per rrset and nothing for a negative answer)
"$LOOKBACK" stats --db "$d1" | grep -E '^(oldest|newest|sources|  )' > "$T_TMP/st1"
"$LOOKBACK" stats --db "$d2" | grep -E '^(oldest|newest|sources|  )' > "$T_TMP/st2"
check "stats of the imported store: the same span and sources ($(grep -c . "$T_TMP/st1") lines)" cmp -s "$T_TMP/st1" "$T_TMP/st2"

# two sources that saw one rrset at different times: the store keeps each
# source's own freshness, which no record carries (a record names the
# sources that saw it, not when each did); the export's source lines carry
# it.  Without them the import took each source's newest from the merged
# records it was named in: "old" newest 2023-11-21 (it was 2023-11-14),
# "new" oldest 2023-11-14, observations 6 and 0 (3 and 3)
printf '%s\n' '{"rrname":"a.example.","rrtype":"A","rdata":["192.0.2.1"],"time_first":1700000000,"time_last":1700000100,"count":2,"sensor_id":"old"}' \
	'{"rrname":"a.example.","rrtype":"A","rdata":["192.0.2.1"],"time_first":1700500000,"time_last":1700600000,"count":3,"sensor_id":"new"}' \
	'{"rrname":"b.example.","rrtype":"A","rdata":["192.0.2.2"],"time_first":1700000000,"time_last":1700000050,"count":1,"sensor_id":"old"}' \
	'{"rrname":"nx.example.","rrtype":"A","negative":true,"rcode":"NXDOMAIN","rdata":[],"time_first":1700700000,"time_last":1700700000,"count":4,"sensor_id":"neg"}' > "$T_TMP/two.cof"
"$LOOKBACK" import -f cof --db "$T_TMP/s1" "$T_TMP/two.cof" > /dev/null 2>&1
X --db "$T_TMP/s1" -o "$T_TMP/s1.cof"
"$LOOKBACK" import --db "$T_TMP/s2" "$T_TMP/s1.cof" > /dev/null 2> "$T_TMP/s2.err"
check "import (format detected) of an export with three sources exits 0, reads their lines" \
	grep -q '^import: 3 source lines' "$T_TMP/s2.err"
"$LOOKBACK" stats --db "$T_TMP/s1" | grep -E '^(oldest|newest|sources|  )' > "$T_TMP/ss1"
"$LOOKBACK" stats --db "$T_TMP/s2" | grep -E '^(oldest|newest|sources|  )' > "$T_TMP/ss2"
check "... each source's newest, oldest and observations as they were" \
	bash -c "cmp -s '$T_TMP/ss1' '$T_TMP/ss2' && grep -q '^  old .*newest 2023-11-14T22:15:00Z  oldest 2023-11-14T22:13:20Z  observations 3\$' '$T_TMP/ss2'"
X --db "$T_TMP/s2" -o "$T_TMP/s2.cof"
check "... and exports the same again" cmp -s "$T_TMP/s1.cof" "$T_TMP/s2.cof"

# lookups chosen from the data: the busiest parent domain, a /16 of an A
# record, CNAME/NS targets, NXDOMAIN names
python3 - "$T_TMP/all.cof" > "$T_TMP/lookups" <<'PY'
import json, sys, collections, ipaddress
par = collections.Counter(); nets = []; names = []; negs = []
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "source" in o:
        continue
    labels = o["rrname"].rstrip(".").split(".")
    if o.get("negative"):
        negs.append(o["rrname"]); continue
    if len(labels) > 2:
        par[".".join(labels[-2:])] += 1
    if o["rrtype"] == "A" and len(nets) < 2:
        nets.append(str(ipaddress.ip_network(o["rdata"][0] + "/16", strict=False)))
    if o["rrtype"] == "AAAA" and len(nets) < 3:
        nets.append(str(ipaddress.ip_network(o["rdata"][0] + "/32", strict=False)))
    if o["rrtype"] in ("CNAME", "NS") and len(names) < 3:
        names.append(o["rdata"][0])
for p, _ in par.most_common(2):
    print("-r\t*." + p); print("-n\t*." + p)
top = max(par, key=par.get)
first = [l for l in open(sys.argv[1]) if json.loads(l).get("rrname", "").endswith("." + top + ".")][0]
print("-r\t" + json.loads(first)["rrname"].split(".")[0] + ".*")
for x in nets: print("-i\t" + x)
for x in names: print("-n\t" + x)
for x in negs[:3]: print("--negative\t" + x)
print("--negative\t*." + ".".join(negs[0].rstrip(".").split(".")[-2:]))
PY
nl=$(grep -c . "$T_TMP/lookups")
check "lookups chosen from the data ($nl)" test "$nl" -ge 8
while IFS=$'\t' read -r opt val; do
	"$LOOKBACK" query --db "$d1" "$opt" "$val" -t ALL -l 0 -f cof > "$T_TMP/q1" 2>/dev/null; r1=$?
	"$LOOKBACK" query --db "$d2" "$opt" "$val" -t ALL -l 0 -f cof > "$T_TMP/q2" 2>/dev/null; r2=$?
	if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && cmp -s "$T_TMP/q1" "$T_TMP/q2"; then
		ok "same answer from both stores: $opt $val ($(grep -c . "$T_TMP/q1") records)"
	else
		nok "answers differ: $opt $val (rc $r1/$r2): $(diff "$T_TMP/q1" "$T_TMP/q2" | head -4)"
	fi
	X --db "$d1" "$opt" "$val" > "$T_TMP/x1"
	if [ "$opt" = "--negative" ]; then
		# export writes negatives with "negative":true; compare the keys query prints
		python3 -c 'import json,sys
a=[(o["rrname"],o["rrtype"],o["rcode"],o["count"]) for o in map(json.loads,open(sys.argv[1]))]
b=[(o["rrname"],o["rrtype"],o["rcode"],o["count"]) for o in map(json.loads,open(sys.argv[2]))]
sys.exit(a!=b)' "$T_TMP/q1" "$T_TMP/x1"
		check "export $opt $val equals query's result" test $? -eq 0
	else
		check "export $opt $val equals query's result" cmp -s "$T_TMP/q1" "$T_TMP/x1"
	fi
done < "$T_TMP/lookups"

# zone view read back by the zone importer: the same RRs
X --db "$d1" -f zone -o "$T_TMP/all.zone"
check "zone view: no negative answer outside comments" test "$(grep -v '^;' "$T_TMP/all.zone" | grep -c negative)" -eq 0
"$LOOKBACK" import --format zone --jsonl "$T_TMP/all.zone" > "$T_TMP/zone.jsonl" 2> "$T_TMP/zone.err"
check "import --format zone reads the zone view without bad lines" test $? -eq 0
python3 - "$T_TMP/pos.cof" "$T_TMP/zone.jsonl" > "$T_TMP/zcmp" 2>&1 <<'PY'
import json, sys
def rrs(path):
    s = set()
    for line in open(path):
        o = json.loads(line)
        for r in o["rdata"]:
            s.add((o["rrname"], o["rrtype"], r))
    return s
a, b = rrs(sys.argv[1]), rrs(sys.argv[2])
sets = lambda s: {(x[0], x[1]) for x in s}
ok = a == b and len(a) > 0
print("%d RRs in %d owner/type sets, %d missing, %d extra" % (len(a), len(sets(a)), len(a - b), len(b - a)))
for x in sorted(a - b)[:3]: print("missing", x)
for x in sorted(b - a)[:3]: print("extra", x)
sys.exit(0 if ok else 1)
PY
check "zone view read back gives the same RRs: $(head -1 "$T_TMP/zcmp")" test $? -eq 0

# timelines: an rrset seen on days apart keeps the days it was seen on (query
# -g, one row per run) through export and import; the export wrote only first,
# last and count, and the import made every day in between active
t0=1700000000
python3 - "$t0" > "$T_TMP/days.cof" <<'PY'
import json, sys
t = int(sys.argv[1])
for d, c in ((0, 3), (1, 2), (10, 5), (40, 1)):
    print(json.dumps({"rrname": "www.days.example.", "rrtype": "A", "rdata": ["192.0.2.7"],
                      "time_first": t + d * 86400, "time_last": t + d * 86400 + 60, "count": c}))
print(json.dumps({"rrname": "one.days.example.", "rrtype": "A", "rdata": ["192.0.2.8"],
                  "time_first": t, "time_last": t + 3 * 86400, "count": 4}))
# what a capture with a zero timestamp leaves (its day 0 active, time_first
# the earliest non-zero time): exported so, it must import again
print(json.dumps({"rrname": "zero.days.example.", "rrtype": "A", "rdata": ["192.0.2.10"],
                  "time_first": t, "time_last": t, "count": 4, "days_active": [[0, 1, 2], [t // 86400, 1, 2]]}))
PY
"$LOOKBACK" import -f cof --db "$T_TMP/t1" "$T_TMP/days.cof" > /dev/null 2>&1
X --db "$T_TMP/t1" -o "$T_TMP/t1.cof"
"$LOOKBACK" import -f cof --db "$T_TMP/t2" "$T_TMP/t1.cof" > /dev/null 2>&1
check "import of an export with timelines exits 0" test $? -eq 0
check "... which wrote them (days_active)" test "$(grep -c days_active "$T_TMP/t1.cof")" -eq 2
X --db "$T_TMP/t2" -o "$T_TMP/t2.cof"
check "... and exports the same again" cmp -s "$T_TMP/t1.cof" "$T_TMP/t2.cof"
"$LOOKBACK" query --db "$T_TMP/t1" -r '*.days.example' -g -f cof > "$T_TMP/g1"
"$LOOKBACK" query --db "$T_TMP/t2" -r '*.days.example' -g -f cof > "$T_TMP/g2"
n1=$(grep -c . "$T_TMP/g1")
cmp -s "$T_TMP/g1" "$T_TMP/g2"
check "query -g gives the same runs from both stores ($n1 rows, 6 expected)" test $? -eq 0 -a "$n1" -eq 6
printf '%s\n' '{"rrname":"bad.days.example.","rrtype":"A","rdata":["192.0.2.9"],"time_first":1700000000,"time_last":1700090000,"count":2,"days_active":[[19675,1,1],[19676,1,1]]}' \
	'{"rrname":"bad.days.example.","rrtype":"A","rdata":["192.0.2.9"],"time_first":1700000000,"time_last":1700090000,"count":3,"days_active":[[19675,1,1],[19677,1,1]]}' \
	'{"rrname":"bad.days.example.","rrtype":"A","rdata":["192.0.2.9"],"time_first":1700000000,"time_last":1700090000,"count":2,"days_active":[[19675,1,1],[19699,1,1]]}' > "$T_TMP/baddays.cof"
"$LOOKBACK" import -f cof --db "$T_TMP/t3" "$T_TMP/baddays.cof" > /dev/null 2> "$T_TMP/baddays.err"
check "days_active that touch, do not add up or end past the last seen day are bad lines (exit 2, 3 bad)" \
	grep -q 'bad_fields *3\|bad_fields: *3\|3 bad_fields\|bad_fields 3' "$T_TMP/baddays.err"

# an rrset seen by more sources than a value keeps (16): the store marks that
# more saw it (text ", ...") and the export says so (sensor_ids_more), which
# the import keeps; it was lost, and the imported store claimed the 16 alone
python3 -c 'import json
for i in range(18):
    print(json.dumps({"rrname": "many.example.", "rrtype": "A", "rdata": ["192.0.2.1"], "time_first": 1700000000 + i,
                      "time_last": 1700000000 + i, "count": 1, "sensor_id": "src%02d" % i}))' > "$T_TMP/many.cof"
"$LOOKBACK" import -f cof --db "$T_TMP/m1" "$T_TMP/many.cof" > /dev/null 2>&1
X --db "$T_TMP/m1" -o "$T_TMP/m1.cof"
"$LOOKBACK" import -f cof --db "$T_TMP/m2" "$T_TMP/m1.cof" > /dev/null 2>&1
X --db "$T_TMP/m2" -o "$T_TMP/m2.cof"
check "more than 16 sources: export, import and export again give the same record" cmp -s "$T_TMP/m1.cof" "$T_TMP/m2.cof"
"$LOOKBACK" query --db "$T_TMP/m2" -r many.example > "$T_TMP/m2.txt"
check "... and the imported store still says more sources saw it" grep -q '^;; sources: src00,.*src15, \.\.\.$' "$T_TMP/m2.txt"
