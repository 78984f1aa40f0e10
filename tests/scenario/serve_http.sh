#!/bin/bash
# serve_http: `lookback serve` over plain HTTP with curl: every status code,
# SAF terminators, a large streamed result (checked against `lookback query`),
# the CIRCL API with paging, keys, quotas, SIGHUP, metrics, and hostile
# clients (huge paths, bad escapes, abandoned and slow connections).
. "$(dirname "$0")/lib.sh"
command -v curl > /dev/null || { skip "curl is not installed"; exit 0; }
D=$T_TMP/db
"$LOOKBACK" gen -o "$T_TMP/g.pcap" -n 20000 --seed 11 --rate 50 || { nok gen; exit 0; }
"$LOOKBACK" capture -r "$T_TMP/g.pcap" --db "$D" > /dev/null 2>&1
check "capture --db" test -d "$D"
# rrsets whose rdata names their own owner: a CIRCL name query finds them by
# owner and by rdata name; self.lbtest. NS and mb.lbtest. A under two and
# three bailiwicks (one unknown), mb.lbtest.'s other A set under one
cat > "$T_TMP/self.json" <<'J'
{"rrname":"self.lbtest.","rrtype":"MX","rdata":["10 self.lbtest."],"bailiwick":"lbtest.","time_first":1700000100,"time_last":1700000200,"count":3}
{"rrname":"self.lbtest.","rrtype":"NS","rdata":["self.lbtest.","ns2.other.lbtest."],"bailiwick":"lbtest.","time_first":1700000100,"time_last":1700000200,"count":2}
{"rrname":"other.lbtest.","rrtype":"CNAME","rdata":["self.lbtest."],"bailiwick":"lbtest.","time_first":1700000100,"time_last":1700000200,"count":1}
{"rrname":"self.lbtest.","rrtype":"NS","rdata":["self.lbtest.","ns2.other.lbtest."],"bailiwick":"self.lbtest.","time_first":1700000050,"time_last":1700000150,"count":4}
{"rrname":"mb.lbtest.","rrtype":"A","rdata":["192.0.2.20"],"bailiwick":"lbtest.","time_first":1700000100,"time_last":1700000200,"count":1}
{"rrname":"mb.lbtest.","rrtype":"A","rdata":["192.0.2.20"],"bailiwick":"mb.lbtest.","time_first":1700000300,"time_last":1700000400,"count":2}
{"rrname":"mb.lbtest.","rrtype":"A","rdata":["192.0.2.20"],"time_first":1700000000,"time_last":1700000050,"count":4}
{"rrname":"mb.lbtest.","rrtype":"A","rdata":["192.0.2.21"],"bailiwick":"mb.lbtest.","time_first":1700000100,"time_last":1700000200,"count":8}
J
"$LOOKBACK" import -q --format cof --db "$D" "$T_TMP/self.json"
check "import of self-referencing rrsets" test $? -eq 0
# sources whose names need escaping in /metrics (a quote, a backslash, a tab,
# a line feed), and more than one (a byte that is not UTF-8, which label
# values must be: tests/unit/util/test_json.c)
echo '{"rrname":"src.lbtest.","rrtype":"A","rdata":["192.0.2.9"],"time_first":1700000100,"time_last":1700000200}' > "$T_TMP/src.json"
"$LOOKBACK" import -q --format cof -s "$(printf 'odd"\\\tname\nx')" --db "$D" "$T_TMP/src.json" &&
	"$LOOKBACK" import -q --format cof -s plain --db "$D" "$T_TMP/src.json"
check "import under odd source names" test $? -eq 0

# refuses to run open on a non-loopback address
"$LOOKBACK" serve --db "$D" --listen 0.0.0.0:0 > /dev/null 2> "$T_TMP/err"
rc=$?
check "no keys on 0.0.0.0: refuses to start (exit 2, says why)" \
	bash -c "[ $rc -eq 2 ] && grep -q 'keys' '$T_TMP/err'"
# a --db that does not exist is an error, not a new empty store served
# (only a collector, --ingest, starts a store)
timeout 10 "$LOOKBACK" serve --db "$T_TMP/typo" --listen 127.0.0.1:0 > /dev/null 2> "$T_TMP/err"
rc=$?
check "serve --db MISSING: exit 3, says why, creates nothing ($rc: $(head -c 100 "$T_TMP/err"))" \
	bash -c "[ $rc -eq 3 ] && grep -q 'no such store' '$T_TMP/err' && [ ! -e '$T_TMP/typo' ]"
for bad in 0 x 2000000; do
	"$LOOKBACK" serve --db "$D" --cache-mb "$bad" > /dev/null 2> "$T_TMP/err"
	rc=$?
	check "--cache-mb $bad: usage error (exit 2, says why)" \
		bash -c "[ $rc -eq 2 ] && grep -q 'cache-mb' '$T_TMP/err'"
done

NOW=$(date +%s)
cat > "$T_TMP/keys" <<K
# id key options
alice alice-secret-0001
bob bob-secret-0002 burst=3 window=3600 daily=100
old old-secret-0003 expires=$((NOW - 10))
dave dave-secret-0005 results_max=5
erin erin-secret-0006 daily=10
K
serve_start "$D" --keys "$T_TMP/keys" --max-conns 6 --offset-max 1000 --timeout 3 \
	--access-log "$T_TMP/access.log" --cache-mb 64
[ -n "$PORT" ] || { nok "serve started: $(cat "$T_TMP/serve.err")"; exit 0; }
U=http://127.0.0.1:$PORT
K="X-API-Key: alice-secret-0001"

# a second server on the same port is refused (exit 3), not let in to share
# the port (SO_REUSEPORT would spread the connections over both)
timeout 10 "$LOOKBACK" serve --db "$D" --read-only --listen "127.0.0.1:$PORT" > /dev/null 2> "$T_TMP/err"
rc=$?
check "a port in use: exit 3, says why ($rc: $(head -c 120 "$T_TMP/err"))" \
	bash -c "[ $rc -eq 3 ] && grep -q 'cannot listen' '$T_TMP/err'"

