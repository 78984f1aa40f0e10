#!/bin/bash
# Long work shows progress on a terminal (and only there): import, capture, tap -r,
# gen and stats run under a pseudo-terminal (script(1) from util-linux) and with
# stderr to a file.
. "$(dirname "$0")/lib.sh"
if ! command -v script > /dev/null; then
	nok "script(1) is missing (util-linux/bsdutils)"; exit 0
fi
python3 - "$T_TMP/eve.json" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write(json.dumps({"timestamp": "2024-05-01T10:00:%02d.000000+0000" % (i % 60),
            "event_type": "dns", "dns": {"version": 2, "type": "answer", "id": i, "rrname": "h%d.example.com" % i,
            "rrtype": "A", "rcode": "NOERROR", "answers": [{"rrname": "h%d.example.com" % i, "rrtype": "A",
            "ttl": 60, "rdata": "192.0.2.%d" % (i % 250)}]}}) + "\n")
PY
script -qec "$LOOKBACK import --format suricata $T_TMP/eve.json" /dev/null > "$T_TMP/tty.out" 2>&1
tr '\r' '\n' < "$T_TMP/tty.out" > "$T_TMP/tty.txt"
check "import on a terminal shows bytes, percent and records/s" \
	grep -qE 'eve.json: .*B / .*B +100\.0% .*records/s +3000 records' "$T_TMP/tty.txt"
"$LOOKBACK" import --format suricata "$T_TMP/eve.json" > /dev/null 2> "$T_TMP/notty.err"
check "import with stderr to a file prints no progress line" bash -c "! grep -q 'records/s' '$T_TMP/notty.err'"

"$LOOKBACK" gen -o "$T_TMP/g.pcap" -n 150000 --seed 5 > /dev/null 2>&1
script -qec "$LOOKBACK capture -r $T_TMP/g.pcap --stats" /dev/null > "$T_TMP/cap.out" 2>&1
tr '\r' '\n' < "$T_TMP/cap.out" > "$T_TMP/cap.txt"
check "capture on a terminal shows packets and a rate" grep -qE '^150000 packets, [0-9]+ responses, [0-9]+ rrsets, [0-9]+ pkt/s' "$T_TMP/cap.txt"
# the rate is of the time really spent: it was packets / whole seconds (time(2)),
# so 0 pkt/s or the packet count itself for a read under a second, 2x off at 1.9 s
rate=$(grep -oE '^150000 packets, .* ([0-9]+) pkt/s' "$T_TMP/cap.txt" | tail -1 | grep -oE '[0-9]+ pkt/s' | cut -d' ' -f1)
check "capture's rate is measured below the second (got ${rate:-none} pkt/s)" \
	awk -v r="${rate:-0}" 'BEGIN { if (r == 0) exit 1; for (k = 1; k <= 20; k++) if (r == 150000 / k) exit 1; exit 0 }'
"$LOOKBACK" capture -r "$T_TMP/g.pcap" --stats > /dev/null 2> "$T_TMP/cap.err"
check "capture with stderr to a file prints no progress line" bash -c "! grep -q 'pkt/s' '$T_TMP/cap.err'"

# a bulk ingest leaves its store uncompressed in level 0: on a terminal it
# says so and how to compact it; not with --compact, not off a terminal
script -qec "$LOOKBACK capture -r $T_TMP/g.pcap --db $T_TMP/hdb" /dev/null > "$T_TMP/h.out" 2>&1
check "capture --db on a terminal: says the store is not compacted, and how" \
	grep -q "holds [0-9]* MB as written, not compacted; 'lookback stats --db $T_TMP/hdb --compact'" "$T_TMP/h.out"
rm -rf "$T_TMP/hdb"
script -qec "$LOOKBACK capture -r $T_TMP/g.pcap --db $T_TMP/hdb --compact" /dev/null > "$T_TMP/h.out" 2>&1
check "... not with --compact (it compacts)" bash -c "! grep -q 'not compacted' '$T_TMP/h.out' && grep -q 'compacted .* MiB -> ' '$T_TMP/h.out'"
rm -rf "$T_TMP/hdb"
"$LOOKBACK" capture -r "$T_TMP/g.pcap" --db "$T_TMP/hdb" > /dev/null 2> "$T_TMP/h.err"
check "... nor with stderr to a file" bash -c "! grep -q 'not compacted' '$T_TMP/h.err'"

