#!/bin/bash
# serve_tls: `lookback serve --tls-cert/--tls-key` speaks HTTPS (a fresh
# self-signed certificate, checked by curl against it), refuses plain HTTP on
# that port, keeps its rules on keys; bad TLS options are usage errors; and
# SIGHUP reopens the access log (rotation) and reads the certificate and key
# again (a renewed certificate is served without a restart; a bad pair keeps
# the old one).
. "$(dirname "$0")/lib.sh"
command -v curl > /dev/null || { skip "curl is not installed"; exit 0; }
command -v openssl > /dev/null || { skip "openssl is not installed"; exit 0; }
D=$T_TMP/db
"$LOOKBACK" gen -o "$T_TMP/g.pcap" -n 5000 --seed 3 || { nok gen; exit 0; }
"$LOOKBACK" capture -r "$T_TMP/g.pcap" --db "$D" > /dev/null 2>&1
check "capture --db" test -d "$D"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/key.pem" -out "$T_TMP/cert.pem" \
	-days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 > /dev/null 2>&1
check "a self-signed certificate for 127.0.0.1" test -s "$T_TMP/cert.pem"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/key2.pem" -out "$T_TMP/cert2.pem" \
	-days 2 -subj /CN=other > /dev/null 2>&1

# usage errors: exit 2 with a reason
usage_err() { # DESC WANT-IN-STDERR ARGS...
	local d=$1 w=$2 rc; shift 2
	"$LOOKBACK" serve --db "$D" --listen 127.0.0.1:0 "$@" > /dev/null 2> "$T_TMP/err"
	rc=$?
	if [ $rc -eq 2 ] && grep -qi -- "$w" "$T_TMP/err"; then ok "$d: exit 2, says why"
	else nok "$d: exit $rc: $(head -c 200 "$T_TMP/err")"; fi
}
usage_err "--tls-cert alone" "tls-key" --tls-cert "$T_TMP/cert.pem"
usage_err "--tls-key alone" "tls-cert" --tls-key "$T_TMP/key.pem"
usage_err "unreadable certificate" "tls-cert" --tls-cert "$T_TMP/nope.pem" --tls-key "$T_TMP/key.pem"
"$LOOKBACK" serve --db "$D" --listen 127.0.0.1:0 --tls-cert "$T_TMP/cert.pem" \
	--tls-key "$T_TMP/key2.pem" > /dev/null 2> "$T_TMP/err" &
p=$!
( sleep 10; kill $p 2> /dev/null ) &
wait $p
rc=$?
check "certificate and key that do not match: exit 2, says why ($rc)" \
	bash -c "[ $rc -eq 2 ] && grep -qi 'not the key of the --tls-cert certificate' '$T_TMP/err'"
"$LOOKBACK" serve --db "$D" --listen 0.0.0.0:0 --tls-cert "$T_TMP/cert.pem" \
	--tls-key "$T_TMP/key.pem" > /dev/null 2> "$T_TMP/err"
rc=$?
check "HTTPS on 0.0.0.0 without keys: still refused (exit 2)" \
	bash -c "[ $rc -eq 2 ] && grep -q 'keys' '$T_TMP/err'"

cat > "$T_TMP/keys" <<K
alice alice-secret-0001
K
serve_start "$D" --tls-cert "$T_TMP/cert.pem" --tls-key "$T_TMP/key.pem" --keys "$T_TMP/keys" \
	--access-log "$T_TMP/access.log"
[ -n "$PORT" ] || { nok "serve started: $(cat "$T_TMP/serve.err")"; exit 0; }
U=https://127.0.0.1:$PORT
C=(curl -s --max-time 10 --cacert "$T_TMP/cert.pem" -H "X-API-Key: alice-secret-0001")
check "ping over HTTPS, the certificate verified" \
	bash -c "[ \"\$(${C[*]@Q} '$U/dnsdb/v2/ping')\" = '{\"ping\":\"ok\"}' ]"
