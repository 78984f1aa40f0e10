#!/bin/bash
# serve_circl_pages: the CIRCL API pages without its dribble headers.  An
# answer is cut at the limit (default 10000) and names its next page in the
# x-dribble-cursor header, which a client that sends no headers of its own
# could not give back: DNSDB's offset= (and limit=) page the same way, so such
# a client gets every result of a query with more than 10000.
. "$(dirname "$0")/lib.sh"
command -v curl > /dev/null || { skip "curl is not installed"; exit 0; }
D=$T_TMP/db
# 12000 A rrsets below big.test., and 500 CNAMEs there whose targets are
# there too (each found by owner and by rdata name: one object)
python3 - > "$T_TMP/big.json" <<'P'
for i in range(12000):
    print('{"rrname":"h%d.big.test.","rrtype":"A","rdata":["10.%d.%d.%d"],"time_first":1700000000,"time_last":1700000100,"count":1}'
          % (i, i >> 16, (i >> 8) & 255, i & 255))
for i in range(500):
    print('{"rrname":"c%d.big.test.","rrtype":"CNAME","rdata":["h%d.big.test."],"time_first":1700000000,"time_last":1700000100,"count":1}'
          % (i, i))
P
"$LOOKBACK" import -q --format cof --db "$D" "$T_TMP/big.json"
check "a store with 12500 rrsets below big.test." test $? -eq 0
serve_start "$D"
[ -n "$PORT" ] || { nok "serve started: $(cat "$T_TMP/serve.err")"; exit 0; }
U=http://127.0.0.1:$PORT/pdns/query/*.big.test

# get OUT [CURL-ARGS...] URL: the answer in OUT, its headers in OUT.hdr
get() { local o=$1; shift; curl -s --max-time 60 -D "$o.hdr" -o "$o" "$@"; }
cursor() { tr -d '\r' < "$1.hdr" | awk 'tolower($1) == "x-dribble-cursor:" { print $2 }'; }
# keys FILE: its objects' (rrname, rrtype, rdata), one per line
keys() { python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    print(o["rrname"], o["rrtype"], json.dumps(o["rdata"]))' "$1"; }

get "$T_TMP/p0" "$U"
check "no header, no parameter: the first 10000, x-dribble-cursor 10000 ($(wc -l < "$T_TMP/p0"), '$(cursor "$T_TMP/p0")')" \
	bash -c "[ \$(wc -l < '$T_TMP/p0') = 10000 ] && [ '$(cursor "$T_TMP/p0")' = 10000 ]"

# a client without headers: offset= from 0 in steps of the page it got,
# until a page is short (at most 5 pages)
: > "$T_TMP/all"
off=0 pages=0
while [ $pages -lt 5 ]; do
	get "$T_TMP/pg" "$U?offset=$off"
	n=$(wc -l < "$T_TMP/pg")
	cat "$T_TMP/pg" >> "$T_TMP/all"
	pages=$((pages + 1))
	off=$((off + n))
	[ "$n" -lt 10000 ] && break
done
keys "$T_TMP/all" | sort > "$T_TMP/all.keys"
check "offset= pages without headers: every object once ($pages pages, $(wc -l < "$T_TMP/all") objects, $(sort -u "$T_TMP/all.keys" | wc -l) distinct)" \
	bash -c "[ $pages = 2 ] && [ \$(wc -l < '$T_TMP/all') = 12500 ] && [ \$(sort -u '$T_TMP/all.keys' | wc -l) = 12500 ]"
check "... the last page (offset=10000) is the 2500 left, without x-dribble-cursor" \
	bash -c "[ \$(wc -l < '$T_TMP/pg') = 2500 ] && [ -z '$(cursor "$T_TMP/pg")' ]"
# the pages are the answer the dribble headers page through
get "$T_TMP/h1" -H "dribble-paginate-cursor: 10000" "$U"
check "offset=10000 = dribble-paginate-cursor: 10000" cmp -s "$T_TMP/pg" "$T_TMP/h1"
get "$T_TMP/l1" "$U?limit=0"
keys "$T_TMP/l1" | sort > "$T_TMP/l1.keys"
check "limit=0: all 12500 in one answer, the same objects, no cursor" \
	bash -c "cmp -s '$T_TMP/l1.keys' '$T_TMP/all.keys' && [ -z '$(cursor "$T_TMP/l1")' ]"
get "$T_TMP/l2" "$U?limit=4000&offset=6000"
check "limit=4000&offset=6000: 4000, x-dribble-cursor 10000 ($(wc -l < "$T_TMP/l2"), '$(cursor "$T_TMP/l2")')" \
	bash -c "[ \$(wc -l < '$T_TMP/l2') = 4000 ] && [ '$(cursor "$T_TMP/l2")' = 10000 ] && cmp -s '$T_TMP/l2' <(sed -n 6001,10000p '$T_TMP/l1')"
get "$T_TMP/h2" -H "dribble-paginate-cursor: 12000" -H "dribble-paginate-count: 100" "$U?offset=3&limit=7"
check "the dribble headers win over offset= and limit= ($(wc -l < "$T_TMP/h2") objects)" \
	bash -c "cmp -s '$T_TMP/h2' <(sed -n 12001,12100p '$T_TMP/l1')"
check "offset= past the server's offset_max: 416" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$U?offset=1000001")" = 416
check "offset= not a number: 400" \
	test "$(curl -s -o /dev/null -w '%{http_code}' "$U?offset=x")" = 400
echo "1..$T_N"