# status DESC WANT CURL-ARGS...: the HTTP status and a one-line reason for errors
status() {
	local desc=$1 want=$2 got; shift 2
	got=$(curl -s -o "$T_TMP/body" -w '%{http_code}' --max-time 10 "$@")
	if [ "$got" = "$want" ] && { [ "$want" -lt 400 ] || [ "$(wc -l < "$T_TMP/body")" -eq 1 ]; }; then
		ok "$desc: $want"
	else
		nok "$desc: want $want, got $got: $(head -c 200 "$T_TMP/body")"
	fi
}
status "ping" 200 -H "$K" "$U/dnsdb/v2/ping"
check "ping body" grep -qx '{"ping":"ok"}' "$T_TMP/body"
status "unknown top-level path" 404 -H "$K" "$U/nothing/here"
status "unknown path under /dnsdb/v2" 404 -H "$K" "$U/dnsdb/v2/nothing"
status "bad %-escape" 400 -H "$K" "$U/dnsdb/v2/lookup/rrset/name/a%zzb.com"
status "truncated %-escape" 400 -H "$K" "$U/dnsdb/v2/lookup/rrset/name/ab.com%4"
status "encoded NUL" 400 -H "$K" "$U/dnsdb/v2/lookup/rrset/name/a%00b.com"
status "rdata/ip with type MX" 400 -H "$K" "$U/dnsdb/v2/lookup/rdata/ip/192.0.2.1/MX"
status "wildcard in the middle" 400 -H "$K" "$U/dnsdb/v2/lookup/rrset/name/a.*.com"
status "bad limit" 400 -H "$K" "$U/dnsdb/v2/lookup/rrset/name/a.com?limit=-1"
status "bad time fence" 400 -H "$K" "$U/dnsdb/v2/lookup/rrset/name/a.com?time_last_after=soon"
status "missing key" 403 "$U/dnsdb/v2/lookup/rrset/name/a.com"
status "wrong key" 403 -H "X-API-Key: nope" "$U/dnsdb/v2/lookup/rrset/name/a.com"
status "expired key" 401 -H "X-API-Key: old-secret-0003" "$U/dnsdb/v2/lookup/rrset/name/a.com"
status "X-Api-Key spelling" 200 -H "X-Api-Key: alice-secret-0001" "$U/dnsdb/v2/lookup/rrset/name/a.com"
# a field value does not include the whitespace around it (RFC 9110 5.5);
# libmicrohttpd strips only the leading one: a key or a dribble number with
# trailing whitespace was refused (403, 400)
status "key with trailing whitespace" 200 -H "X-API-Key: alice-secret-0001 	" "$U/dnsdb/v2/lookup/rrset/name/a.com"
status "an over-long key: not recognised" 403 -H "X-API-Key: $(head -c 2000 /dev/zero | tr '\0' k)" \
	"$U/dnsdb/v2/lookup/rrset/name/a.com"
check "an over-long key: said not recognised, not missing" grep -q 'not recognised' "$T_TMP/body"
status "CIRCL count and cursor with trailing whitespace" 200 -u "alice:alice-secret-0001" \
	-H "dribble-paginate-count: 2 " -H "dribble-paginate-cursor: 1 " -H "dribble-filter-rrtype: A " \
	"$U/pdns/query/a.com"
# HTTP Basic credentials are decoded here (RFC 7617): libmicrohttpd's C
# strings let a password of the key, a NUL and anything pass as the key
status "CIRCL: Basic credentials written by hand" 200 \
	-H "Authorization: Basic $(printf 'alice:alice-secret-0001' | base64)" "$U/pdns/query/a.com"
status "CIRCL: a NUL after the key in the Basic password" 401 \
	-H "Authorization: Basic $(printf 'alice:alice-secret-0001\0x' | base64)" "$U/pdns/query/a.com"
check "... says why" grep -q 'malformed HTTP Basic' "$T_TMP/body"
check "... with the Basic challenge" bash -c "curl -s -i -H 'Authorization: Basic $(printf 'alice:alice-secret-0001\0x' | base64)' \
	'$U/pdns/query/a.com' | tr -d '\r' | grep -qi '^WWW-Authenticate: Basic realm=\"lookback\"'"
status "CIRCL: Basic credentials that are not base64" 401 -H "Authorization: Basic alice:alice-secret-0001" \
	"$U/pdns/query/a.com"
status "CIRCL: X-API-Key still wins over Basic" 200 -H "$K" -H "Authorization: Basic !!!!" "$U/pdns/query/a.com"
status "unsupported Accept" 415 -H "$K" -H "Accept: image/png" "$U/dnsdb/v2/lookup/rrset/name/a.com"
status "Accept x-ndjson" 200 -H "$K" -H "Accept: application/x-ndjson" "$U/dnsdb/v2/lookup/rrset/name/a.com"
# a list field may come as several lines, one list (RFC 9110 5.3): the first
# line alone was read (415 here)
status "Accept on two lines, the second x-ndjson" 200 -H "$K" -H "Accept: text/html" \
	-H "Accept: application/x-ndjson" "$U/dnsdb/v2/lookup/rrset/name/a.com"
status "Accept on two lines, neither served" 415 -H "$K" -H "Accept: text/html" \
	-H "Accept: image/png" "$U/dnsdb/v2/lookup/rrset/name/a.com"
# q=0 is "not acceptable" (RFC 9110 12.4.2): it was read as naming the type
status "Accept x-ndjson;q=0: refused" 415 -H "$K" -H "Accept: application/x-ndjson;q=0" \
	"$U/dnsdb/v2/lookup/rrset/name/a.com"
status "Accept */*;q=0: refused" 415 -H "$K" -H "Accept: */*;q=0" "$U/dnsdb/v2/lookup/rrset/name/a.com"
status "Accept */*;q=0 and x-ndjson: served" 200 -H "$K" -H "Accept: */*;q=0, application/x-ndjson" \
	"$U/dnsdb/v2/lookup/rrset/name/a.com"
# the lines are one list: a q=0 on one excludes what a wildcard on another allows
status "Accept on two lines, */* then application/*;q=0 text/*;q=0" 415 -H "$K" \
	-H "Accept: */*" -H "Accept: application/*;q=0, text/*;q=0" "$U/dnsdb/v2/lookup/rrset/name/a.com"
# the answer is labelled with the type the client takes (RFC 9110 12.5.1):
# "x-ndjson;q=0, application/json" was served as application/x-ndjson, the
# one type it had refused
ctype() { # ACCEPT PATH: the answer's status and Content-Type
	curl -s -o /dev/null -D - -H "$K" ${1:+-H "Accept: $1"} "$U$2" | tr -d '\r' |
		awk 'NR == 1 { s = $2 } tolower($1) == "content-type:" { t = $2 } END { print s, t }'
}
for c in "|/dnsdb/v2/lookup/rrset/name/a.com|200 application/x-ndjson" \
	"*/*|/dnsdb/v2/lookup/rrset/name/a.com|200 application/x-ndjson" \
	"application/x-ndjson;q=0, application/json|/dnsdb/v2/lookup/rrset/name/a.com|200 application/json" \
	"application/json;q=0.5, application/x-ndjson;q=0.9|/dnsdb/v2/lookup/rrset/name/a.com|200 application/x-ndjson" \
	"application/json, application/x-ndjson;q=0.9|/dnsdb/v2/summarize/rrset/name/a.com|200 application/json" \
	"text/plain|/dnsdb/v2/lookup/rrset/name/a.com|200 text/plain" \
	"application/x-ndjson;q=0, */*|/pdns/query/a.com|200 application/json" \
	"|/dnsdb/v2/ping|200 application/json" \
	"application/x-ndjson|/dnsdb/v2/ping|200 application/x-ndjson" \
	"application/json;q=0, text/plain|/dnsdb/v2/rate_limit|200 text/plain"; do
	IFS='|' read -r acc path want <<< "$c"
	got=$(ctype "$acc" "$path")
	check "Accept '${acc:-none}' on ${path#/dnsdb/v2/}: $want (got $got)" test "$got" = "$want"
