#!/bin/bash
# Scenario: `lookback import` on logs other projects' test suites wrote
# (../shared/data/captures, see PROVENANCE.md), checked against independent
# counts (jq over the same logs) and, for Zeek dns.log baselines, against
# `lookback capture` decoding the very pcap Zeek read.  Plus compressed input,
# stdin, exit codes, the bad-line summary and --strict.
. "$(dirname "$0")/lib.sh"
need_shared "import real logs" || exit 0
command -v jq >/dev/null || { skip "jq not installed"; exit 0; }

# one normalized line per observation: [rrname,rrtype,sorted rdata] / ["NEG",qname,qtype,rcode]
norm() { jq -c 'if .negative then ["NEG",.qname,.qtype,.rcode] else [.rrname,.rrtype,(.rdata|sort)] end' | sort -u; }

# ---- Route 53 Resolver query log (33 real lines) ----
R53=$CAPTURES/elastic_route53_resolver_query_log.jsonl
if [ -e "$R53" ]; then
	"$LOOKBACK" import --jsonl "$R53" > "$T_TMP/r53.jsonl" 2> "$T_TMP/r53.err"
	check "route53: auto-detected, every line read, exit 0" [ $? -eq 0 ]
	want=$(jq -r 'select(.rcode=="NXDOMAIN") | .query_name' "$R53" | wc -l)
	got=$(jq -r 'select(.negative and .rcode=="NXDOMAIN") | .qname' "$T_TMP/r53.jsonl" | wc -l)
	check "route53: one NXDOMAIN negative per NXDOMAIN line ($want)" [ "$want" -eq "$got" -a "$want" -gt 0 ]
	want=$(jq -r 'select(.firewall_rule_action!="BLOCK") | .answers[] | select(.Type=="CNAME") | .Rdata' "$R53" | wc -l)
	got=$(jq -r 'select(.rrtype=="CNAME") | .rdata[]' "$T_TMP/r53.jsonl" | wc -l)
	check "route53: one CNAME link per logged CNAME answer ($want)" [ "$want" -eq "$got" ]
	check "route53: PTR record kept at its owner" grep -q '"rrname":"159.86.31.172.in-addr.arpa.","rrtype":"PTR","class":"IN","rdata":\["ip-172-31-86-159.ec2.internal."\]' "$T_TMP/r53.jsonl"
	# CNAME chain split: the A record belongs to the CNAME target, not to the query name
	check "route53: chain target owns the address" grep -q '"rrname":"s3-r-w.us-east-1.amazonaws.com.","rrtype":"A"' "$T_TMP/r53.jsonl"
	if jq -r 'select(.rrtype=="A") | .rrname' "$T_TMP/r53.jsonl" | grep -q '^amazonlinux-2-repos-us-east-1.s3.amazonaws.com.$'; then
		nok "route53: query name of a CNAME chain got an A record"
	else
		ok "route53: no A record glued to a CNAME'd query name"
	fi
	check "route53: DNS Firewall BLOCK answer not imported" sh -c "! grep -q 203.0.113.9 '$T_TMP/r53.jsonl'"
	check "route53: counted as policy_answer" grep -q 'skipped 1 policy_answer' "$T_TMP/r53.err"
	check "route53: no client address in the output" sh -c "! grep -q '172.31.86.159\"' '$T_TMP/r53.jsonl' && ! grep -q srcaddr '$T_TMP/r53.jsonl'"
	# compressed and stdin give the same observations
	for z in gzip zstd xz; do
		command -v $z >/dev/null || { skip "$z tool absent"; continue; }
		$z -c < "$R53" > "$T_TMP/r53.$z"
		"$LOOKBACK" import -q --jsonl "$T_TMP/r53.$z" > "$T_TMP/r53.$z.jsonl"
		check "route53: $z-compressed file gives the same output" cmp -s "$T_TMP/r53.jsonl" "$T_TMP/r53.$z.jsonl"
	done
	"$LOOKBACK" import -q --jsonl - < "$T_TMP/r53.gzip" > "$T_TMP/r53.stdin.jsonl"
	check "route53: gzip on stdin gives the same output" cmp -s "$T_TMP/r53.jsonl" "$T_TMP/r53.stdin.jsonl"
	head -c 60 "$T_TMP/r53.gzip" > "$T_TMP/cut.gz"
	"$LOOKBACK" import -q --jsonl "$T_TMP/cut.gz" > /dev/null 2> "$T_TMP/cut.err"
	check "a gzip file cut short: exit 3, saying the input is (not the store)" \
		bash -c "test $? -eq 3 && grep -q 'compressed input is corrupt, cut short' '$T_TMP/cut.err'"
