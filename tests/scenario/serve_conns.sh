#!/bin/bash
# lookback-test: waits (20 s, most of it for the --timeout cases: a tenth of a core)
# serve_conns: how `lookback serve` shares its connections among clients.
# --max-conns-per-ip: one client address cannot take every connection slot
# (its connections past N are closed as they come, and counted), while its
# first N are answered as before.  --timeout: a request's line and headers
# must arrive within it from the request's start; on a keep-alive connection
# that is its first byte, not the end of the previous answer (the idle time
# between is libmicrohttpd's idle timeout, the same --timeout).
. "$(dirname "$0")/lib.sh"
command -v curl > /dev/null || { skip "curl is not installed"; exit 0; }
D=$T_TMP/db
"$LOOKBACK" gen -o "$T_TMP/g.pcap" -n 2000 --seed 3 > /dev/null 2>&1
"$LOOKBACK" capture -q -r "$T_TMP/g.pcap" --db "$D" > /dev/null 2>&1
check "a store to serve" test -d "$D"

# usage: a count, 0 included (unlimited); not a word or a sign
for bad in x -1 100001; do
	"$LOOKBACK" serve --db "$D" --max-conns-per-ip "$bad" > /dev/null 2> "$T_TMP/err"
	rc=$?
	check "--max-conns-per-ip $bad: usage error (exit 2, says why)" \
		bash -c "[ $rc -eq 2 ] && grep -q 'max-conns-per-ip' '$T_TMP/err'"
done
check "--help names --max-conns-per-ip" bash -c "'$LOOKBACK' serve --help | grep -q -- '--max-conns-per-ip N'"

# httpans.py: answer(s, wait), the status of one HTTP answer read from s
# (its body read whole), 0 if s closed or said nothing within wait seconds.
cat > "$T_TMP/httpans.py" <<'P'
def answer(s, wait):
    s.settimeout(wait)
    got = b""
    try:
        while b"\r\n\r\n" not in got:
            d = s.recv(4096)
            if not d:
                return 0
            got += d
        head, body = got.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        n = sum(int(v) for k, _, v in (l.partition(":") for l in lines[1:])
                if k.strip().lower() == "content-length")
        while len(body) < n:
            d = s.recv(4096)
            if not d:
                return 0
            body += d
        return int(lines[0].split()[1])
    except (OSError, ValueError, IndexError):
        return 0
P
# conns.py PORT N EXTRA: N keep-alive connections from 127.0.0.1, each asks
# once; then EXTRA more, each asking; then the N ask again; then all close
# and one new connection asks.  Prints: the N's first answers (200s), the
# EXTRA answered, the N's second answers, the new connection's status.
cat > "$T_TMP/conns.py" <<'P'
import socket, sys, time
from httpans import answer
port, n, extra = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
REQ = b"GET /dnsdb/v2/ping HTTP/1.1\r\nHost: x\r\n\r\n"

def ask(s):
    """The status of one answer on s, or 0 if it closed without one."""
    try:
        s.sendall(REQ)
    except OSError:
        return 0
    return answer(s, 5)

def conn():
    return socket.create_connection(("127.0.0.1", port))

first = [conn() for _ in range(n)]
a1 = sum(ask(s) == 200 for s in first)
more = []
for _ in range(extra):
    try:
        more.append(conn())
    except OSError:
        pass
time.sleep(0.3)
a_extra = sum(ask(s) == 200 for s in more)
a2 = sum(ask(s) == 200 for s in first)
for s in first + more:
    s.close()
