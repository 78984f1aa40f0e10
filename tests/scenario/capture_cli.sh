#!/bin/bash
# lookback capture from the user's side: help, exit codes, stdin, JSON validity,
# hostile files (truncated, garbage), counters that add up.
. "$(dirname "$0")/lib.sh"

"$LOOKBACK" capture --help > "$T_TMP/help" 2>&1
check "capture --help exits 0 and documents -r" grep -q -- "-r, --read" "$T_TMP/help"
"$LOOKBACK" --help > /dev/null 2>&1; check "lookback --help exits 0" test $? -eq 0
# the usage says 'lookback help COMMAND' describes a command: it printed the command list
"$LOOKBACK" help capture > "$T_TMP/help2" 2>&1; rc=$?
check "lookback help capture exits 0 ($rc) and is capture --help" cmp -s "$T_TMP/help" "$T_TMP/help2"
"$LOOKBACK" help nosuch > /dev/null 2>&1; check "lookback help nosuch exits 2" test $? -eq 2
# help and version text that cannot be written is an output error (exit 3), as any output
for a in "--help" "--version" "capture --help" "query -h" "help stats"; do
	"$LOOKBACK" $a > /dev/full 2> "$T_TMP/full.err"; rc=$?
	check "lookback $a > /dev/full: exit 3 ($rc), says so" \
		bash -c "test $rc -eq 3 && grep -q 'error writing the output' '$T_TMP/full.err'"
done
"$LOOKBACK" > /dev/null 2>&1; check "lookback with no command exits 2" test $? -eq 2
"$LOOKBACK" nosuch > /dev/null 2>&1; check "unknown command exits 2" test $? -eq 2
"$LOOKBACK" capture --jsonl > /dev/null 2>&1; check "capture without input exits 2" test $? -eq 2
"$LOOKBACK" capture -r /nonexistent.pcap --jsonl 2> "$T_TMP/err"; rc=$?
check "missing file exits 2" test $rc -eq 2
check "missing file error names the file" grep -q "/nonexistent.pcap" "$T_TMP/err"
"$LOOKBACK" capture -r x --ports 0 --jsonl > /dev/null 2>&1; check "bad port list exits 2" test $? -eq 2
# --db and --send together: the store or the collector, not both (capture, tap, import)
for a in "capture -r x" "tap -r x" "import x"; do
	"$LOOKBACK" $a --db "$T_TMP/both" --send 127.0.0.1:9 > /dev/null 2> "$T_TMP/both.err"; rc=$?
	check "$a --db --send: exit 2 ($rc), says they exclude each other, makes no store" \
		bash -c "test $rc -eq 2 && grep -q 'db and --send exclude each other' '$T_TMP/both.err' && ! test -e '$T_TMP/both'"
done

PCAP="$T_TMP/g.pcap"
if ! "$LOOKBACK" gen -o "$PCAP" -n 20000 --seed 3 > /dev/null 2>&1; then
	nok "lookback gen produced a capture"
	exit 1
fi
ok "lookback gen produced a capture"

# --db DIR is "created if missing", parents too: the README's `--db var/db` in a
# directory without var/ failed (No such file or directory, exit 3)
"$LOOKBACK" capture -r "$PCAP" -q --db "$T_TMP/new/var/db" 2> "$T_TMP/mk.err"; rc=$?
check "capture --db with missing parents: exit 0 ($rc) $(head -c 100 "$T_TMP/mk.err")" test $rc -eq 0
check "and the store is there" bash -c "'$LOOKBACK' stats --db '$T_TMP/new/var/db' | grep -qE '^rrsets +[1-9]'"
: > "$T_TMP/afile"
"$LOOKBACK" capture -r "$PCAP" -q --db "$T_TMP/afile/db" 2> /dev/null; rc=$?
check "capture --db under a regular file: exit 3 ($rc)" test $rc -eq 3

"$LOOKBACK" capture -q -r "$PCAP" --jsonl > "$T_TMP/a.jsonl" 2> "$T_TMP/a.err"
check "capture of a generated file exits 0" test $? -eq 0
"$LOOKBACK" capture -q -r - --jsonl < "$PCAP" > "$T_TMP/b.jsonl" 2>/dev/null
check "reading '-' (stdin) gives the same output" cmp -s "$T_TMP/a.jsonl" "$T_TMP/b.jsonl"
cat "$PCAP" | "$LOOKBACK" capture -q -r - --jsonl > "$T_TMP/c.jsonl" 2>/dev/null
check "reading '-' from a pipe gives the same output" cmp -s "$T_TMP/a.jsonl" "$T_TMP/c.jsonl"
# pcapng on a pipe with interfaces of two link types (dumpcap -i A -i B -w -):
# the generated capture as Ethernet and, a day later, as raw IP (LINKTYPE_RAW)
if command -v mergecap > /dev/null; then
	python3 - "$PCAP" "$T_TMP/raw.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:4] == b"\xd4\xc3\xb2\xa1"
