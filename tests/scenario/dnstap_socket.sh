#!/bin/bash
# lookback-test: waits (9 s, most of it for the clients' pauses and timeouts: a quarter of a core)
# `lookback tap` as a Frame Streams server on a unix socket and on TCP: many
# well-behaved clients at once beside hostile ones (garbage, oversized
# control frames, foreign content types, protocol order violations, a client
# vanishing mid-frame).  Every good message must arrive; every hostile client
# is disconnected without harming the others; the client limit holds.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 > /dev/null || { skip "dnstap_socket: python3 is not installed"; exit 0; }

wait_for() { # DESC TRIES CMD...
	local d=$1 n=$2; shift 2
	while [ "$n" -gt 0 ]; do
		"$@" > /dev/null 2>&1 && return 0
		sleep 0.05
		n=$((n - 1))
	done
	echo "# timed out waiting for $d"
	return 1
}

SOCK="$T_TMP/tap.sock"
"$LOOKBACK" tap -u "$SOCK" -l 127.0.0.1:0 --jsonl --stats > "$T_TMP/out.jsonl" 2> "$T_TMP/err" &
TAP=$!
trap 'kill $TAP 2> /dev/null; rm -rf "$T_TMP"' EXIT
wait_for "tap" 200 grep -q 'listening on tcp port' "$T_TMP/err" || { nok "tap starts"; cat "$T_TMP/err"; exit 0; }
wait_for "unix socket" 100 test -S "$SOCK"
PORT=$(sed -n 's/.*listening on tcp port \([0-9]*\).*/\1/p' "$T_TMP/err")
ok "tap listens on a unix socket and TCP port $PORT"

python3 "$HERE/fstrm_clients.py" "unix:$SOCK" 20 200 > "$T_TMP/unix.v" 2>&1 &
U=$!
python3 "$HERE/fstrm_clients.py" "tcp:127.0.0.1:$PORT" 10 100 > "$T_TMP/tcp.v" 2>&1 &
T=$!
wait $U
wait $T
for v in unix tcp; do
	while read -r w desc; do
		case $w in
		PASS) ok "$v: $desc" ;;
		FAIL) nok "$v: $desc" ;;
		esac
	done < "$T_TMP/$v.v"
	grep -q '^SENT' "$T_TMP/$v.v" || { nok "$v clients ran"; sed 's/^/# /' "$T_TMP/$v.v" | head; }
done
SENT=$(($(awk '/^SENT/ {print $2}' "$T_TMP/unix.v") + $(awk '/^SENT/ {print $2}' "$T_TMP/tcp.v")))

kill $TAP
wait $TAP
check "tap exits 0 on SIGTERM" test $? -eq 0
stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$T_TMP/err"; }
check "every good message arrived ($SENT)" test "$(stat_of dnstap_messages)" = "$SENT"
check "one answer RRset per message on stdout" test "$(wc -l < "$T_TMP/out.jsonl")" -eq "$SENT"
check "30 streams finished with STOP/FINISH" test "$(stat_of dnstap_streams_finished)" = 30
check "the 10 hostile clients were dropped" test "$(stat_of dnstap_clients_dropped)" = 10
check "the vanished clients count as truncated" test "$(stat_of dnstap_bad_truncated)" = 2
check "no bad protobuf from the good clients" test -z "$(stat_of dnstap_bad_protobuf_bad)"
check "socket file removed at exit" test ! -e "$SOCK"

# client limit: the third concurrent client is refused, the first two served
"$LOOKBACK" tap -u "$SOCK" --max-clients 2 --stats > "$T_TMP/lim" 2>&1 &
TAP=$!
wait_for "unix socket" 100 test -S "$SOCK"
python3 - "$SOCK" "$HERE" > "$T_TMP/lim.v" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import fstrm_clients as fc
socks = []
for i in range(3):
    s, word = fc.try_ready(sys.argv[1])
    socks.append(s)
    print("client%d %s" % (i, word))
PY
kill $TAP
wait $TAP
check "clients within the limit get ACCEPT" grep -qx 'client1 accepted' "$T_TMP/lim.v"
check "the client over the limit is refused" grep -qx 'client2 refused' "$T_TMP/lim.v"
check "refusals are counted" grep -qx 'dnstap_clients_refused 1' "$T_TMP/lim"
"$LOOKBACK" tap -l 127.0.0.1 --stats > /dev/null 2>&1
check "a listen address without port is a usage error" test $? -eq 2

# a client that never starts its stream is closed after --handshake-secs:
# silent connections up to --max-clients do not lock resolvers out
"$LOOKBACK" tap -u "$SOCK" --max-clients 2 --handshake-secs 1 --stats > "$T_TMP/hs.err" 2>&1 &
TAP=$!
wait_for "unix socket" 100 test -S "$SOCK"
python3 - "$SOCK" "$HERE" > "$T_TMP/hs.v" <<'PY'
import socket, sys, time
sys.path.insert(0, sys.argv[2])
import fstrm_clients as fc
idle = []
for i in range(2):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    idle.append(s)
time.sleep(2.5)
for s in idle:
    s.settimeout(2)
    try:
        print("idle", "closed" if s.recv(16) == b"" else "data")
    except socket.timeout:
        print("idle open")
for i in range(2):
    s, word = fc.try_ready(sys.argv[1])
    if word == "accepted":
        # START: a writer, not an idle client.  With READY alone, a tap
        # that did not run for a second (a loaded machine) before these
        # hung up timed them out too (the count below was once 3 or more)
        s.sendall(fc.control(2, fc.CT))
    print("writer", word)
    idle.append(s)