# stats reads the whole store and --compact rewrites it: both say so on a terminal
"$LOOKBACK" capture -r "$T_TMP/g.pcap" --db "$T_TMP/db" > /dev/null 2>&1
script -qec "$LOOKBACK stats --db $T_TMP/db --compact" /dev/null > "$T_TMP/st.out" 2>&1
tr '\r' '\n' < "$T_TMP/st.out" > "$T_TMP/st.txt"
check "stats --compact on a terminal reports the compaction" \
	grep -qE "^compacted $T_TMP/db in [0-9.]+ s: [0-9.]+ MiB -> [0-9.]+ MiB" "$T_TMP/st.txt"
check "stats on a terminal reports the count" grep -qE "^counted $T_TMP/db in [0-9.]+ s" "$T_TMP/st.txt"
check "the totals follow on stdout" grep -qE '^rrsets +[1-9][0-9]*' "$T_TMP/st.txt"
"$LOOKBACK" stats --db "$T_TMP/db" --compact > "$T_TMP/st2.out" 2> "$T_TMP/st2.err"
check "stats with stderr to a file prints no progress line" bash -c "! grep -qE 'compact|count' '$T_TMP/st2.err'"
script -qec "$LOOKBACK stats -q --db $T_TMP/db" /dev/null > "$T_TMP/st3.out" 2>&1
check "stats -q on a terminal prints no progress line" bash -c "! grep -q 'counted' '$T_TMP/st3.out'"
script -qec "$LOOKBACK stats --check --db $T_TMP/db" /dev/null > "$T_TMP/st4.out" 2>&1
tr '\r' '\n' < "$T_TMP/st4.out" > "$T_TMP/st4.txt"
check "stats --check on a terminal reports the check" grep -qE "^checked $T_TMP/db in [0-9.]+ s" "$T_TMP/st4.txt"
check "... and its counts follow on stdout" grep -qE '^problems +0' "$T_TMP/st4.txt"
script -qec "$LOOKBACK stats --check -q --db $T_TMP/db" /dev/null > "$T_TMP/st5.out" 2>&1
check "stats --check -q on a terminal prints no progress line" bash -c "! grep -q 'checked' '$T_TMP/st5.out'"

# tap -r: bytes / size, percent, messages; gen: packets written
HERE=$(cd "$(dirname "$0")" && pwd)
python3 - "$HERE" "$T_TMP/t.fstrm" << 'PY'
import sys
sys.path.insert(0, sys.argv[1])
import fstrm_clients as f
with open(sys.argv[2], "wb") as fh:
    fh.write(f.control(2, f.CT))
    for i in range(3000):
        fh.write(f.dnstap_frame(i))
    fh.write(f.control(3))
PY
script -qec "$LOOKBACK tap -r $T_TMP/t.fstrm --stats" /dev/null > "$T_TMP/tap.out" 2>&1
tr '\r' '\n' < "$T_TMP/tap.out" > "$T_TMP/tap.txt"
check "tap -r on a terminal shows MiB, percent and messages" \
	grep -qE '^[0-9.]+ / [0-9.]+ MiB +100\.0% +3000 messages, 3000 responses, 3000 rrsets, [0-9]+ msg/s' "$T_TMP/tap.txt"
"$LOOKBACK" tap -r "$T_TMP/t.fstrm" --stats > /dev/null 2> "$T_TMP/tap.err"
check "tap -r with stderr to a file prints no progress line" bash -c "! grep -q 'msg/s' '$T_TMP/tap.err'"
script -qec "$LOOKBACK tap -q -r $T_TMP/t.fstrm --stats" /dev/null > "$T_TMP/tapq.out" 2>&1
check "tap -q on a terminal prints no progress line" bash -c "! grep -q 'msg/s' '$T_TMP/tapq.out'"

script -qec "$LOOKBACK gen -o $T_TMP/g2.pcap -n 150000 --seed 5" /dev/null > "$T_TMP/gen.out" 2>&1
tr '\r' '\n' < "$T_TMP/gen.out" > "$T_TMP/gen.txt"
check "gen on a terminal shows packets written and a rate" \
	grep -qE '^150000 / 150000 packets +100\.0% +[0-9]+ pkt/s' "$T_TMP/gen.txt"
check "gen's file is the same with a progress line (same options, same bytes)" cmp -s "$T_TMP/g.pcap" "$T_TMP/g2.pcap"
script -qec "$LOOKBACK gen -q -o $T_TMP/g3.pcap -n 1000" /dev/null > "$T_TMP/genq.out" 2>&1
check "gen -q on a terminal prints no progress line" bash -c "! grep -q 'pkt/s' '$T_TMP/genq.out'"