done
status "offset past offset_max" 416 -H "$K" "$U/dnsdb/v2/lookup/rrset/name/a.com?offset=1001"
status "POST" 405 -H "$K" -d x=1 "$U/dnsdb/v2/ping"
for m in OPTIONS DELETE; do
	check "$m: 405 with the Allow header RFC 9110 requires" bash -c "curl -s -i -X $m -H '$K' '$U/dnsdb/v2/ping' |
		grep -q '^HTTP/1.1 405' && curl -s -i -X $m -H '$K' '$U/dnsdb/v2/ping' | tr -d '\r' | grep -qix 'Allow: GET, HEAD'"
done
check "HEAD: 200, no body" bash -c "curl -s -I -H '$K' '$U/dnsdb/v2/ping' | grep -q '^HTTP/1.1 200'"
check "a CIDR written with '/' in rdata/ip: 400 saying how to write it" bash -c \
	"curl -s -H '$K' '$U/dnsdb/v2/lookup/rdata/ip/10.0.0.0/8' | grep -q 'ADDRESS,LENGTH'"
# libmicrohttpd made a record of its connection's memory for each '&' of
# the query: from some 250 parameters on it ran out, neither answered nor
# called us, and the client waited for --timeout (then 408); the target
# is ours to parse (a CIRCL or dnsdbq request has a handful)
P300=$(seq 300 | sed 's/^/p/; s/$/=1/' | paste -sd '&')
status "300 query parameters (2 kB): answered" 200 --max-time 2 -H "$K" "$U/dnsdb/v2/ping?$P300"
status "300 query parameters on a lookup: answered" 200 --max-time 2 -H "$K" \
	"$U/dnsdb/v2/lookup/rrset/name/a.com?limit=1&$P300"
status "1200 query parameters (8 kB): 414 at once" 414 --max-time 2 -H "$K" \
	"$U/dnsdb/v2/ping?$(seq 1200 | sed 's/^/p/; s/$/=1/' | paste -sd '&')"
check "a 414 says the limit" grep -q '4096 bytes' "$T_TMP/body"
status "2000 bare '&' (2 kB): answered" 200 --max-time 2 -H "$K" "$U/dnsdb/v2/ping?$(head -c 2000 /dev/zero | tr '\0' '&')"
# libmicrohttpd 0.9.75 records each '&' in the connection's memory, and reads
# up to half of that memory of request line: however much memory it is given
# (MHD_OPTION_CONNECTION_MEMORY_LIMIT), a long enough target of '&' fills it
# (at 288 KiB, 5000 of them waited for --timeout): uri_cb leaves it none
status "8000 bare '&' (8 kB): 414 at once" 414 --max-time 2 -H "$K" "$U/dnsdb/v2/ping?$(head -c 8000 /dev/zero | tr '\0' '&')"
# a NUL byte in the request line's target: libmicrohttpd hands the URI on
# cut at it, so it was served as the part before it (404, or a ping, or a
# lookup of every type)
raw_req() { # DESC WANT REQUEST (printf escapes, CRLFs and all)
	local got
	# the request in one write (bash's printf writes line by line): a request
	# libmicrohttpd refuses at its request line is answered and closed at
	# once, and header lines arriving after that close make the socket send
	# a reset, which can take the answer with it before it is read (the gap
	# "input after the close" in docs/ARCHITECTURE.md; a quarter of such
	# exchanges read nothing when sent line by line)
	printf "$3" > "$T_TMP/raw.req"
	got=$( { exec 3<>/dev/tcp/127.0.0.1/$PORT
		cat "$T_TMP/raw.req" >&3
		timeout 10 cat <&3; } 2>/dev/null | tee "$T_TMP/raw" | head -1 | cut -d' ' -f2)
	check "$1: $2 (got $got)" test "$got" = "$2"
}
raw_status() { # DESC WANT REQUEST-LINE (printf escapes): with Host, key and close
	raw_req "$1" "$2" "$3\r\nHost: x\r\nX-API-Key: alice-secret-0001\r\nConnection: close\r\n\r\n"
}
raw_status "a NUL inside the path" 400 'GET /dnsdb/v2/pi\0ng HTTP/1.1'
raw_status "a NUL after the path" 400 'GET /dnsdb/v2/ping\0junk HTTP/1.1'
raw_status "a NUL before the types of a lookup" 400 'GET /dnsdb/v2/lookup/rrset/name/a.com\0/MX HTTP/1.1'
raw_status "a NUL in the query" 400 'GET /dnsdb/v2/ping?x=\0y HTTP/1.1'
raw_status "no NUL, the same way" 200 'GET /dnsdb/v2/ping?x=y HTTP/1.1'
# a NUL in the method: libmicrohttpd hands it on cut at the NUL, so
# "GET<NUL>X" was a GET (and "GE<NUL>T" a 405, not a malformed request)
raw_status "a NUL inside the method after GET" 400 'GET\0X /dnsdb/v2/ping HTTP/1.1'
raw_status "a NUL inside the method" 400 'GE\0T /dnsdb/v2/ping HTTP/1.1'
check "... says why" grep -q 'NUL byte in the method' "$T_TMP/raw"
raw_status "two spaces after the method (RFC 9112 3: one)" 400 'GET  /dnsdb/v2/ping HTTP/1.1'
# libmicrohttpd lets a space into the target (the line's last space ends
# it): "/dnsdb/v2/pi ng" was looked up; RFC 9112 3.2: no autocorrection
raw_status "a space inside the target" 400 'GET /dnsdb/v2/pi ng HTTP/1.1'
raw_status "a tab inside the target" 400 'GET /dnsdb/v2/ping?x=\ty HTTP/1.1'
# RFC 9112 3.2: an HTTP/1.1 request without Host, or with two, MUST be
# refused 400; 5.1: whitespace between a field name and its colon too
raw_req "two Host fields" 400 'GET /dnsdb/v2/ping HTTP/1.1\r\nHost: x\r\nHost: y\r\nX-API-Key: alice-secret-0001\r\nConnection: close\r\n\r\n'
raw_req "HTTP/1.1 without Host" 400 'GET /dnsdb/v2/ping HTTP/1.1\r\nX-API-Key: alice-secret-0001\r\nConnection: close\r\n\r\n'
check "... says why" grep -q 'without a Host' "$T_TMP/raw"
raw_req "HTTP/1.0 without Host: served" 200 'GET /dnsdb/v2/ping HTTP/1.0\r\nX-API-Key: alice-secret-0001\r\n\r\n'
raw_req "a space before a field's colon" 400 'GET /dnsdb/v2/ping HTTP/1.1\r\nHost: x\r\nX-API-Key : alice-secret-0001\r\nConnection: close\r\n\r\n'
raw_req "two requests in one send (pipelined): both answered" 200 'GET /dnsdb/v2/ping HTTP/1.1\r\nHost: x\r\nX-API-Key: alice-secret-0001\r\n\r\nGET /dnsdb/v2/rate_limit HTTP/1.1\r\nHost: x\r\nX-API-Key: alice-secret-0001\r\nConnection: close\r\n\r\n'
check "... the second one too (statuses: $(grep -ao '^HTTP/1.1 [0-9]*' "$T_TMP/raw" | cut -d' ' -f2 | tr '\n' ' '))" grep -q '"rate":' "$T_TMP/raw"
# RFC 9112 3.2.2: a server MUST accept a target in absolute form
raw_req "a target in absolute form (http://host/path)" 200 "GET http://127.0.0.1:$PORT/dnsdb/v2/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: alice-secret-0001\r\nConnection: close\r\n\r\n"
check "... answered as its path" grep -q '"ping":' "$T_TMP/raw"
status "huge path (10 kB)" 414 -H "$K" "$U/dnsdb/v2/lookup/rrset/name/$(head -c 10000 /dev/zero | tr '\0' a)"
# request line and headers share a 16 KiB buffer per connection
status "large header (8 kB) fits" 200 -H "$K" -H "X-Pad: $(head -c 8000 /dev/zero | tr '\0' a)" "$U/dnsdb/v2/ping"
# (431 is libmicrohttpd's own answer, with its own HTML body: the status alone is checked)
check "huge header (30 kB): 431" test "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "$K" \
	-H "X-Pad: $(head -c 30000 /dev/zero | tr '\0' a)" "$U/dnsdb/v2/ping")" = 431