PY
kill $TAP
wait $TAP
check "idle clients are closed after --handshake-secs" test "$(grep -c '^idle closed' "$T_TMP/hs.v")" = 2
check "... and counted" grep -q '^dnstap_clients_timed_out 2' "$T_TMP/hs.err" ||
	grep '^dnstap_clients' "$T_TMP/hs.err" | sed 's/^/# /' # what it counted
check "writers connecting then are served (both slots free)" test "$(grep -c '^writer accepted' "$T_TMP/hs.v")" = 2
# started streams that then go quiet inside a frame held every place for
# good: at the limit, a new writer takes the place of the one quiet the
# longest (quiet --handshake-secs or more); a busy one keeps its place
# (3 s: the early writer comes 0.3 s after them, a margin that holds under
# ASan on a loaded machine; with 1 s it came after the others' quiet second
# once in a CI run)
"$LOOKBACK" tap -u "$SOCK" --max-clients 2 --handshake-secs 3 --stats > "$T_TMP/ev.err" 2>&1 &
TAP=$!
wait_for "unix socket" 100 test -S "$SOCK"
python3 - "$SOCK" "$HERE" > "$T_TMP/ev.v" <<'PY'
import socket, struct, sys, time
sys.path.insert(0, sys.argv[2])
import fstrm_clients as fc
held = []
for i in range(2):
    s, word = fc.try_ready(sys.argv[1])
    s.sendall(fc.control(2, fc.CT) + struct.pack(">I", 1000) + b"x" * 10)  # START, half a frame
    held.append(s)
time.sleep(0.3)
s, word = fc.try_ready(sys.argv[1])
print("early", word)  # both quiet for less than 3 s: refused
time.sleep(3.5)
s, word = fc.try_ready(sys.argv[1])
print("late", word)
s2, word = fc.try_ready(sys.argv[1])
print("late2", word)
PY
kill $TAP
wait $TAP
check "at the limit, a writer is refused while the others are not quiet --handshake-secs" grep -qx 'early refused' "$T_TMP/ev.v"
check "... and then takes the place of one quiet inside a frame" \
	bash -c "grep -qx 'late accepted' '$T_TMP/ev.v' && grep -qx 'late2 accepted' '$T_TMP/ev.v'"
check "... counted, their cut frames too" \
	bash -c "grep -qx 'dnstap_clients_evicted 2' '$T_TMP/ev.err' && grep -Eq '^dnstap_bad_truncated [2-9]' '$T_TMP/ev.err'"
"$LOOKBACK" tap -u "$SOCK" --handshake-secs 0 > /dev/null 2>&1
check "--handshake-secs 0 is a usage error" test $? -eq 2

# what a writer sent and closed just before tap is stopped is read, not lost
# with its socket: tap is held (SIGSTOP) while the writer sends 50 messages
# and closes without STOP, then gets SIGTERM and goes on
"$LOOKBACK" tap -u "$SOCK" --jsonl --stats > "$T_TMP/late.jsonl" 2> "$T_TMP/late.err" &
TAP=$!
wait_for "unix socket" 100 test -S "$SOCK"
python3 - "$SOCK" "$TAP" "$HERE" <<'PY'
import os, signal, sys, time
sys.path.insert(0, sys.argv[3])
import fstrm_clients as fc
pid = int(sys.argv[2])
s = fc.connect("unix:" + sys.argv[1])
s.sendall(fc.control(4, fc.CT))  # READY
fc.read_control(s)               # ACCEPT
s.sendall(fc.control(2, fc.CT))  # START
time.sleep(0.3)
os.kill(pid, signal.SIGSTOP)
s.sendall(b"".join(fc.dnstap_frame(i) for i in range(50)))
s.close()
os.kill(pid, signal.SIGTERM)
os.kill(pid, signal.SIGCONT)
PY
wait $TAP
check "tap stopped just after a writer closed exits 0" test $? -eq 0
check "... having read its 50 messages" test "$(wc -l < "$T_TMP/late.jsonl")" -eq 50
check "... and counted its stream as unfinished, not cut" grep -q '^dnstap_streams_unfinished 1' "$T_TMP/late.err"

# a live socket is not taken over (unlinked and bound again) by a second tap
"$LOOKBACK" tap -u "$SOCK" --jsonl > "$T_TMP/first.jsonl" 2> /dev/null &
TAP=$!
wait_for "unix socket" 100 test -S "$SOCK"
timeout 5 "$LOOKBACK" tap -u "$SOCK" --stats > /dev/null 2> "$T_TMP/second.err" # (it used to take the socket and run)
check "a second tap on a live socket exits 2" test $? -eq 2
check "... and says another process listens on it" grep -q "another process is listening" "$T_TMP/second.err"
python3 "$HERE/fstrm_clients.py" "unix:$SOCK" 1 5 > "$T_TMP/first.v" 2>&1
kill $TAP
wait $TAP
check "the first tap still receives on it" test "$(wc -l < "$T_TMP/first.jsonl")" -eq 5
# a stale socket file (nobody listening) is replaced
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$SOCK"
"$LOOKBACK" tap -u "$SOCK" --stats > /dev/null 2>&1 &
TAP=$!
wait_for "tap on the stale socket" 100 python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' "$SOCK"
check "a stale socket file is replaced" kill -0 $TAP
kill $TAP
wait $TAP
# -l ADDR:PORT with a port that is not one (getaddrinfo took 99999 as 34463, +80 as 80)
for p in 99999 +80 80x; do
	timeout 5 "$LOOKBACK" tap -l "127.0.0.1:$p" --jsonl > /dev/null 2> "$T_TMP/lport.err"
	rc=$?
	check "tap -l 127.0.0.1:$p: exit 2 ($rc), names the port" \
		bash -c "test $rc -eq 2 && grep -q 'port' '$T_TMP/lport.err'"
done
exit 0
