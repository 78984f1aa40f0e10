#!/bin/bash
# A store written by a bulk ingest (capture -r --db) holds its tables in
# level 0, uncompressed: serve compacts them in the background as soon as it
# opens the store for writing (1 to 3 such tables never reached RocksDB's
# default trigger of 4, and the store stayed ~3.5 times its compacted size),
# and the server's pooled iterators do not keep the replaced files alive
# (they held the old tables while no write came: the files stayed on disk).
# What the store answers is the same before and after.  And --compact of the
# commands that read files (capture -r, tap -r, import) compacts the store
# once the input has ended.
. "$(dirname "$0")/lib.sh"
command -v curl > /dev/null || { nok "curl is not installed (scripts/deps installs it)"; exit 1; }

D=$T_TMP
"$LOOKBACK" gen -o "$D/g.pcap" -n 30000 --seed 3 > /dev/null 2>&1
"$LOOKBACK" capture -q -r "$D/g.pcap" --db "$D/db" 2> "$D/cap.err"
check "capture -r --db wrote a store" test -d "$D/db"
"$LOOKBACK" stats --db "$D/db" > "$D/st0"
l0=$(sed -n 's/.*not compacted yet: \([0-9]*\).*/\1/p' "$D/st0")
check "the bulk ingest left its tables in level 0 (${l0:-none})" test "${l0:-0}" -ge 1
b0=$(awk '$1 == "disk" { print $3 }' "$D/st0")
"$LOOKBACK" export -q --db "$D/db" -f cof > "$D/e0"
check "export before serving ($(wc -l < "$D/e0") records)" test -s "$D/e0"
name=$(grep -m1 "\"rrname\"" "$D/e0" | sed 's/.*"rrname":"\([^"]*\)".*/\1/')

serve_start "$D/db"
[ -n "$PORT" ] || { nok "serve started: $(head -c 300 "$T_TMP/serve.err")"; exit 0; }
U="http://127.0.0.1:$PORT"
b=$b0
for _ in $(seq 100); do
	# lookups all along: each takes an iterator from the pool
	curl -s -o /dev/null "$U/dnsdb/v2/lookup/rrset/name/$name"
	b=$(curl -s "$U/metrics" | awk '$1 == "lookback_store_bytes" { print $2 }')
	[ -n "$b" ] && [ "$b" -lt $((b0 * 6 / 10)) ] && break
	sleep 0.3
done
check "served with lookups going on, the store shrinks from $b0 to ${b:-?} bytes (below 60%) within 30 s" \
	test -n "$b" -a "${b:-$b0}" -lt $((b0 * 6 / 10))
curl -s "$U/dnsdb/v2/lookup/rrset/name/$name" > "$D/saf"
check "the lookup answers after the compaction" grep -q "\"rrname\":\"$name\"" "$D/saf"
kill "$SPID"
wait "$SPID" 2> /dev/null
"$LOOKBACK" stats --db "$D/db" > "$D/st1"
check "stats: nothing left in level 0 ($(grep 'table files' "$D/st1"))" \
	bash -c "! grep -q 'not compacted yet: [1-9]' '$D/st1'"
"$LOOKBACK" export -q --db "$D/db" -f cof > "$D/e1"
check "the export is what it was, byte for byte" cmp -s "$D/e0" "$D/e1"

# ---- --compact: capture -r, import, tap -r
"$LOOKBACK" capture -q -r "$D/g.pcap" --db "$D/c1" --compact 2> "$D/c1.err"
rc=$?
"$LOOKBACK" stats --db "$D/c1" > "$D/c1.st"
b1=$(awk '$1 == "disk" { print $3 }' "$D/c1.st")
check "capture -r --compact: exit 0 ($rc), nothing left in level 0, $b1 bytes against $b0 without (below 60%)" \
	bash -c "[ $rc -eq 0 ] && ! grep -q 'not compacted yet: [1-9]' '$D/c1.st' && [ '${b1:-$b0}' -lt $((b0 * 6 / 10)) ]"
"$LOOKBACK" export -q --db "$D/c1" -f cof > "$D/c1.cof"
check "... the same records as without --compact" cmp -s "$D/e0" "$D/c1.cof"
# each beside the same run without --compact, which leaves tables in level 0
l0_of() { "$LOOKBACK" stats --db "$1" | sed -n 's/.*not compacted yet: \([0-9]*\).*/\1/p'; }
"$LOOKBACK" import -q -f cof --db "$D/i0" "$D/c1.cof" 2> /dev/null
"$LOOKBACK" import -q -f cof --db "$D/i1" --compact "$D/c1.cof" 2> "$D/i1.err"
rc=$?
check "import --compact: exit 0 ($rc), nothing left in level 0 ($(l0_of "$D/i1"); $(l0_of "$D/i0") without)" \
	bash -c "[ $rc -eq 0 ] && [ '$(l0_of "$D/i1")' = 0 ] && [ '$(l0_of "$D/i0")' -ge 1 ]"
if [ -f "$CAPTURES/dnsoarc_dsc_test.dnstap" ]; then
	"$LOOKBACK" tap -q -r "$CAPTURES/dnsoarc_dsc_test.dnstap" --db "$D/t0" 2> /dev/null
	"$LOOKBACK" tap -q -r "$CAPTURES/dnsoarc_dsc_test.dnstap" --db "$D/t1" --compact 2> "$D/t1.err"
	rc=$?
	check "tap -r --compact: exit 0 ($rc), nothing left in level 0 ($(l0_of "$D/t1"); $(l0_of "$D/t0") without)" \
		bash -c "[ $rc -eq 0 ] && [ '$(l0_of "$D/t1")' = 0 ] && [ '$(l0_of "$D/t0")' -ge 1 ]"
else
	skip "tap -r --compact: the shared dnstap file is absent"
fi
"$LOOKBACK" capture -r "$D/g.pcap" --jsonl --compact > /dev/null 2> "$D/e"
rc=$?
check "--compact without --db: exit 2 ($rc), says so" bash -c "[ $rc -eq 2 ] && grep -q 'needs --db' '$D/e'"
"$LOOKBACK" tap -u "$D/none.sock" --db "$D/t2" --compact > /dev/null 2> "$D/e"
rc=$?
check "tap on a socket with --compact: exit 2 ($rc), says why" bash -c "[ $rc -eq 2 ] && grep -q 'is for files' '$D/e'"
# interrupted: no compaction (the input did not end)
{ cat "$D/g.pcap"; sleep 5; } | "$LOOKBACK" capture -q -r - --db "$D/c3" --compact 2> /dev/null &
cp_=$!
sleep 1
kill -INT $cp_
wait $cp_
rc=$?
check "capture -r - --compact stopped by SIGINT: exit 130 ($rc), not compacted" \
	bash -c "[ $rc -eq 130 ] && grep -q 'not compacted yet: [1-9]' <('$LOOKBACK' stats --db '$D/c3')"
