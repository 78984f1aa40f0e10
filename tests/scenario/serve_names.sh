#!/bin/bash
# serve_names: lookback's own endpoints, /lookback/v1/{names,domains}/
# {lookup,summarize}/ + a DNSDB lookup path, answer in SAF the rows that
# `lookback query --names/--domains -f json` prints (owner and rdata
# lookups, time fences, limit/offset, sort, summaries, a streamed answer);
# bad paths are 400 (404 off the API) with a one-line reason; API keys and
# /metrics as for the DNSDB paths.  And `query --batch` with --names /
# --domains: each line's rows are those of the lookup run alone.
. "$(dirname "$0")/lib.sh"
command -v curl > /dev/null || { skip "curl is not installed"; exit 0; }
command -v python3 > /dev/null || { skip "python3 is not installed"; exit 0; }
D=$T_TMP/db
"$LOOKBACK" gen -o "$T_TMP/g.pcap" -n 3000 --seed 11 --rate 50 || { nok gen; exit 0; }
"$LOOKBACK" capture -r "$T_TMP/g.pcap" --db "$D" > /dev/null 2>&1
check "capture --db" test -d "$D"
echo "alice alice-secret-0001" > "$T_TMP/keys"
serve_start "$D" --read-only --keys "$T_TMP/keys"
[ -n "$PORT" ] || { nok "serve started: $(cat "$T_TMP/serve.err")"; exit 0; }
U=http://127.0.0.1:$PORT
K="X-API-Key: alice-secret-0001"
# the data's times: the capture's first second and a fence inside it
T0=$("$LOOKBACK" query --db "$D" -r '*' -s -f json | python3 -c 'import json,sys; print(json.load(sys.stdin)["time_first"])')
T1=$((T0 + 30))

# same DESC COND PATH CLI-ARGS...: the answer at PATH is {"cond":"begin"},
# the CLI's JSON rows (or its summary) each as {"obj":...}, then COND
same() {
	local desc=$1 cond=$2 path=$3; shift 3
	"$LOOKBACK" query --db "$D" -f json "$@" > "$T_TMP/cli.json" 2> /dev/null
	curl -s -H "$K" -o "$T_TMP/http.json" "$U$path"
	if python3 - "$T_TMP/cli.json" "$T_TMP/http.json" "$cond" > "$T_TMP/why" 2>&1 <<'PY'
import json, sys
cli = [json.loads(l) for l in open(sys.argv[1])]
saf = [json.loads(l) for l in open(sys.argv[2])]
assert saf[0] == {"cond": "begin"}, "no begin: %r" % saf[:1]
assert saf[-1].get("cond") == sys.argv[3], "terminator %r" % saf[-1]
objs = [l["obj"] for l in saf[1:-1]]
assert cli, "the CLI found nothing (a useless check)"
assert objs == cli, "%d rows over HTTP, %d from the CLI; first difference: %r" % (
    len(objs), len(cli), next(((a, b) for a, b in zip(objs, cli) if a != b), None))
print(len(objs))
PY
	then ok "$desc: the CLI's rows ($(cat "$T_TMP/why")), $cond"
	else nok "$desc: $(head -c 300 "$T_TMP/why")"
	fi
}
same "names under *.com.br" succeeded "/lookback/v1/names/lookup/rrset/name/*.com.br?limit=0" \
	-r '*.com.br' --names -l 0
same "names under the root: a streamed answer" succeeded "/lookback/v1/names/lookup/rrset/name/*?limit=0" \
	-r '*' --names -l 0
check "... longer than the first buffer (16 KiB)" test "$(wc -c < "$T_TMP/http.json")" -gt 16384
same "domains under the root, default limit" succeeded "/lookback/v1/domains/lookup/rrset/name/*" \
	-r '*' --domains
same "domains of www.* (held: a domain's names apart)" succeeded \
	"/lookback/v1/domains/lookup/rrset/name/www.*?limit=0" -r 'www.*' --domains -l 0
same "names newly observed (time_first_after) under *.com, type A" succeeded \
	"/lookback/v1/names/lookup/rrset/name/*.com/A?time_first_after=$T1&limit=0" \
	-r '*.com' -t A --names --first-after "$T1" -l 0
same "names by address (rdata/ip), newly observed" succeeded \
	"/lookback/v1/names/lookup/rdata/ip/0.0.0.0,0?time_first_after=$T1&limit=0" \
	-i 0.0.0.0/0 --names --first-after "$T1" -l 0
same "domains by rdata name (rdata/name/*.net)" succeeded \
	"/lookback/v1/domains/lookup/rdata/name/*.net?limit=0" -n '*.net' --domains -l 0
same "names sorted by duration, reversed, offset and limit" limited \
	"/lookback/v1/names/lookup/rrset/name/*.com?sort=duration&reverse=true&offset=3&limit=7" \
	-r '*.com' --names --sort duration --reverse --offset 3 -l 7
same "domains by time_last_before, limit 5" limited \
	"/lookback/v1/domains/lookup/rrset/name/*.com?time_last_before=$T1&limit=5" \
	-r '*.com' --domains --last-before "$T1" -l 5
same "summary of the newly observed domains" succeeded \
	"/lookback/v1/domains/summarize/rrset/name/*?time_first_after=$T1&limit=0" \
	-r '*' --domains -s --first-after "$T1" -l 0
same "summary of 4 names from the 3rd" limited \
	"/lookback/v1/names/summarize/rrset/name/*.com?offset=2&limit=4" -r '*.com' --names -s --offset 2 -l 4