# requests libmicrohttpd refuses itself, before the handler (its own answer
# and HTML body): they went uncounted; /metrics below counts them
# (lookback_http_unparsed_requests_total, and requests_total "other")
raw_req "a request line without an HTTP version: libmicrohttpd's 400" 400 'GET /dnsdb/v2/ping\r\nHost: x\r\n\r\n'
raw_req "HTTP/2.0 in an HTTP/1 request line: libmicrohttpd's 505" 505 'GET /dnsdb/v2/ping HTTP/2.0\r\nHost: x\r\n\r\n'
# 1000 small header fields (21 kB), past what a connection's 16 KiB holds:
# libmicrohttpd answers 431 and reads no further, and a socket closed with
# input unread sends a reset, not its FIN (RFC 9112 9.6): the client's read
# after the 431 failed, "connection reset" (a send still under way fails
# outright).  The unread rest is dropped before the close now.
python3 - "$PORT" > "$T_TMP/many" <<'P'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(10)
data, end = b"", "eof"
try:
    s.sendall(b"GET /dnsdb/v2/ping HTTP/1.1\r\nHost: x\r\n" +
              b"".join(b"X-Field-%04d: value\r\n" % i for i in range(1000)) + b"\r\n")
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
except OSError as e:
    end = type(e).__name__
print(data.split(b" ")[1].decode() if data.count(b" ") else "-", end)
P
read -r st end < "$T_TMP/many"
check "1000 small header fields: 431, then the connection's end, not a reset ($st, $end)" \
	bash -c "[ '$st' = 431 ] && [ '$end' = eof ]"
for i in 1 2 3; do curl -s -o /dev/null -H "X-API-Key: bob-secret-0002" "$U/dnsdb/v2/lookup/rrset/name/a.com"; done
status "burst quota exhausted" 429 -H "X-API-Key: bob-secret-0002" "$U/dnsdb/v2/lookup/rrset/name/a.com"
# bob's window is an hour (aligned to the hour): Retry-After says when it ends
ra=$(curl -s -D - -o /dev/null -H "X-API-Key: bob-secret-0002" "$U/dnsdb/v2/lookup/rrset/name/a.com" |
	tr -d '\r' | awk 'tolower($1) == "retry-after:" { print $2 }')
want=$((3600 - $(date +%s) % 3600))
check "429 of a burst quota: Retry-After is the window's end ($ra s, want about $want)" \
	bash -c "[ -n '$ra' ] && [ '$ra' -ge $((want - 2)) ] && [ '$ra' -le $((want + 2)) ]"
curl -s -H "X-API-Key: bob-secret-0002" "$U/dnsdb/v2/rate_limit" > "$T_TMP/rl"
check "rate_limit reports bob's quotas" python3 -c "
import json,sys; r=json.load(open('$T_TMP/rl'))['rate']
sys.exit(not (r['limit']==100 and r['remaining']==97 and r['burst_size']==3 and r['burst_window']==3600 and r['offset_max']==1000))"
curl -s -H "$K" "$U/dnsdb/v2/rate_limit" > "$T_TMP/rl"
check "rate_limit unlimited key" grep -q '"limit":"unlimited"' "$T_TMP/rl"
# only answered queries use the quota: not one refused after the key was
# checked (an offset past offset_max, a bad regex, a bad CIRCL header), as
# those the target's parser refuses never did
E="X-API-Key: erin-secret-0006"
status "erin: offset past offset_max" 416 -H "$E" "$U/dnsdb/v2/lookup/rrset/name/a.com?offset=1001"
status "erin: bad regex" 400 -H "$E" "$U/dnsdb/v2/regex/rrnames/a(b"
status "erin: bad CIRCL count" 400 -u "erin:erin-secret-0006" -H "dribble-paginate-count: x" "$U/pdns/query/a.com"
status "erin: bad limit" 400 -H "$E" "$U/dnsdb/v2/lookup/rrset/name/a.com?limit=x"
status "erin: one lookup" 200 -H "$E" "$U/dnsdb/v2/lookup/rrset/name/a.com"
check "rate_limit: refused requests did not use erin's quota (remaining 9 of 10)" bash -c \
	"curl -s -H '$E' '$U/dnsdb/v2/rate_limit' | grep -q '\"limit\":10,\"remaining\":9,'"

# ---- 503 past the connection cap: hold idle connections open ----
exec 5<>/dev/tcp/127.0.0.1/$PORT 6<>/dev/tcp/127.0.0.1/$PORT 7<>/dev/tcp/127.0.0.1/$PORT \
	8<>/dev/tcp/127.0.0.1/$PORT 9<>/dev/tcp/127.0.0.1/$PORT 4<>/dev/tcp/127.0.0.1/$PORT
sleep 0.2
status "past --max-conns" 503 -H "$K" "$U/dnsdb/v2/ping"
exec 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
sleep 0.3
status "after the idle connections close" 200 -H "$K" "$U/dnsdb/v2/ping"

# ---- SAF ----
Q() { "$LOOKBACK" query --db "$D" "$@"; }
OWNER=$(Q -r '*.com' -t A -l 1 --format cof 2>/dev/null | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["rrname"])')
saf_check() { # DESC URL WANT-TERMINATOR WANT-OBJS (or -)
	curl -s -H "$K" "$U$2" > "$T_TMP/saf"
	python3 - "$T_TMP/saf" "$3" "$4" <<'P'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
ok = lines and lines[0] == {"cond": "begin"} and lines[-1].get("cond") == sys.argv[2]
objs = [l for l in lines[1:-1] if "obj" in l]
ok = ok and len(objs) == len(lines) - 2
if sys.argv[3] != "-":
    ok = ok and len(objs) == int(sys.argv[3])
sys.exit(0 if ok else 1)
P
	check "$1 (SAF begin ... $3)" test $? -eq 0
}
saf_check "exact lookup" "/dnsdb/v2/lookup/rrset/name/$OWNER" succeeded -
saf_check "limit cuts a wildcard" "/dnsdb/v2/lookup/rrset/name/*.com?limit=3" limited 3
saf_check "no result is 200 with no obj" "/dnsdb/v2/lookup/rrset/name/no-such-name.invalid" succeeded 0
saf_check "summarize max_count stops early" "/dnsdb/v2/summarize/rrset/name/*.com?max_count=5" limited 1
saf_check "summarize" "/dnsdb/v2/summarize/rrset/name/*.com" succeeded 1
# max_count reached by the very last result: nothing more exists, so not "limited"
ECOUNT=$(Q -r "$OWNER" --summarize --format cof 2>/dev/null | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["count"])')
saf_check "summarize max_count reached exactly at the end" "/dnsdb/v2/summarize/rrset/name/$OWNER?max_count=$ECOUNT" succeeded 1
# "limited" carries its reason in msg, as DNSDB's does
check "limited says why (msg)" bash -c "curl -s -H '$K' '$U/dnsdb/v2/lookup/rrset/name/*.com?limit=3' | tail -1 |
	grep -qx '{\"cond\":\"limited\",\"msg\":\"Result limit reached\"}'"