time.sleep(0.5)
s = conn()
last = ask(s)
s.close()
print(a1, a_extra, a2, last)
P
metric() { curl -s "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

serve_start "$D" --max-conns-per-ip 4
[ -n "$PORT" ] || { nok "serve --max-conns-per-ip 4 started: $(cat "$T_TMP/serve.err")"; exit 0; }
r0=$(metric lookback_http_refused_per_ip_total)
read -r a1 ax a2 last <<< "$(python3 "$T_TMP/conns.py" "$PORT" 4 3)"
check "--max-conns-per-ip 4: the first 4 connections answered ($a1 of 4)" test "$a1" = 4
check "--max-conns-per-ip 4: 3 more from the same address refused ($ax answered)" test "$ax" = 0
check "--max-conns-per-ip 4: the first 4 answered again on their connections ($a2 of 4)" test "$a2" = 4
check "--max-conns-per-ip 4: once they closed, a new connection is answered ($last)" test "$last" = 200
r1=$(metric lookback_http_refused_per_ip_total)
check "metrics: lookback_http_refused_per_ip_total counts the 3 refused ($r0 -> $r1)" \
	bash -c "[ '$r0' = 0 ] && [ '$r1' = 3 ]"
check "metrics: the connection cap's own counter did not move" \
	test "$(metric lookback_http_refused_total)" = 0
kill $SPID; wait $SPID 2> /dev/null

# 0 = unlimited: 12 connections of one address, all answered
serve_start "$D" --max-conns-per-ip 0
[ -n "$PORT" ] || { nok "serve --max-conns-per-ip 0 started: $(cat "$T_TMP/serve.err")"; exit 0; }
read -r a1 ax a2 last <<< "$(python3 "$T_TMP/conns.py" "$PORT" 8 4)"
check "--max-conns-per-ip 0: 12 connections of one address all answered ($a1 + $ax, again $a2)" \
	bash -c "[ '$a1' = 8 ] && [ '$ax' = 4 ] && [ '$a2' = 8 ]"
check "metrics: nothing refused" test "$(metric lookback_http_refused_per_ip_total)" = 0
kill $SPID; wait $SPID 2> /dev/null

# the default is 64: a client's 64 keep-alive connections answered, the
# 65th refused
serve_start "$D"
[ -n "$PORT" ] || { nok "serve started: $(cat "$T_TMP/serve.err")"; exit 0; }
read -r a1 ax a2 last <<< "$(python3 "$T_TMP/conns.py" "$PORT" 64 2)"
check "default: 64 connections of one address answered, 2 more refused ($a1, $ax, again $a2)" \
	bash -c "[ '$a1' = 64 ] && [ '$ax' = 0 ] && [ '$a2' = 64 ]"
kill $SPID; wait $SPID 2> /dev/null
# ---- the request-header deadline on keep-alive connections (--timeout 3) ----
cat > "$T_TMP/keepalive.py" <<'P'
import socket, sys, threading, time
from httpans import answer
port, case = int(sys.argv[1]), sys.argv[2]
REQ = b"GET /dnsdb/v2/ping HTTP/1.1\r\nHost: x\r\nUser-Agent: slow-but-legit\r\nAccept: */*\r\n\r\n"

def send(s, data, pieces, gap):
    """data in pieces, gap seconds apart; False once the server closed."""
    step = -(-len(data) // pieces)
    try:
        for i in range(0, len(data), step):
            if i:
                time.sleep(gap)
            s.sendall(data[i:i + step])
    except OSError:
        return False
    return True

s = socket.create_connection(("127.0.0.1", port))
s.sendall(REQ)
first = answer(s, 5)
if case == "slow2":
    # idle 2 s, then the second request's headers over 1.5 s: 3.5 s after the
    # first answer, 1.5 s after the request's own start
    time.sleep(2)
    send(s, REQ, 4, 0.5)
    print(first, answer(s, 5))
elif case == "late2":
    # idle 2.7 s, then the second request at once
    time.sleep(2.7)
    send(s, REQ, 1, 0)
    print(first, answer(s, 5))
elif case == "dribble2":
    # idle 1 s, then the second request a byte every 0.4 s (never idle for
    # --timeout): cut about --timeout after its first byte
    time.sleep(1)
    t0 = time.time()
    result = []
    def reader():
        result.append(answer(s, 20))
        result.append(time.time() - t0)
    r = threading.Thread(target=reader)
    r.start()
    for i in range(len(REQ)):
        if not r.is_alive() or not send(s, REQ[i:i + 1], 1, 0):
            break
        time.sleep(0.4)
    r.join()
    print(first, result[0], "%.1f" % result[1])
elif case == "idle":
    # nothing after the first answer: libmicrohttpd's idle timeout closes it
    t0 = time.time()
    print(first, answer(s, 20), "%.1f" % (time.time() - t0))
P
serve_start "$D" --timeout 3
[ -n "$PORT" ] || { nok "serve --timeout 3 started: $(cat "$T_TMP/serve.err")"; exit 0; }
read -r a b <<< "$(python3 "$T_TMP/keepalive.py" "$PORT" slow2)"
check "keep-alive: 2 s idle, then a request whose headers take 1.5 s: answered ($a, then $b)" \
	bash -c "[ '$a' = 200 ] && [ '$b' = 200 ]"
read -r a b <<< "$(python3 "$T_TMP/keepalive.py" "$PORT" late2)"
check "keep-alive: 2.7 s idle, then a request at once: answered ($a, then $b)" \
	bash -c "[ '$a' = 200 ] && [ '$b' = 200 ]"
check "metrics: no slow request counted so far" test "$(metric lookback_http_slow_requests_total)" = 0
read -r a b t <<< "$(python3 "$T_TMP/keepalive.py" "$PORT" dribble2)"
check "keep-alive: a second request dribbled a byte every 0.4 s is cut about 3 s after its first byte ($a, then $b after $t s)" \
	bash -c "[ '$a' = 200 ] && [ '$b' = 0 ] && awk -v t='$t' 'BEGIN { exit !(t >= 2.5 && t < 4.5) }'"
check "metrics: the dribbler counted as slow" test "$(metric lookback_http_slow_requests_total)" = 1
read -r a b t <<< "$(python3 "$T_TMP/keepalive.py" "$PORT" idle)"
check "keep-alive: an idle connection is closed by the idle timeout ($a, then $b after $t s)" \
	bash -c "[ '$a' = 200 ] && [ '$b' = 0 ] && awk -v t='$t' 'BEGIN { exit !(t >= 2.5 && t < 6) }'"
check "metrics: ... not counted as slow" test "$(metric lookback_http_slow_requests_total)" = 1
kill $SPID; wait $SPID 2> /dev/null
echo "1..$T_N"