name=$("$LOOKBACK" export --db "$D" -f cof 2> /dev/null | grep -m1 "\"rrname\"" | sed 's/.*"rrname":"\([^"]*\)".*/\1/')
"${C[@]}" "$U/dnsdb/v2/lookup/rrset/name/$name" > "$T_TMP/https.out"
"$LOOKBACK" query --db "$D" -r "$name" -f cof 2> /dev/null > "$T_TMP/q.out"
check "a lookup over HTTPS: SAF begin, $(wc -l < "$T_TMP/q.out") objects as lookback query, succeeded" \
	bash -c "head -1 '$T_TMP/https.out' | grep -q begin && tail -1 '$T_TMP/https.out' | grep -q succeeded && [ \$(grep -c '\"obj\"' '$T_TMP/https.out') -eq \$(wc -l < '$T_TMP/q.out') ] && [ \$(wc -l < '$T_TMP/q.out') -gt 0 ]"
got=$(curl -s --max-time 10 --cacert "$T_TMP/cert.pem" -o /dev/null -w '%{http_code}' "$U/dnsdb/v2/ping")
check "no key over HTTPS: 403 ($got)" test "$got" = 403
got=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/dnsdb/v2/ping")
check "plain HTTP on the HTTPS port gets no HTTP answer ($got)" test "$got" = 000
got=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$U/dnsdb/v2/ping")
check "a client that does not trust the certificate stops ($got)" test "$got" = 000

# log rotation: move the file away, SIGHUP, the next request lands in a new file
n1=$(wc -l < "$T_TMP/access.log")
mv "$T_TMP/access.log" "$T_TMP/access.log.1"
kill -HUP $SPID
for _ in $(seq 50); do [ -e "$T_TMP/access.log" ] && break; sleep 0.1; done
"${C[@]}" "$U/dnsdb/v2/ping" > /dev/null
sleep 0.2
check "SIGHUP: the access log is reopened at its path (rotation)" \
	bash -c "[ \$(wc -l < '$T_TMP/access.log') -eq 1 ] && grep -q 'dnsdb/v2/ping' '$T_TMP/access.log' && [ \$(wc -l < '$T_TMP/access.log.1') -eq $n1 ] && [ $n1 -ge 3 ]"
check "keys never in the access logs" bash -c "! grep -q alice-secret '$T_TMP'/access.log*"

# certificate renewal: new files at the same paths, SIGHUP, new connections
# get the new certificate (the old one no longer verifies them)
cp "$T_TMP/cert.pem" "$T_TMP/cert.old.pem"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/key3.pem" -out "$T_TMP/cert3.pem" \
	-days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 > /dev/null 2>&1
cp "$T_TMP/cert3.pem" "$T_TMP/cert.pem"
cp "$T_TMP/key3.pem" "$T_TMP/key.pem"
n0=$(grep -c 'TLS certificate and key reloaded' "$T_TMP/serve.err")
kill -HUP $SPID
for _ in $(seq 50); do [ "$(grep -c 'TLS certificate and key reloaded' "$T_TMP/serve.err")" -gt "$n0" ] && break; sleep 0.1; done
check "SIGHUP: says the TLS certificate and key were reloaded" \
	test "$(grep -c 'TLS certificate and key reloaded' "$T_TMP/serve.err")" -eq $((n0 + 1))
got=$(curl -s --max-time 10 --cacert "$T_TMP/cert3.pem" -H "X-API-Key: alice-secret-0001" "$U/dnsdb/v2/ping")
check "after the reload the renewed certificate is served ($got)" test "$got" = '{"ping":"ok"}'
got=$(curl -s --max-time 5 --cacert "$T_TMP/cert.old.pem" -o /dev/null -w '%{http_code}' "$U/dnsdb/v2/ping")
check "the old certificate no longer verifies new connections ($got)" test "$got" = 000
# a key that is not the certificate's: the reload is refused, the renewed pair stays
cp "$T_TMP/key2.pem" "$T_TMP/key.pem"
kill -HUP $SPID
for _ in $(seq 50); do grep -q 'keeping the old TLS certificate' "$T_TMP/serve.err" && break; sleep 0.1; done
check "SIGHUP with a mismatched key: keeps the old certificate, says why" \
	grep -q 'keeping the old TLS certificate: the --tls-key private key is not the key' "$T_TMP/serve.err"
got=$(curl -s --max-time 10 --cacert "$T_TMP/cert3.pem" -H "X-API-Key: alice-secret-0001" "$U/dnsdb/v2/ping")
check "and still serves the certificate it had ($got)" test "$got" = '{"ping":"ok"}'

kill -TERM $SPID
wait $SPID
check "SIGTERM: exits 0" test $? -eq 0
echo "1..$T_N"