out = [d[:20] + struct.pack("<I", 101)]
i = 24
while i + 16 <= len(d):
    ts, us, cl, ol = struct.unpack("<IIII", d[i:i + 16])
    fr = d[i + 16:i + 16 + cl]
    i += 16 + cl
    if len(fr) < 14 or fr[12:14] not in (b"\x08\x00", b"\x86\xdd"):
        continue
    # a day later: the copies' TCP streams must not meet in one flow
    out.append(struct.pack("<IIII", ts + 86400, us, cl - 14, ol - 14) + fr[14:])
open(sys.argv[2], "wb").write(b"".join(out))
PY
	mergecap -F pcapng -w "$T_TMP/two.pcapng" "$PCAP" "$T_TMP/raw.pcap"
	"$LOOKBACK" capture -q -r "$T_TMP/two.pcapng" --jsonl > "$T_TMP/ng_file.jsonl" 2> /dev/null
	cat "$T_TMP/two.pcapng" | "$LOOKBACK" capture -q -r - --jsonl > "$T_TMP/ng_pipe.jsonl" 2> "$T_TMP/ng_pipe.err"
	check "pcapng with two link types on a pipe exits 0" test $? -eq 0
	check "... and gives what the file gives" cmp -s "$T_TMP/ng_file.jsonl" "$T_TMP/ng_pipe.jsonl"
	# a pipe that stays open: what came is decoded and stored without waiting
	# for more (the window's idle tick), and SIGINT ends it
	(cat "$T_TMP/two.pcapng"; sleep 5) | "$LOOKBACK" capture -q -r - --db "$T_TMP/ngdb" --flush-secs 1 2> "$T_TMP/ng_int.err" &
	NGP=$!
	# looked at every 0.2 s, up to 15 times (as long as the single look 3 s
	# after the start it replaces, or longer): done as soon as the data is there
	for _ in $(seq 15); do
		"$LOOKBACK" stats --db "$T_TMP/ngdb" > "$T_TMP/ng_stats" 2>&1
		awk '/^rrsets/ {n = $2} END {exit !(n > 0)}' "$T_TMP/ng_stats" && break
		sleep 0.2
	done
	check "pcapng on an open pipe: stored within --flush-secs" bash -c "awk '/^rrsets/ {n = \$2} END {exit !(n > 0)}' '$T_TMP/ng_stats'"
	pkill -INT -f "capture -q -r - --db $T_TMP/ngdb"
	wait $NGP
	check "... SIGINT ends it with 130" test $? -eq 130
	check "... both interfaces' records ($(wc -l < "$T_TMP/ng_pipe.jsonl") = 2 x $(wc -l < "$T_TMP/a.jsonl"))" \
		test "$(wc -l < "$T_TMP/ng_pipe.jsonl")" -eq $((2 * $(wc -l < "$T_TMP/a.jsonl")))
else
	skip "pcapng on a pipe: mergecap is not installed"
fi
# frame numbers are the frames' numbers in the file, frames a filter leaves out
# counted too (they counted only the frames that passed)
"$LOOKBACK" capture -q -r "$PCAP" --jsonl --frame-numbers 2>/dev/null | grep -o '"frame":[0-9]*' > "$T_TMP/fr.all"
"$LOOKBACK" capture -q -r "$PCAP" -f "src port 53" --jsonl --frame-numbers 2>/dev/null | grep -o '"frame":[0-9]*' > "$T_TMP/fr.file"
cat "$PCAP" | "$LOOKBACK" capture -q -r - -f "src port 53" --jsonl --frame-numbers 2>/dev/null | grep -o '"frame":[0-9]*' > "$T_TMP/fr.pipe"
check "frame numbers with a filter are the file's (-r FILE and -r -)" \
	bash -c "[ -s '$T_TMP/fr.all' ] && cmp -s '$T_TMP/fr.all' '$T_TMP/fr.file' && cmp -s '$T_TMP/fr.all' '$T_TMP/fr.pipe'"
# --mdns and --llmnr add their ports whatever the order of -p; a list with no
# room left for them is refused (5353 was dropped silently)
if [ -e "$CAPTURES/zeek_dns_mdns.pcap" ]; then
	"$LOOKBACK" capture -q -r "$CAPTURES/zeek_dns_mdns.pcap" --mdns --jsonl > "$T_TMP/m1" 2>/dev/null
	"$LOOKBACK" capture -q -r "$CAPTURES/zeek_dns_mdns.pcap" --mdns -p 53 --jsonl > "$T_TMP/m2" 2>/dev/null
	check "--mdns before -p still decodes mDNS" bash -c "[ -s '$T_TMP/m1' ] && cmp -s '$T_TMP/m1' '$T_TMP/m2'"
