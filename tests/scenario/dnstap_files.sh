#!/bin/bash
# dnstap files written by other tools (../shared/data/captures/*.fstrm, *.dnstap)
# read by `lookback tap -r` and compared with Debian's dnstap-ldns decodings
# beside them; plus stdin, truncated and corrupted copies.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

need_shared "dnstap_files" || exit 0
n=0
for f in "$CAPTURES"/*.fstrm "$CAPTURES"/*.dnstap; do
	[ -e "$f" ] || continue
	b=$(basename "$f")
	y="$f.dnstap-ldns.yaml"
	if [ ! -e "$y" ]; then
		skip "$b: no dnstap-ldns decoding beside it"
		continue
	fi
	n=$((n + 1))
	"$LOOKBACK" tap -r "$f" --jsonl --stats > "$T_TMP/$b.jsonl" 2> "$T_TMP/$b.stats"
	check "$b: lookback tap -r exits 0" test $? -eq 0
	python3 "$HERE/dnstap_ldns_compare.py" "$y" "$T_TMP/$b.jsonl" "$T_TMP/$b.stats" > "$T_TMP/$b.v"
	[ -s "$T_TMP/$b.v" ] || nok "$b: comparison ran"
	while read -r v desc; do
		if [ "$v" = PASS ]; then ok "$b: $desc"; else nok "$b: $desc"; fi
	done < "$T_TMP/$b.v"
	check "$b: no bad frames or protobufs" bash -c "! grep -q '^dnstap_bad_' '$T_TMP/$b.stats'"

	# the same through stdin
	"$LOOKBACK" tap -r - --jsonl < "$f" > "$T_TMP/$b.stdin.jsonl" 2> /dev/null
	check "$b: stdin gives the same observations" cmp -s "$T_TMP/$b.jsonl" "$T_TMP/$b.stdin.jsonl"

	# compressed (rotated files are): the same observations, file or pipe; a
	# cut compressed copy: exit 3, said
	for z in "gzip -c" "zstd -qc" "xz -c"; do
		command -v ${z%% *} > /dev/null || continue
		$z "$f" > "$T_TMP/$b.z"
		"$LOOKBACK" tap -r "$T_TMP/$b.z" --jsonl > "$T_TMP/$b.z.jsonl" 2> /dev/null
		check "$b: ${z%% *}-compressed gives the same observations" cmp -s "$T_TMP/$b.jsonl" "$T_TMP/$b.z.jsonl"
		"$LOOKBACK" tap -r - --jsonl < "$T_TMP/$b.z" > "$T_TMP/$b.z.jsonl" 2> /dev/null
		check "$b: ${z%% *}-compressed on stdin too" cmp -s "$T_TMP/$b.jsonl" "$T_TMP/$b.z.jsonl"
		head -c $(( $(stat -c %s "$T_TMP/$b.z") - 6 )) "$T_TMP/$b.z" > "$T_TMP/$b.zc"
		"$LOOKBACK" tap -r "$T_TMP/$b.zc" --jsonl > /dev/null 2> "$T_TMP/$b.zc.err"; rc=$?
		check "$b: a cut ${z%% *} copy: exit 3 ($rc), said" \
			bash -c "test $rc -eq 3 && grep -q 'compressed input is corrupt, cut short' '$T_TMP/$b.zc.err'"
	done

	# without its final STOP frame (its writer killed between frames): every
	# message read, exit 0, the stream counted unfinished
	head -c $(( $(stat -c %s "$f") - 12 )) "$f" > "$T_TMP/$b.nostop"
	"$LOOKBACK" tap -r "$T_TMP/$b.nostop" --jsonl --stats > "$T_TMP/$b.nostop.jsonl" 2> "$T_TMP/$b.nostop.stats"; rc=$?
	check "$b: without its STOP frame: exit 0 ($rc), the same observations, counted unfinished" \
		bash -c "test $rc -eq 0 && cmp -s '$T_TMP/$b.jsonl' '$T_TMP/$b.nostop.jsonl' && grep -q '^dnstap_streams_unfinished 1' '$T_TMP/$b.nostop.stats'"

	# cut inside the last data frame: exit 2, the earlier messages still read
	size=$(stat -c %s "$f")
	head -c $((size - 20)) "$f" > "$T_TMP/$b.cut"
	"$LOOKBACK" tap -r "$T_TMP/$b.cut" --stats > "$T_TMP/$b.cut.stats" 2> "$T_TMP/$b.cut.err"
	rc=$?
	check "$b: truncated copy exits 2 and says so" \
		bash -c "[ $rc -eq 2 ] && grep -q '^dnstap_bad_truncated 1' '$T_TMP/$b.cut.stats'"

	# every byte flipped in turn (bounded): never a crash, always 0 or 2
	python3 - "$f" "$T_TMP/$b.flip" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
step = max(1, len(data) // 64)
for i in range(0, len(data), step):
    d = bytearray(data)
    d[i] ^= 0xff
    open("%s.%04d" % (sys.argv[2], i), "wb").write(d)
PY
	# all of them in one tap -r (each file is read with a reader of its own,
	# the exit status is the worst of theirs: 0 or 2 only if each one's is;
	# one process instead of ~65 saves ASan's start and leak check ~65 times);
	# on a failure each is read again alone to name the ones that fail
	flips=("$T_TMP/$b.flip".*)
	bad=0
	"$LOOKBACK" tap -r "${flips[@]}" --stats > /dev/null 2>&1
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 2 ]; then
		bad=1
		echo "# the ${#flips[@]} corrupted copies read together: exit $rc"
		for g in "${flips[@]}"; do
			"$LOOKBACK" tap -r "$g" --stats > /dev/null 2>&1
			rc=$?
			[ $rc -eq 0 ] || [ $rc -eq 2 ] || echo "# $g: exit $rc"
		done
	fi
	check "$b: corrupted copies (${#flips[@]}) never crash (exit 0 or 2)" test $bad -eq 0
done
[ $n -gt 0 ] || skip "dnstap_files: no dnstap files in $CAPTURES"

# several files (rotated dnstap files): read in the order given, as if one
mapfile -t dt < <(ls "$CAPTURES"/*.fstrm "$CAPTURES"/*.dnstap 2> /dev/null)
if [ "${#dt[@]}" -ge 2 ]; then
	: > "$T_TMP/each.jsonl"
	for f in "${dt[@]}"; do "$LOOKBACK" tap -r "$f" --jsonl >> "$T_TMP/each.jsonl" 2> /dev/null; done
	"$LOOKBACK" tap -r "${dt[@]}" --jsonl > "$T_TMP/list.jsonl" 2> /dev/null; rc=$?
	check "tap -r A B: exit 0 ($rc), what A and B give one after the other" \
		bash -c "test $rc -eq 0 && test -s '$T_TMP/each.jsonl' && cmp -s '$T_TMP/each.jsonl' '$T_TMP/list.jsonl'"
	"$LOOKBACK" tap -r "${dt[0]}" -r "${dt[1]}" --jsonl > "$T_TMP/rr.jsonl" 2> /dev/null
	"$LOOKBACK" tap -r "${dt[0]}" --jsonl > "$T_TMP/r0.jsonl" 2> /dev/null
	"$LOOKBACK" tap -r "${dt[1]}" --jsonl >> "$T_TMP/r0.jsonl" 2> /dev/null
	check "tap -r A -r B: the same" cmp -s "$T_TMP/rr.jsonl" "$T_TMP/r0.jsonl"
	# a file that is not dnstap between them: said, exit 2, the next still read
	p=$(ls "$CAPTURES"/*.pcap 2> /dev/null | head -1)
	"$LOOKBACK" tap -r "${dt[0]}" "$p" "${dt[1]}" --jsonl > "$T_TMP/mid.jsonl" 2> "$T_TMP/mid.err"; rc=$?
	check "a pcap between two dnstap files: exit 2 ($rc), named, both dnstap files read" \
		bash -c "test $rc -eq 2 && grep -q \"$(basename "$p"): not dnstap\" '$T_TMP/mid.err' && cmp -s '$T_TMP/mid.jsonl' '$T_TMP/r0.jsonl'"
	"$LOOKBACK" tap -r "${dt[0]}" "$T_TMP/none.fstrm" --db "$T_TMP/db2" > /dev/null 2> "$T_TMP/none.err"; rc=$?
	check "a missing second file: exit 2 ($rc), nothing read, no store" \
		bash -c "test $rc -eq 2 && grep -q none.fstrm '$T_TMP/none.err' && ! test -e '$T_TMP/db2'"
	# the worst outcome of the files is the exit status: a cut compressed one
	# (3) before a pcap (2)
	gzip -c "${dt[0]}" | head -c 30 > "$T_TMP/cut.gz"
	"$LOOKBACK" tap -r "$T_TMP/cut.gz" "${dt[1]}" "$p" --jsonl > /dev/null 2>&1
	check "a cut .gz, a good file, a pcap: exit 3, the worst of them" test $? -eq 3
	"$LOOKBACK" tap -r - - < /dev/null > /dev/null 2>&1
	check "stdin twice: exit 2" test $? -eq 2
fi

# a pcap is not a dnstap file
p=$(ls "$CAPTURES"/*.pcap 2> /dev/null | head -1)
if [ -n "$p" ]; then
	"$LOOKBACK" tap -r "$p" --stats > /dev/null 2> "$T_TMP/pcap.err"
	check "a pcap file is refused with exit 2, and told to capture -r (not 'broken Frame Streams data')" \
		bash -c "test $? -eq 2 && grep -q 'not dnstap: a pcap capture: read it with lookback capture -r' '$T_TMP/pcap.err'"
fi
head -c 300 /dev/urandom | tr '\0' x > "$T_TMP/noise"
"$LOOKBACK" tap -r "$T_TMP/noise" --stats > /dev/null 2> "$T_TMP/noise.err"
check "a file that is not Frame Streams says what one begins with" \
	bash -c "test $? -eq 2 && grep -q 'not dnstap: .*control frame' '$T_TMP/noise.err'"
"$LOOKBACK" tap -r /nonexistent/file --stats --db "$T_TMP/nodb" > /dev/null 2>&1
check "a missing file exits 2, and makes no store" bash -c "test $? -eq 2 && ! test -e '$T_TMP/nodb'"
"$LOOKBACK" tap --stats > /dev/null 2>&1
check "no input is a usage error" test $? -eq 2
"$LOOKBACK" tap --help | grep -q -- '--unix'
check "--help describes the options" test $? -eq 0
exit 0
