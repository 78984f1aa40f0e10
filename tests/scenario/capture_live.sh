#!/bin/bash
# lookback-test: serial (live capture on lo)
# Live capture on the loopback interface: SIGTERM stops it promptly, and with
# --db a quiet interface still gets its window written within --flush-secs, so
# a kill -9 loses nothing older than that.
. "$(dirname "$0")/lib.sh"

timeout 1 "$LOOKBACK" capture -i lo -f 'udp port 53' --stats -q > /dev/null 2>&1
rc=$? # 124: it ran until timeout stopped it, so live capture works
if [ $rc -ne 124 ] && [ $rc -ne 0 ]; then
	skip "live capture on lo is not possible here (needs root / CAP_NET_RAW)"
	exit 0
fi

# SIGTERM on an idle interface ends the capture at once, with status 0
"$LOOKBACK" capture -i lo -f 'udp port 53' --stats -q > "$T_TMP/idle.stats" 2>&1 &
pid=$!
sleep 0.5
t0=$(date +%s%N)
kill -TERM $pid
wait $pid; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "SIGTERM stops an idle live capture with status 0 (got $rc)" test $rc -eq 0
check "... within a second (${ms} ms)" test $ms -lt 1000
check "... and prints its counters" grep -q '^pcap_received' "$T_TMP/idle.stats"

# a response seen on lo reaches the store within --flush-secs while capture runs
DB="$T_TMP/db"
"$LOOKBACK" capture -i lo -f 'udp port 53' --db "$DB" --flush-secs 1 --sensor live -q 2> "$T_TMP/cap.err" &
pid=$!
sleep 0.7
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