curl -s -H "$K" "$U/lookback/v1/names/lookup/rrset/name/*.com?limit=1&humantime=true" > "$T_TMP/h.json"
check "humantime: RFC 3339 times" grep -qE '"time_first":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"' "$T_TMP/h.json"

# status DESC WANT PATH [GREP]: the status, a one-line reason (that says GREP)
status() {
	local desc=$1 want=$2 path=$3 grep=${4:-}
	local got
	got=$(curl -s -H "$K" -o "$T_TMP/body" -w '%{http_code}' --max-time 10 "$U$path")
	if [ "$got" = "$want" ] && { [ "$want" -lt 400 ] || [ "$(wc -l < "$T_TMP/body")" -eq 1 ]; } &&
		{ [ -z "$grep" ] || grep -q -- "$grep" "$T_TMP/body"; }; then
		ok "$desc: $want${grep:+ ($(head -c 120 "$T_TMP/body"))}"
	else
		nok "$desc: want $want${grep:+ saying '$grep'}, got $got: $(head -c 200 "$T_TMP/body")"
	fi
}
status "/lookback/v1/names alone" 400 "/lookback/v1/names" "use /lookback/v1/{names,domains}"
status "neither lookup nor summarize" 400 "/lookback/v1/names/search/rrset/name/a.com" "lookup,summarize"
status "an unknown lookup kind" 400 "/lookback/v1/domains/lookup/rrset/host/a.com" "unknown lookup kind"
status "an incomplete lookup" 400 "/lookback/v1/names/lookup/rrset/name" "incomplete lookup"
status "rdata/ip with type MX" 400 "/lookback/v1/names/lookup/rdata/ip/192.0.2.1/MX" "rdata/ip"
status "a bad %-escape" 400 "/lookback/v1/names/lookup/rrset/name/a%zz.com" "escape"
status "aggr=false (rows are aggregated)" 400 "/lookback/v1/names/lookup/rrset/name/a.com?aggr=false" "aggr"
status "sort=type (a row has many types)" 400 "/lookback/v1/names/lookup/rrset/name/a.com?sort=type" "sort must be"
status "reverse without sort" 400 "/lookback/v1/domains/lookup/rrset/name/a.com?reverse=true" "reverse needs sort"
status "a bad time fence" 400 "/lookback/v1/names/lookup/rrset/name/a.com?time_first_after=soon" "time fence"
status "an unknown view" 404 "/lookback/v1/hosts/lookup/rrset/name/a.com" "names, domains"
status "another version" 404 "/lookback/v2/names/lookup/rrset/name/a.com"
status "no rows: 200" 200 "/lookback/v1/names/lookup/rrset/name/none.invalid"
check "... begin and succeeded" bash -c "[ \"\$(cat '$T_TMP/body')\" = '{\"cond\":\"begin\"}
{\"cond\":\"succeeded\"}' ]"
got=$(curl -s -o /dev/null -w '%{http_code}' "$U/lookback/v1/names/lookup/rrset/name/a.com")
check "no API key: 403 ($got)" test "$got" = 403
curl -s -H "$K" "$U/metrics" > "$T_TMP/metrics"
check "metrics: names answers counted by endpoint" \
	grep -qE '^lookback_http_requests_total\{endpoint="names",status="200"\} [1-9]' "$T_TMP/metrics"
check "metrics: domains 400s counted" \
	grep -qE '^lookback_http_requests_total\{endpoint="domains",status="400"\} 2$' "$T_TMP/metrics"

# query --batch with --names / --domains: each answer is the lookup's alone
printf '%s\n' 'rrset/name/*.com.br' '*.org' 'rdata/ip/0.0.0.0,0' 'rdata/name/*.net' \
	'negative/name/nx.example' > "$T_TMP/batch"
for m in names domains; do
	"$LOOKBACK" query --db "$D" --batch "$T_TMP/batch" --$m -f json -l 3 > "$T_TMP/b.out" 2> "$T_TMP/b.err"
	rc=$?
	{
		"$LOOKBACK" query --db "$D" -r '*.com.br' --$m -f json -l 3
		"$LOOKBACK" query --db "$D" -r '*.org' --$m -f json -l 3
		"$LOOKBACK" query --db "$D" -i 0.0.0.0/0 --$m -f json -l 3
		"$LOOKBACK" query --db "$D" -n '*.net' --$m -f json -l 3
	} > "$T_TMP/alone" 2> /dev/null
	check "batch --$m: the rows of each line alone, in order" \
		cmp -s <(grep -v '^[+-][+-] ' "$T_TMP/b.out") "$T_TMP/alone"
	check "batch --$m: 5 frames, the negative line an ERROR, exit 2 ($rc)" bash -c \
		"[ \$(grep -c '^++ ' '$T_TMP/b.out') -eq 5 ] && grep -q '^-- ERROR (--names/--domains rows are of records' '$T_TMP/b.out' && [ $rc -eq 2 ]"
done
"$LOOKBACK" query --db "$D" --batch <(head -2 "$T_TMP/batch") --domains -f csv > "$T_TMP/b.csv"
check "batch --domains -f csv: one header with the query column" bash -c \
	"[ \"\$(head -1 '$T_TMP/b.csv')\" = 'query,domain,num_names,num_rrsets,rrtypes,time_first,time_last,count,zone_time_first,zone_time_last' ] && [ \$(grep -c '^query,' '$T_TMP/b.csv') -eq 1 ]"