else
	skip "route53 log absent"
fi

# ---- Zeek dns.log baselines vs. the pcaps they were made from ----
# btest masks timestamps as XXXXXXXXXX.XXXXXX: they are not times, so the
# importer refuses them (bad_time); the test substitutes a fixed time first.
n_logs=0; n_cmp=0
for log in "$CAPTURES"/zeek_*.pcap.dns.log; do
	[ -e "$log" ] || continue
	b=$(basename "$log" .dns.log)
	n_logs=$((n_logs + 1))
	sed 's/XXXXXXXXXX\.XXXXXX/1300000000.000000/' "$log" > "$T_TMP/z.log"
	if ! "$LOOKBACK" import -q -f zeek --jsonl "$T_TMP/z.log" > "$T_TMP/z.jsonl" 2> "$T_TMP/z.err"; then
		nok "zeek $b: import failed: $(head -3 "$T_TMP/z.err" | tr '\n' ' ')"
		continue
	fi
	pcap=$CAPTURES/$b
	[ -e "$pcap" ] || continue
	norm < "$T_TMP/z.jsonl" > "$T_TMP/z.norm"
	"$LOOKBACK" capture -r "$pcap" --jsonl 2>/dev/null | norm > "$T_TMP/c.norm"
	extra=$(comm -23 "$T_TMP/z.norm" "$T_TMP/c.norm")
	if [ -z "$extra" ]; then
		n_cmp=$((n_cmp + $(wc -l < "$T_TMP/z.norm")))
		ok "zeek $b: every imported rrset/negative ($(wc -l < "$T_TMP/z.norm")) is what capture decodes from the pcap"
	else
		nok "zeek $b: imported but not in the capture: $(echo "$extra" | head -3 | tr '\n' ' ')"
	fi
done
check "zeek: baselines found ($n_logs) and observations compared ($n_cmp)" [ "$n_logs" -gt 5 -a "$n_cmp" -gt 10 ]

W=$CAPTURES/zeek_wikipedia.pcap.dns.log
if [ -e "$W" ]; then
	sed 's/XXXXXXXXXX\.XXXXXX/1300000000.000000/' "$W" | "$LOOKBACK" import -q -f zeek --source zk1 --jsonl - > "$T_TMP/w.jsonl"
	check "zeek wikipedia: CNAME split (upload -> upload.pmtpa)" grep -q '"rrname":"upload.wikimedia.org.","rrtype":"CNAME","class":"IN","rdata":\["upload.pmtpa.wikimedia.org."\]' "$T_TMP/w.jsonl"
	check "zeek wikipedia: address on the chain's end" grep -q '"rrname":"upload.pmtpa.wikimedia.org.","rrtype":"A","class":"IN","rdata":\["208.80.152.3"\]' "$T_TMP/w.jsonl"
	check "zeek wikipedia: --source is the sensor_id" sh -c "[ \$(grep -c '\"sensor_id\":\"zk1\"' '$T_TMP/w.jsonl') -eq \$(wc -l < '$T_TMP/w.jsonl') ]"
	want=$(grep -v '^#' "$W" | awk -F'\t' '$16=="NXDOMAIN"' | wc -l)
	got=$(grep -c '"rcode":"NXDOMAIN"' "$T_TMP/w.jsonl")
	check "zeek wikipedia: NXDOMAIN rows ($want) = NXDOMAIN negatives" [ "$want" -eq "$got" ]
	# unmasked baseline: every data row is a bad_time line, reported with line numbers, exit 2
	"$LOOKBACK" import -f zeek "$W" > /dev/null 2> "$T_TMP/w.err"
	rc=$?
	check "zeek masked timestamps: exit 2" [ $rc -eq 2 ]
	check "zeek masked timestamps: summary names bad_time and the first line" grep -q "bad_time ($W:10, " "$T_TMP/w.err"
	"$LOOKBACK" import --strict -f zeek "$W" > /dev/null 2> "$T_TMP/w.err"
	check "zeek --strict: stops at the first bad line" grep -q 'bad 1 bad_time' "$T_TMP/w.err"
fi