check "summarize stopped by max_count says so" bash -c "curl -s -H '$K' '$U/dnsdb/v2/summarize/rrset/name/*.com?max_count=5' | tail -1 |
	grep -qx '{\"cond\":\"limited\",\"msg\":\"Max count reached\"}'"
check "flex limited says why" bash -c "curl -s -H '$K' '$U/dnsdb/v2/glob/rrnames/*.com.?limit=2' | tail -1 |
	grep -qx '{\"cond\":\"limited\",\"msg\":\"Result limit reached\"}'"
curl -s -H "$K" "$U/dnsdb/v2/lookup/rrset/name/$OWNER?humantime=t" > "$T_TMP/h"
check "humantime gives RFC 3339 strings" grep -q '"time_first":"20[0-9-]*T[0-9:]*Z"' "$T_TMP/h"
status "IPv6 with %3A colons" 200 -H "$K" "$U/dnsdb/v2/lookup/rdata/ip/2001%3Adb8%3A%3A,32"
status "address range" 200 -H "$K" "$U/dnsdb/v2/lookup/rdata/ip/10.0.0.1-10.255.0.0"

# a large result streams whole: all rrsets under the root, equal to the store's truth
T0=$(date +%s%N)
curl -s -H "$K" "$U/dnsdb/v2/lookup/rrset/name/*.?limit=0&aggr=f" > "$T_TMP/big"
T1=$(date +%s%N)
# (query -g: DNSDB's rows, one per bailiwick and run of days; a COF answer
# merges an rrset's bailiwicks)
Q -r '*.' -l 0 -g --format cof > "$T_TMP/big.cof"
n=$(python3 "$(dirname "$0")/serve_compare.py" "$T_TMP/big.cof" "$T_TMP/big" 2> "$T_TMP/cmp")
check "large stream ($n objects in $(( (T1 - T0) / 1000000 )) ms) equals query" test $? -eq 0 -a "${n:-0}" -gt 1000
check "large stream ends with succeeded" test "$(tail -1 "$T_TMP/big")" = '{"cond":"succeeded"}'

# flex search: regex over owner names equals the right-hand wildcard www.*
curl -s -H "$K" "$U/dnsdb/v2/regex/rrnames/%5Ewww%5C.?limit=0" > "$T_TMP/flex"
Q -r 'www.*' -l 0 --format cof | python3 -c '
import json,sys; print("\n".join(sorted({json.loads(l)["rrname"]+" "+json.loads(l)["rrtype"] for l in sys.stdin})))' > "$T_TMP/flex.want"
python3 -c '
import json,sys
print("\n".join(sorted(l["obj"]["rrname"]+" "+l["obj"]["rrtype"] for l in map(json.loads, open(sys.argv[1])) if "obj" in l)))' "$T_TMP/flex" > "$T_TMP/flex.got"
check "regex rrnames ^www\\. = distinct owners of www.* ($(wc -l < "$T_TMP/flex.want"))" cmp -s "$T_TMP/flex.want" "$T_TMP/flex.got"
# flex search over rdata: each (rdata, type) value once, however many rrsets
# hold it, and every one the store has
curl -s -H "$K" "$U/dnsdb/v2/regex/rdata/%5Edns/NS?limit=0" > "$T_TMP/fr"
Q -r '*.' -t NS -l 0 --format cof | python3 -c '
import json,sys
print("\n".join(sorted({r for l in sys.stdin for r in json.loads(l)["rdata"] if r.startswith("dns")})))' > "$T_TMP/fr.want"
python3 -c '
import json,sys
got = [l["obj"]["rdata"] for l in map(json.loads, open(sys.argv[1])) if "obj" in l]
print("\n".join(sorted(got)))
sys.exit(len(got) != len(set(got)))' "$T_TMP/fr" > "$T_TMP/fr.got"
rc=$?
check "regex rdata ^dns NS: each value once ($(wc -l < "$T_TMP/fr.got") objects)" test $rc -eq 0
check "regex rdata ^dns NS = the distinct NS targets of query ($(wc -l < "$T_TMP/fr.want"))" \
	bash -c "[ -s '$T_TMP/fr.want' ] && cmp -s '$T_TMP/fr.want' '$T_TMP/fr.got'"