else
	skip "--mdns before -p: ../shared/data/captures is absent"
fi
"$LOOKBACK" capture -q -r "$PCAP" -p "$(seq -s, 1 16)" --mdns --jsonl > /dev/null 2>&1
check "16 ports and --mdns is a usage error (2)" test $? -eq 2
if [ -d "$CAPTURES" ]; then
	for f in "$CAPTURES"/ndpi_dns-google-nsid.pcapng "$CAPTURES"/gopassivedns_a.pcap; do
		[ -e "$f" ] || continue
		b=$(basename "$f")
		"$LOOKBACK" capture -q -r "$f" --jsonl > "$T_TMP/f.jsonl" 2>/dev/null
		cat "$f" | "$LOOKBACK" capture -q -r - --jsonl > "$T_TMP/p.jsonl" 2>/dev/null
		check "$b (pcapng) read from a pipe gives the same output" \
			bash -c "[ -s '$T_TMP/f.jsonl' ] && cmp -s '$T_TMP/f.jsonl' '$T_TMP/p.jsonl'"
	done
else
	skip "pcapng through a pipe: ../shared/data/captures is absent"
fi
check "every line is a JSON object with the required members" python3 - "$T_TMP/a.jsonl" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("negative"):
        assert {"qname", "qtype", "rcode", "time"} <= set(o), o
    else:
        assert {"rrname", "rrtype", "rdata", "section", "bailiwick", "time", "ttl"} <= set(o), o
        assert isinstance(o["rdata"], list) and o["rdata"], o
        assert o["rrname"].endswith("."), o
        assert o["section"] in ("answer", "authority", "additional"), o
    n += 1
assert n > 1000, n
PY

"$LOOKBACK" capture -q -r "$PCAP" --stats > "$T_TMP/stats"
get() { awk -v k="$1" '$1==k {print $2}' "$T_TMP/stats"; }
check "stats count 20000 packets" test "$(get packets)" = 20000
check "stats: rrsets equal the JSON lines that are not negative" \
	test "$(get rrsets)" = "$(grep -vc '"negative":true' "$T_TMP/a.jsonl")"
check "stats: negatives equal the negative JSON lines" \
	test "$(get negatives)" = "$(grep -c '"negative":true' "$T_TMP/a.jsonl")"
check "stats: responses + queries = messages - unparsed" \
	test $(( $(get dns_responses) + $(get dns_queries) )) -le "$(get dns_messages)"

# hostile files: a capture cut in the middle of a packet, and garbage
head -c 100000 "$PCAP" > "$T_TMP/cut.pcap"
"$LOOKBACK" capture -q -r "$T_TMP/cut.pcap" --jsonl > "$T_TMP/cut.jsonl" 2>/dev/null; rc=$?
check "a capture cut mid-packet does not crash (exit $rc)" test $rc -eq 0 -o $rc -eq 3
check "a cut capture still yields the observations before the cut" test -s "$T_TMP/cut.jsonl"
head -c 5000 /dev/urandom > "$T_TMP/garbage"
"$LOOKBACK" capture -q -r "$T_TMP/garbage" --jsonl > /dev/null 2>&1; rc=$?
check "a garbage file is an input error (exit 2, got $rc)" test $rc -eq 2
# a writer that may not write its store's directory is told so, and what to
# do (it got RocksDB's "IO error: While renaming a file to .../LOG.old...:
# Permission denied"); a reader still answers from it
if [ "$(id -u)" = 0 ] && id nobody > /dev/null 2>&1 && command -v setpriv > /dev/null && [ -s "$PCAP" ]; then
	chmod 711 "$T_TMP"
	chmod 644 "$PCAP"
	"$LOOKBACK" capture -q -r "$PCAP" --db "$T_TMP/rodb" > /dev/null 2>&1
	chmod -R go+rX "$T_TMP/rodb"
	NB="setpriv --reuid=$(id -u nobody) --regid=$(id -g nobody) --clear-groups"
	$NB "$LOOKBACK" capture -q -r "$PCAP" --db "$T_TMP/rodb" > /dev/null 2> "$T_TMP/ro.err"; rc=$?
	check "capture --db into a directory this user may not write: exit 3 ($rc), says so: $(head -c 200 "$T_TMP/ro.err")" \
		bash -c "test $rc -eq 3 && grep -q 'not writable by this user' '$T_TMP/ro.err'"
	$NB "$LOOKBACK" query --db "$T_TMP/rodb" -r '*' -s > /dev/null 2> "$T_TMP/roq.err"; rc=$?
	check "... a lookup in it by the same user is answered (exit $rc)" test $rc -eq 0
	chmod 700 "$T_TMP"
else
	skip "the unwritable store check needs root, a user nobody and setpriv"
fi