# ---- Suricata: the EVE records suricata-verify expects, rebuilt from its checks ----
python3 -c 'import yaml' 2>/dev/null || { skip "python3-yaml absent: suricata checks not rebuilt"; exit 0; }
python3 - "$CAPTURES" > "$T_TMP/eve.json" <<'EOF'
import glob, json, re, sys, yaml
# Each check's "match" holds dotted paths (dns.answers[0].rrname: x) of an EVE
# record Suricata wrote; rebuild the record when it is a DNS answer.
def put(obj, path, val):
    parts = re.findall(r'[^.\[\]]+|\[\d+\]', path)
    cur = obj
    for i, p in enumerate(parts):
        last = i == len(parts) - 1
        nxt = None if last else parts[i + 1]
        if p.startswith('['):
            k = int(p[1:-1])
            while len(cur) <= k: cur.append(None)
            if last: cur[k] = val
            else:
                if cur[k] is None: cur[k] = [] if nxt.startswith('[') else {}
                cur = cur[k]
        else:
            if last: cur[p] = val
            else:
                if p not in cur: cur[p] = [] if nxt.startswith('[') else {}
                cur = cur[p]
n = 0
for f in sorted(glob.glob(sys.argv[1] + '/suricata_*.test.yaml')):
    try: doc = yaml.safe_load(open(f))
    except Exception: continue
    for c in (doc or {}).get('checks') or []:
        m = (c.get('filter') or {}).get('match') or {}
        if m.get('dns.type') not in ('answer', 'response'): continue
        if 'dns.rrname' not in m and 'dns.queries[0].rrname' not in m: continue
        if not any(k.startswith('dns.answers[') or k.startswith('dns.grouped') or k.startswith('dns.authorities[') for k in m): continue
        rec = {'timestamp': '2020-01-01T00:00:00.000000+0000', 'event_type': 'dns'}
        try:
            for k, v in m.items(): put(rec, k, v)
        except (TypeError, AttributeError): continue
        d = rec['dns']
        # checks list only some array items: records with holes are partial, skip them
        if any(x is None or 'rrname' not in x or 'rrtype' not in x
               for sec in ('answers', 'authorities', 'queries') for x in d.get(sec, [])): continue
        print(json.dumps(rec)); n += 1

EOF
n_eve=$(wc -l < "$T_TMP/eve.json")
check "suricata: EVE answer records rebuilt from suricata-verify checks ($n_eve)" [ "$n_eve" -gt 3 ]
"$LOOKBACK" import --jsonl "$T_TMP/eve.json" > "$T_TMP/eve.out" 2> "$T_TMP/eve.err"
check "suricata: imported without bad lines" [ $? -eq 0 ]
check "suricata: CNAME link www.suricata-ids.org" grep -q '"rrname":"www.suricata-ids.org.","rrtype":"CNAME","class":"IN","rdata":\["suricata-ids.org."\]' "$T_TMP/eve.out"
check "suricata: A rrset of two addresses at suricata-ids.org" grep -q '"rrname":"suricata-ids.org.","rrtype":"A","class":"IN","rdata":\["192.0.78.24","192.0.78.25"\]' "$T_TMP/eve.out"
want=$(jq -c '.dns | select(.answers) | .answers[] | select(.rrtype=="CNAME" and .rdata) | [.rrname, .rdata]' "$T_TMP/eve.json" | sort -u | wc -l)
got=$(jq -c 'select(.rrtype=="CNAME") | [.rrname, .rdata[0]]' "$T_TMP/eve.out" | sed 's/\.\"/"/g' | sort -u | wc -l)
check "suricata: every distinct detailed CNAME answer ($want) is one CNAME rrset" [ "$want" -eq "$got" -a "$want" -gt 0 ]

# ---- store round trip: query --format cof output imported into an empty store ----
if [ -e "$R53" ] && "$LOOKBACK" query --help >/dev/null 2>&1; then
	"$LOOKBACK" import -q --db "$T_TMP/db1" "$R53" "$T_TMP/eve.json"
	check "db: import into a new store" [ $? -eq 0 ]
	for q in '*.amazonaws.com' '*.suricata-ids.org' '*.in-addr.arpa'; do
		"$LOOKBACK" query --db "$T_TMP/db1" -r "$q" -t ALL -l 0 --format cof > "$T_TMP/q1.cof" 2>/dev/null
		"$LOOKBACK" import -q -f cof --db "$T_TMP/db2" "$T_TMP/q1.cof"
		"$LOOKBACK" query --db "$T_TMP/db2" -r "$q" -t ALL -l 0 --format cof > "$T_TMP/q2.cof" 2>/dev/null
		check "db round trip '$q': $(wc -l < "$T_TMP/q1.cof") records, same lookup after re-import" \
			sh -c "[ -s '$T_TMP/q1.cof' ] && cmp -s '$T_TMP/q1.cof' '$T_TMP/q2.cof'"
	done
else
	skip "db round trip: lookback query unavailable"
fi