# a pattern ending in a domain scans only below it: the same answer as the
# whole-store scan (the '|^$' keeps that one unnarrowed) and as `query *.com`
flex_names() { python3 -c '
import json,sys
print("\n".join(sorted(l["obj"]["rrname"]+" "+l["obj"]["rrtype"] for l in map(json.loads, open(sys.argv[1])) if "obj" in l)))' "$1"; }
curl -s -H "$K" "$U/dnsdb/v2/regex/rrnames/%5C.com%5C.%24?limit=0" > "$T_TMP/fn1"
curl -s -H "$K" "$U/dnsdb/v2/glob/rrnames/*.com.?limit=0" > "$T_TMP/fn2"
curl -s -H "$K" "$U/dnsdb/v2/regex/rrnames/%5C.com%5C.%24%7C%5E%24?limit=0" > "$T_TMP/fn3"
Q -r '*.com' -l 0 --format cof | python3 -c '
import json,sys; print("\n".join(sorted({json.loads(l)["rrname"]+" "+json.loads(l)["rrtype"] for l in sys.stdin})))' > "$T_TMP/fn.want"
flex_names "$T_TMP/fn1" > "$T_TMP/fn1.got"
flex_names "$T_TMP/fn2" > "$T_TMP/fn2.got"
flex_names "$T_TMP/fn3" > "$T_TMP/fn3.got"
check "regex \\.com\\.\$ (narrowed) = query *.com ($(wc -l < "$T_TMP/fn.want") owners and types)" \
	bash -c "[ -s '$T_TMP/fn.want' ] && cmp -s '$T_TMP/fn.want' '$T_TMP/fn1.got'"
check "glob *.com. (narrowed) = query *.com" cmp -s "$T_TMP/fn.want" "$T_TMP/fn2.got"
check "the same regex scanning the whole store agrees" cmp -s "$T_TMP/fn.want" "$T_TMP/fn3.got"
curl -s -H "$K" "$U/dnsdb/v2/glob/rrnames/www.*.com.?exclude=www.b*" > "$T_TMP/glob"
check "glob with exclude" python3 -c "
import json,sys
o=[l['obj']['rrname'] for l in map(json.loads, open('$T_TMP/glob')) if 'obj' in l]
sys.exit(not o or any(not n.startswith('www.') or n.startswith('www.b') or not n.endswith('.com.') for n in o))"
status "bad regex" 400 -H "$K" "$U/dnsdb/v2/regex/rrnames/a(b"
# flex without an RRTYPE is ANY, as for the lookups (REFERENCE 1): the same
# answer as /ANY, without the DNSSEC types; /ANY-DNSSEC has only those, and
# the two split /ALL between them.  glob and regex, rrnames and rdata (the
# store has RRSIG, DS and DNSKEY rrsets under .com)
flex_split() { # DESC PATH: PATH, PATH/ANY, PATH/ANY-DNSSEC, PATH/ALL
	local t
	for t in "" /ANY /ANY-DNSSEC /ALL; do
		curl -s -H "$K" "$U/dnsdb/v2/$2$t?limit=0" > "$T_TMP/fs${t#/}"
	done
	local out rc
	out=$(python3 - "$T_TMP/fs" 2>&1 <<'P'
import json, sys
sec = {"DS", "RRSIG", "NSEC", "DNSKEY", "NSEC3", "NSEC3PARAM", "DLV", "CDS", "CDNSKEY", "TA"}
def objs(suffix):
    lines = [json.loads(l) for l in open(sys.argv[1] + suffix)]
    if not lines or lines[-1] != {"cond": "succeeded"}:
        sys.exit("%s: does not end with succeeded: %s" % (suffix or "no type", lines[-1:]))
    return sorted(json.dumps(l["obj"], sort_keys=True) for l in lines if "obj" in l)
def types(o):
    return {json.loads(x)["rrtype"] for x in o}
none, any_, dnssec, all_ = objs(""), objs("ANY"), objs("ANY-DNSSEC"), objs("ALL")
err = []
if none != any_:
    err.append("no type != /ANY (%d vs %d objects; extra types %s)" %
               (len(none), len(any_), sorted(types(none) - types(any_))))
if not any_ or types(any_) & sec:
    err.append("/ANY: %s" % sorted(types(any_)))
if not dnssec or types(dnssec) - sec:
    err.append("/ANY-DNSSEC: %s" % sorted(types(dnssec)))
if sorted(any_ + dnssec) != all_:
    err.append("/ANY + /ANY-DNSSEC != /ALL (%d + %d vs %d)" % (len(any_), len(dnssec), len(all_)))
print("%d + %d objects, DNSSEC types %s" % (len(any_), len(dnssec), " ".join(sorted(types(dnssec)))),
      end="; " if err else "")
if err:
    sys.exit("; ".join(err))
P
)
	rc=$?
	out=${out//$'\n'/ }
	check "$1: no type = /ANY, /ANY-DNSSEC only DNSSEC types ($out)" test $rc -eq 0
}
flex_split "glob rrnames *.com." "glob/rrnames/*.com."
flex_split "regex rrnames ^[a-m] (whole store)" "regex/rrnames/%5E%5Ba-m%5D"
flex_split "glob rdata *" "glob/rdata/*"
flex_split "regex rdata [a-z]" "regex/rdata/%5Ba-z%5D"

# ---- CIRCL: COF NDJSON, Basic auth, paging with dribble headers ----
DOM=${OWNER#*.}
status "CIRCL without auth" 401 "$U/pdns/query/$DOM"
curl -s -u "alice:alice-secret-0001" "$U/pdns/query/$OWNER" > "$T_TMP/circl"
{ Q -r "$OWNER" --format cof; Q -n "$OWNER" -l 0 --format cof; } > "$T_TMP/circl.want"
python3 "$(dirname "$0")/serve_compare.py" "$T_TMP/circl.want" "$T_TMP/circl" > /dev/null
check "CIRCL name query = rrset + rdata-name lookups" test $? -eq 0
: > "$T_TMP/pages"; cur=""; pages=0
while [ $pages -lt 200 ]; do
	curl -s -D "$T_TMP/hdr" -u "alice:alice-secret-0001" -H "dribble-paginate-count: 10" -H "dribble-filter-rrtype: MX" \
		${cur:+-H "dribble-paginate-cursor: $cur"} "$U/pdns/query/*.com" >> "$T_TMP/pages"
	pages=$((pages + 1))
	cur=$(grep -i '^x-dribble-cursor:' "$T_TMP/hdr" | tr -d '\r' | awk '{print $2}')
	[ -n "$cur" ] || break
done
# (the rdata-name part without the RRs of rrsets the owner part gave: owners below com.)
{ Q -r '*.com' -t MX -l 0 --format cof; Q -n '*.com' -t MX -l 0 --format cof |
	grep -v '^{"rrname":"[^"]*\.com\."'; } > "$T_TMP/pages.want"
python3 "$(dirname "$0")/serve_compare.py" "$T_TMP/pages.want" "$T_TMP/pages" > /dev/null
check "CIRCL paging ($pages pages of 10 MX records) returns the whole result once" test $? -eq 0
# COF: each (rrname, rrtype, rdata) once in an answer: an RR that the owner
# part gave in its rrset is not given again by the rdata-name part
circl_rrs() { python3 -c '
import json,sys
rrs = [(o["rrname"], o["rrtype"], r) for o in map(json.loads, open(sys.argv[1])) for r in o["rdata"]]
print(len(rrs), len(set(rrs)), len(open(sys.argv[1]).readlines()))' "$1"; }
curl -s -u "alice:alice-secret-0001" "$U/pdns/query/self.lbtest" > "$T_TMP/self"
read -r n u objs <<< "$(circl_rrs "$T_TMP/self")"
check "CIRCL: RRs both owned by and named in rdata by the name come once ($n RRs, $u distinct, $objs objects)" \
	test "$n" = 4 -a "$u" = 4 -a "$objs" = 3
: > "$T_TMP/selfp"; cur=""; pages=0
while [ $pages -lt 10 ]; do
	curl -s -D "$T_TMP/hdr" -u "alice:alice-secret-0001" -H "dribble-paginate-count: 1" \
		${cur:+-H "dribble-paginate-cursor: $cur"} "$U/pdns/query/self.lbtest" >> "$T_TMP/selfp"
	pages=$((pages + 1))
	cur=$(grep -i '^x-dribble-cursor:' "$T_TMP/hdr" | tr -d '\r' | awk '{print $2}')
	[ -n "$cur" ] || break
done
check "CIRCL: pages of 1 give the same $objs objects in $pages pages, no empty page" \
	bash -c "[ $pages -eq 3 ] && cmp -s '$T_TMP/self' '$T_TMP/selfp'"
# COF: one object per (rrname, rrtype, rdata) across bailiwicks, merged;
# COF's members only (sensor_id, not every source)
curl -s -u "alice:alice-secret-0001" "$U/pdns/query/mb.lbtest" > "$T_TMP/mb"
check "CIRCL: an A set under three bailiwicks is one merged object without bailiwick" \
	grep -qx '{"rrname":"mb.lbtest.","rrtype":"A","rdata":\["192.0.2.20"\],"time_first":1700000000,"time_last":1700000400,"count":7,"sensor_id":"cof"}' "$T_TMP/mb"
check "CIRCL: an A set under one bailiwick keeps it ($(wc -l < "$T_TMP/mb") objects)" \
	bash -c "[ \$(wc -l < '$T_TMP/mb') -eq 2 ] && grep -q '\"192.0.2.21\"\],.*\"count\":8,\"bailiwick\":\"mb.lbtest.\"' '$T_TMP/mb'"
curl -s -u "alice:alice-secret-0001" "$U/pdns/query/*.lbtest" > "$T_TMP/lbtest"
check "CIRCL: COF's members only, (rrname, rrtype, rdata) once ($(wc -l < "$T_TMP/lbtest") objects)" python3 -c '
import json, sys
keys = {"rrname", "rrtype", "rdata", "time_first", "time_last", "count", "bailiwick", "sensor_id",
        "zone_time_first", "zone_time_last"}
objs = [json.loads(l) for l in open(sys.argv[1])]
ids = [(o["rrname"], o["rrtype"], tuple(sorted(o["rdata"]))) for o in objs]
sys.exit(not (len(objs) > 5 and len(set(ids)) == len(ids) and all(set(o) <= keys for o in objs)
              and any(o["rrname"] == "src.lbtest." for o in objs)))' "$T_TMP/lbtest"
# without dribble-paginate-count an answer cut by a limit (here the key's
# results_max) still names its next page: COF has no terminator to say so
curl -s -D "$T_TMP/hdr" -u "dave:dave-secret-0005" "$U/pdns/query/*.com" > "$T_TMP/cut"
check "CIRCL answer cut by results_max ($(wc -l < "$T_TMP/cut") objects) has x-dribble-cursor" \
	bash -c "[ \$(wc -l < '$T_TMP/cut') -eq 5 ] && grep -qi '^x-dribble-cursor: 5' '$T_TMP/hdr'"
# ... and, as the client did not page, CIRCL's x-dribble-errors (a JSON
# object, as PyPDNS reads it) says the answer was cut
check "CIRCL answer cut by a limit the client did not set: x-dribble-errors says so" python3 -c '
import json, sys
h = [l.split(":", 1)[1].strip() for l in open(sys.argv[1]) if l.lower().startswith("x-dribble-errors:")]
e = json.loads(h[0]) if len(h) == 1 else None
sys.exit(not (isinstance(e, dict) and e.get("error") == "limited" and e.get("value") == 5))' "$T_TMP/hdr"
curl -s -D "$T_TMP/hdr" -u "dave:dave-secret-0005" -H "dribble-paginate-count: 3" "$U/pdns/query/*.com" > "$T_TMP/cut"
check "CIRCL page cut by the client's own count: x-dribble-cursor, no x-dribble-errors" \
	bash -c "[ \$(wc -l < '$T_TMP/cut') -eq 3 ] && grep -qi '^x-dribble-cursor: 3' '$T_TMP/hdr' && ! grep -qi '^x-dribble-errors' '$T_TMP/hdr'"
curl -s -D "$T_TMP/hdr" -u "dave:dave-secret-0005" "$U/pdns/query/*.com?limit=2" > "$T_TMP/cut"
check "CIRCL page cut by the client's limit=: no x-dribble-errors" \
	bash -c "[ \$(wc -l < '$T_TMP/cut') -eq 2 ] && grep -qi '^x-dribble-cursor: 2' '$T_TMP/hdr' && ! grep -qi '^x-dribble-errors' '$T_TMP/hdr'"
curl -s -D "$T_TMP/hdr" -u "dave:dave-secret-0005" "$U/pdns/query/$OWNER" > "$T_TMP/cut"
check "CIRCL answer not cut has no x-dribble-cursor nor x-dribble-errors" \
	bash -c "[ -s '$T_TMP/cut' ] && [ \$(wc -l < '$T_TMP/cut') -lt 5 ] && ! grep -qi '^x-dribble-' '$T_TMP/hdr'"
curl -s -u "alice:alice-secret-0001" -H "dribble-filter-rrtype: MX" "$U/pdns/query/*.com" > "$T_TMP/mx"
check "dribble-filter-rrtype MX" bash -c "[ -s '$T_TMP/mx' ] && ! grep -v '\"rrtype\":\"MX\"' '$T_TMP/mx'"

# ---- hostile clients ----
for i in $(seq 200); do { exec 3<>/dev/tcp/127.0.0.1/$PORT && exec 3>&-; } 2>/dev/null; done
status "200 connections opened and abandoned, then a request" 200 -H "$K" "$U/dnsdb/v2/ping"
# a slow client dribbling its request line does not hold up another client
( exec 3<>/dev/tcp/127.0.0.1/$PORT; printf 'GET /dnsdb/' >&3; sleep 2; exec 3>&- ) &
SLOW=$!
sleep 0.2
T0=$(date +%s%N)
status "served while a slow client dribbles" 200 -H "$K" "$U/dnsdb/v2/lookup/rrset/name/$OWNER"
T1=$(date +%s%N)
check "... in under one second" test $(( (T1 - T0) / 1000000 )) -lt 1000
# a client that asks for a large stream and never reads
( exec 3<>/dev/tcp/127.0.0.1/$PORT
  printf 'GET /dnsdb/v2/lookup/rrset/name/*.?limit=0 HTTP/1.1\r\nHost: x\r\nX-API-Key: alice-secret-0001\r\n\r\n' >&3
  sleep 2; exec 3>&- ) &
STALL=$!
sleep 0.3
status "served while another client stalls reading" 200 -H "$K" "$U/dnsdb/v2/ping"
wait $SLOW $STALL
head -c 100000 /dev/zero | tr '\0' a > "$T_TMP/long"
curl -s -o /dev/null -H "$K" "$U/dnsdb/v2/lookup/rrset/name/$(cat "$T_TMP/long")" 2>/dev/null
status "after a 100 kB request line" 200 -H "$K" "$U/dnsdb/v2/ping"
# a request whose line came but whose headers never end (libmicrohttpd
# holds it without a word to the handler): cut at --timeout as one that did
# not arrive whole in time, counted as 408, frees its memory (ASan's leak
# check at exit) and does not hold up the shutdown (it used to: the whole
# --drain); checked in the metrics below
( exec 3<>/dev/tcp/127.0.0.1/$PORT; printf 'GET /dnsdb/v2/ping HTTP/1.1\r\nHost: x\r\nX-Pa' >&3
  sleep 4; exec 3>&- ) &
CUT=$!
# slowloris: 8 clients (past --max-conns 6) dribbling their headers a byte
# every 0.5 s are cut at --timeout (3 s) though never idle; they held their
# connections for good, and everyone else got 503
python3 - "$PORT" > "$T_TMP/slow" <<'P'
import socket, subprocess, sys, time
port = int(sys.argv[1])
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(8)]
req = b"GET /dnsdb/v2/ping HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: y\r\n" * 20
t0, i, alive = time.time(), 0, len(socks)
while time.time() - t0 < 5 and alive:
    alive = 0
    for s in socks:
        try:
            s.send(req[i:i + 1])
            alive += 1
        except OSError:
            pass
    i += 1
    time.sleep(0.5)
code = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                       "-H", "X-API-Key: alice-secret-0001",
                       "http://127.0.0.1:%d/dnsdb/v2/ping" % port], capture_output=True, text=True).stdout
print(alive, code)
P
read -r alive code < "$T_TMP/slow"
wait $CUT
check "8 clients dribbling their headers cut at --timeout ($alive left after 5 s), another served ($code)" \
	bash -c "[ '$alive' = 0 ] && [ '$code' = 200 ]"

# ---- keys reloaded on SIGHUP; metrics; health ----
echo "carol carol-secret-0004" >> "$T_TMP/keys"
kill -HUP $SPID; sleep 0.4
status "new key after SIGHUP" 200 -H "X-API-Key: carol-secret-0004" "$U/dnsdb/v2/ping"
status "healthz" 200 "$U/healthz"
curl -s "$U/metrics" > "$T_TMP/metrics"
check "metrics: requests by endpoint and status" grep -q 'lookback_http_requests_total{endpoint="lookup",status="200"}' "$T_TMP/metrics"
check "metrics: 429s counted" grep -q 'endpoint="lookup",status="429"' "$T_TMP/metrics"
# the 30 kB header and the 1000 fields above, which libmicrohttpd answered
# itself: 431, not 400; the requests it refused before the handler heard of
# them (a version it refuses, none, a 100 kB request line): counted, once
check "metrics: the requests libmicrohttpd refused counted as 431" \
	grep -q '^lookback_http_requests_total{endpoint="other",status="431"} 2$' "$T_TMP/metrics"
check "metrics: its 505 counted" \
	grep -q '^lookback_http_requests_total{endpoint="other",status="505"} 1$' "$T_TMP/metrics"
check "metrics: what libmicrohttpd refused itself, by status: $(grep '^lookback_http_unparsed' "$T_TMP/metrics" | tr '\n' ' ')" \
	test "$(grep '^lookback_http_unparsed_requests_total' "$T_TMP/metrics" | tr '\n' ' ')" = \
	'lookback_http_unparsed_requests_total{status="400"} 1 lookback_http_unparsed_requests_total{status="414"} 1 lookback_http_unparsed_requests_total{status="431"} 2 lookback_http_unparsed_requests_total{status="505"} 1 '
check "metrics: the request whose headers never ended, cut at --timeout, counted as 408" \
	grep -q '^lookback_http_requests_total{endpoint="other",status="408"} 1$' "$T_TMP/metrics"
check "metrics: 400s are the 25 bad requests sent (over every endpoint)" \
	test "$(awk '/^lookback_http_requests_total\{.*status="400"\}/ { n += $2 } END { print n }' "$T_TMP/metrics")" = 25
check "metrics: the 8 slow clients counted ($(grep '^lookback_http_slow_requests_total' "$T_TMP/metrics"))" \
	awk '/^lookback_http_slow_requests_total/ { n = $2 } END { exit !(n >= 8) }' "$T_TMP/metrics"
check "metrics: latency histogram" grep -q 'lookback_http_request_duration_seconds_bucket{le="+Inf"}' "$T_TMP/metrics"
check "metrics: store size and freshness per source" \
	bash -c "grep -q '^lookback_store_bytes [1-9]' '$T_TMP/metrics' && grep -q '^lookback_source_newest_seconds{source=' '$T_TMP/metrics' && grep -q '^lookback_store_oldest_seconds 1' '$T_TMP/metrics'"
python3 "$(dirname "$0")/prom_check.py" "$T_TMP/metrics" > "$T_TMP/prom" 2>&1
rc=$?
check "metrics: valid text format 0.0.4 (one group per metric, label escapes) $(head -3 "$T_TMP/prom" | tr '\n' ' ')" \
	test $rc -eq 0
check "metrics: the odd source name escaped as Prometheus wants" \
	grep -qF "lookback_source_age_seconds{source=\"odd\\\"\\\\$(printf '\t')name\\nx\"}" "$T_TMP/metrics"
# a target with control bytes (an escape sequence, a CR) is logged %-encoded
exec 3<>/dev/tcp/127.0.0.1/$PORT
printf 'GET /x\033[31mRED\001\r HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3
timeout 5 cat <&3 > /dev/null
exec 3>&-
sleep 0.2
check "access log: a target's control bytes %-encoded, none raw (and refused 400)" \
	bash -c "grep -qF ' /x%1B[31mRED%01%0D 400 ' '$T_TMP/access.log' && ! LC_ALL=C grep -q '[[:cntrl:]]' '$T_TMP/access.log'"
check "access log: key ids, never the keys" \
	bash -c "grep -q 'key=alice' '$T_TMP/access.log' && ! grep -q 'secret' '$T_TMP/access.log'"
t0=$SECONDS
kill -TERM $SPID
wait $SPID
check "SIGTERM: drains and exits 0" test $? -eq 0
check "SIGTERM: no request left waiting for (took $((SECONDS - t0)) s of --drain 10)" test $((SECONDS - t0)) -le 3

# lookback_http_objects_total counts objects as they are made: a long stream
# moves it while it runs (a client that stalls after 200 objects), not only
# once it ends, and a stream its client leaves counts what it had (a store
# whose whole answer, ~6 MB, does not fit in the sockets' buffers)
"$LOOKBACK" gen -o "$T_TMP/g2.pcap" -n 150000 --seed 11 --rate 50 &&
	"$LOOKBACK" capture -r "$T_TMP/g2.pcap" --db "$T_TMP/db2" > /dev/null 2>&1
serve_start "$T_TMP/db2" --timeout 5
[ -n "$PORT" ] || { nok "serve restarted: $(cat "$T_TMP/serve.err")"; exit 0; }
python3 - "$PORT" "$T_TMP/objs" <<'P'
import socket, subprocess, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", port))
s.sendall(b"GET /dnsdb/v2/lookup/rrset/name/*.?limit=0 HTTP/1.1\r\nHost: x\r\n\r\n")
got = b""
while got.count(b'{"obj"') < 200:
    d = s.recv(4096)
    if not d:
        break
    got += d
time.sleep(0.5)
m = subprocess.run(["curl", "-s", "http://127.0.0.1:%d/metrics" % port], capture_output=True, text=True).stdout
s.close()
objs = [l.split()[1] for l in m.splitlines() if l.startswith("lookback_http_objects_total ")]
done = any(l.startswith('lookback_http_requests_total{endpoint="lookup"') for l in m.splitlines())
open(out, "w").write("%s %d %d\n" % (objs[0] if objs else "-", got.count(b'{"obj"'), done))
P
read -r objs got done < "$T_TMP/objs"
check "metrics: objects of a stream still running counted ($objs >= $got received, stream ended: $done)" \
	bash -c "[ '$done' = 0 ] && [ '$objs' != - ] && [ '$objs' -ge '$got' ] && [ '$got' -ge 200 ]"
