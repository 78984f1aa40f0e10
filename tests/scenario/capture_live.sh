#!/bin/bash
# lookback-test: serial (live capture on lo of what is sent to 127.0.0.1:53)
# Live capture on the loopback interface: SIGTERM stops it promptly, and with
# --db a quiet interface still gets its window written within --flush-secs, so
# a kill -9 loses nothing older than that.
. "$(dirname "$0")/lib.sh"

# what this test sends, to 127.0.0.1:53, and nothing else: the other tests run
# beside it (tests/run.sh), some with DNS servers on other loopback addresses
F='udp dst port 53 and dst host 127.0.0.1'
# ready PID: the capture catches SIGTERM - it sets its handlers once the device
# is open with the filter on, so what is sent from now on is seen (a fixed
# sleep was too short for the ASan build beside other tests: a SIGTERM before
# the handler ended it with 143, not 0); up to 10 s
ready() {
	local m
	for _ in $(seq 200); do
		m=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2> /dev/null)
		[ -n "$m" ] && [ $(( 0x$m >> 14 & 1 )) -eq 1 ] && return 0
		sleep 0.05
	done
	return 1
}

timeout 1 "$LOOKBACK" capture -i lo -f "$F" --stats -q > /dev/null 2>&1
rc=$? # 124: it ran until timeout stopped it, so live capture works
if [ $rc -ne 124 ] && [ $rc -ne 0 ]; then
	skip "live capture on lo is not possible here (needs root / CAP_NET_RAW)"
	exit 0
fi

# SIGTERM on an idle interface ends the capture at once, with status 0
"$LOOKBACK" capture -i lo -f "$F" --stats -q > "$T_TMP/idle.stats" 2>&1 &
pid=$!
ready $pid
t0=$(date +%s%N)
kill -TERM $pid
wait $pid; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "SIGTERM stops an idle live capture with status 0 (got $rc)" test $rc -eq 0
check "... within a second (${ms} ms)" test $ms -lt 1000
check "... and prints its counters" grep -q '^pcap_received' "$T_TMP/idle.stats"

# a response seen on lo reaches the store within --flush-secs while capture runs
DB="$T_TMP/db"
"$LOOKBACK" capture -i lo -f "$F" --db "$DB" --flush-secs 1 --sensor live -q 2> "$T_TMP/cap.err" &
pid=$!
ready $pid
python3 - <<'PY'
import socket, struct
# a DNS response: live.lbtest. A 192.0.2.77, sent to port 53 on loopback
q = b"\x04live\x06lbtest\x00" + struct.pack("!HH", 1, 1)
msg = struct.pack("!HHHHHH", 0x1234, 0x8180, 1, 1, 0, 0) + q
msg += b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + bytes([192, 0, 2, 77])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(msg, ("127.0.0.1", 53))
PY
found=0
for _ in $(seq 40); do
	if "$LOOKBACK" query --db "$DB" -r live.lbtest -f cof 2>/dev/null | grep -q '192.0.2.77'; then found=1; break; fi
	sleep 0.1
done
check "an observation on a quiet interface is in the store within the flush interval" test $found -eq 1
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
"$LOOKBACK" query --db "$DB" -r live.lbtest -f cof > "$T_TMP/after.cof" 2>&1
check "after kill -9 the store reopens and still holds it" grep -q '"rdata":\["192.0.2.77"\]' "$T_TMP/after.cof"
"$LOOKBACK" capture -i lo --flush-secs 0 --db "$DB" > /dev/null 2>&1; rc=$?
check "--flush-secs 0 is a usage error (exit 2, got $rc)" test $rc -eq 2

# SIGHUP writes the window at once (flush interval an hour here) and keeps running
DB2="$T_TMP/db2"
"$LOOKBACK" capture -i lo -f "$F" --db "$DB2" --flush-secs 3600 -q 2> "$T_TMP/cap2.err" &
pid=$!
ready $pid
python3 - <<'PY'
import socket, struct
q = b"\x03hup\x06lbtest\x00" + struct.pack("!HH", 1, 1)
msg = struct.pack("!HHHHHH", 0x4321, 0x8180, 1, 1, 0, 0) + q
msg += b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + bytes([192, 0, 2, 88])
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(msg, ("127.0.0.1", 53))
PY
sleep 0.5
kill -HUP $pid
found=0
for _ in $(seq 40); do
	if "$LOOKBACK" query --db "$DB2" -r hup.lbtest -f cof 2>/dev/null | grep -q '192.0.2.88'; then found=1; break; fi
	sleep 0.1
done
check "SIGHUP writes the window to the store" test $found -eq 1
check "... and the capture keeps running" kill -0 $pid
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null

# --metrics: the capture's own counters, drops by reason and libpcap's drops
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$LOOKBACK" capture -i lo -f "$F" --metrics 127.0.0.1:$PORT -q --stats > /dev/null 2>&1 &
pid=$!
up=0
for _ in $(seq 40); do curl -sf "http://127.0.0.1:$PORT/metrics" > /dev/null && { up=1; break; }; sleep 0.1; done
check "--metrics serves /metrics" test $up -eq 1
python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"\x12\x34\x81", ("127.0.0.1", 53))   # 3 bytes: too short for DNS
PY
seen=0
for _ in $(seq 30); do
	curl -sf "http://127.0.0.1:$PORT/metrics" > "$T_TMP/metrics" 2>/dev/null
	grep -q '^lookback_capture_drops_total{reason="dns_truncated"} [1-9]' "$T_TMP/metrics" && { seen=1; break; }
	sleep 0.2
done
check "a short packet shows up as a drop with its reason in /metrics" test $seen -eq 1
check "/metrics carries libpcap's counters" grep -q '^lookback_capture_pcap_dropped_total ' "$T_TMP/metrics"
check "/metrics counts packets" grep -qE '^lookback_capture_packets_total [1-9]' "$T_TMP/metrics"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/other")
check "other paths are 404 (got $code)" test "$code" = 404
kill -TERM $pid; wait $pid
"$LOOKBACK" capture -i lo --metrics 0.0.0.0:0 --stats > /dev/null 2>&1; rc=$?
check "--metrics on a non-loopback address is refused (exit 2, got $rc)" test $rc -eq 2

# --user drops privileges before the store is opened: a store directory the user
# cannot write fails (exit 3) with a message that says what to do
if [ "$(id -u)" -eq 0 ] && id nobody > /dev/null 2>&1; then
	mkdir -m 755 "$T_TMP/rootdir" # (and T_TMP itself is 700: nobody cannot create there)
	timeout 10 "$LOOKBACK" capture -i lo -f "$F" -q --user nobody \
		--db "$T_TMP/rootdir/db" > /dev/null 2> "$T_TMP/user.err"
	rc=$?
	check "--user nobody with a store it cannot write: exit 3 ($rc), says to make it writable" \
		bash -c "test $rc -eq 3 && grep -q 'writable by nobody' '$T_TMP/user.err'"
else
	skip "--user nobody: not root, or no user nobody"
fi
