#!/bin/bash
# capture -r reads capture files compressed with gzip, zstd or xz (told by
# their first bytes, not their name) as if they were not: shared captures
# give byte-identical output plain and compressed, from a file and
# from standard input (redirected file, pipe); a gzip file of two members;
# a cut file keeps the frames before the cut and says so (exit 3); -f and
# --db work on compressed input; compressed data that is not a capture is
# refused (exit 2).
. "$(dirname "$0")/lib.sh"

for tool in gzip zstd xz; do
	if ! command -v "$tool" > /dev/null; then
		skip "the $tool command is not installed (scripts/deps installs it)"
		exit 0
	fi
done

cap() { "$LOOKBACK" capture -q --jsonl --frame-numbers "$@"; }

# A generated capture (UDP and TCP): cuts, filters, the store.
G="$T_TMP/g.pcap"
if ! "$LOOKBACK" gen -o "$G" -n 20000 --seed 5 > /dev/null 2>&1; then
	nok "lookback gen produced a capture"
	exit 1
fi
cap -r "$G" > "$T_TMP/g.out" 2> /dev/null
check "plain generated capture decoded" test -s "$T_TMP/g.out"
gzip -c "$G" > "$T_TMP/g.gz"
zstd -q -c "$G" > "$T_TMP/g.zst"
xz -T1 -c "$G" > "$T_TMP/g.xz"

# the name says nothing: a gzip file named .pcap is read as gzip, a plain one
# named .gz as plain
cp "$T_TMP/g.gz" "$T_TMP/renamed.pcap"
cap -r "$T_TMP/renamed.pcap" > "$T_TMP/o" 2> /dev/null
check "gzip data named .pcap: same output" cmp -s "$T_TMP/g.out" "$T_TMP/o"
cp "$G" "$T_TMP/plain.gz"
cap -r "$T_TMP/plain.gz" > "$T_TMP/o" 2> /dev/null
check "plain capture named .gz: same output" cmp -s "$T_TMP/g.out" "$T_TMP/o"

# two gzip members (the capture cut in two, each part gzipped, concatenated)
# and two zstd frames, two xz streams alike
half=$(( $(stat -c %s "$G") / 2 + 7 ))
for z in "gzip -c" "zstd -q -c" "xz -T1 -c"; do
	{ head -c "$half" "$G" | $z; tail -c +"$((half + 1))" "$G" | $z; } > "$T_TMP/two"
	cap -r "$T_TMP/two" > "$T_TMP/o" 2> "$T_TMP/e"; rc=$?
	check "${z%% *}: two members back to back: exit 0 ($rc), same output" \
		bash -c "test $rc -eq 0 && cmp -s '$T_TMP/g.out' '$T_TMP/o'"
done

# cut in the middle of the compressed bytes: the frames before the cut are
# decoded (a prefix of the full output), then a read error naming the codec, exit 3
for ext in gz zst xz; do
	f="$T_TMP/g.$ext"
	head -c "$(( $(stat -c %s "$f") / 2 ))" "$f" > "$T_TMP/cut.$ext"
	cap -r "$T_TMP/cut.$ext" > "$T_TMP/cut.out" 2> "$T_TMP/cut.err"; rc=$?
	codec=$(case $ext in gz) echo gzip;; zst) echo zstd;; *) echo xz;; esac)
	check "cut .$ext: exit 3 ($rc) and the read error says $codec stream cut ($(head -c 160 "$T_TMP/cut.err"))" \
		bash -c "test $rc -eq 3 && grep -q 'read error: $T_TMP/cut.$ext: .*$codec stream cut or corrupt' '$T_TMP/cut.err'"
	n=$(stat -c %s "$T_TMP/cut.out")
	check "cut .$ext: $n bytes of output, a prefix of the full output" \
		bash -c "test $n -gt 0 && test $n -lt $(stat -c %s "$T_TMP/g.out") && head -c $n '$T_TMP/g.out' | cmp -s - '$T_TMP/cut.out'"
done
# through a pipe the same
head -c "$(( $(stat -c %s "$T_TMP/g.gz") / 2 ))" "$T_TMP/g.gz" | cap -r - > "$T_TMP/cut.out" 2> "$T_TMP/cut.err"; rc=$?
check "cut gzip on a pipe: exit 3 ($rc), says so" \
	bash -c "test $rc -eq 3 && grep -q 'read error: standard input: .*gzip stream cut or corrupt' '$T_TMP/cut.err'"
# garbage after a complete member is damage too, after all the frames
{ cat "$T_TMP/g.gz"; echo "trailing junk"; } > "$T_TMP/junk.gz"
cap -r "$T_TMP/junk.gz" > "$T_TMP/o" 2> "$T_TMP/e"; rc=$?
check "junk after the gzip member: exit 3 ($rc), every frame before it" \
	bash -c "test $rc -eq 3 && cmp -s '$T_TMP/g.out' '$T_TMP/o'"

# a BPF filter on compressed input, file and pipe
cap -f udp -r "$G" > "$T_TMP/udp.out" 2> /dev/null
cap -f udp -r "$T_TMP/g.gz" > "$T_TMP/o" 2> /dev/null
check "-f udp on .gz: same output as on the plain file" cmp -s "$T_TMP/udp.out" "$T_TMP/o"
check "... which is not everything (the filter did apply)" bash -c "! cmp -s '$T_TMP/udp.out' '$T_TMP/g.out'"
cap -f udp -r - < "$T_TMP/g.xz" > "$T_TMP/o" 2> /dev/null
check "-f udp on .xz from stdin: same output" cmp -s "$T_TMP/udp.out" "$T_TMP/o"
"$LOOKBACK" capture -q --jsonl -f 'no such filter' -r "$T_TMP/g.gz" > /dev/null 2> "$T_TMP/e"; rc=$?
check "a bad filter on .gz: exit 2 ($rc), bad filter" bash -c "test $rc -eq 2 && grep -q 'bad filter' '$T_TMP/e'"

# a store from the .zst equals the store from the plain file
"$LOOKBACK" capture -q -r "$G" --db "$T_TMP/db1" --sensor s 2> /dev/null
"$LOOKBACK" capture -q -r "$T_TMP/g.zst" --db "$T_TMP/db2" --sensor s 2> /dev/null; rc=$?
"$LOOKBACK" export -q --db "$T_TMP/db1" -f cof > "$T_TMP/db1.cof" 2> /dev/null
"$LOOKBACK" export -q --db "$T_TMP/db2" -f cof > "$T_TMP/db2.cof" 2> /dev/null
check "--db from .zst: exit 0 ($rc), export identical to the plain file's ($(wc -l < "$T_TMP/db1.cof") lines)" \
	bash -c "test $rc -eq 0 && test -s '$T_TMP/db1.cof' && cmp -s '$T_TMP/db1.cof' '$T_TMP/db2.cof'"

# a compressed named pipe that stays open: what came is decoded and stored
# without waiting for more (the idle tick of a quiet pipe), and SIGINT ends
# it (130)
mkfifo "$T_TMP/zfifo"
(cat "$T_TMP/g.zst"; sleep 6) > "$T_TMP/zfifo" &
"$LOOKBACK" capture -q -r "$T_TMP/zfifo" --db "$T_TMP/db3" --flush-secs 1 2> "$T_TMP/int.err" &
CP=$!
# looked at every 0.2 s, up to 15 times (as long as the single look 3 s
# after the start it replaces, or longer): done as soon as the data is there
for _ in $(seq 15); do
	"$LOOKBACK" stats --db "$T_TMP/db3" > "$T_TMP/stats3" 2>&1
	awk '/^rrsets/ {n = $2} END {exit !(n > 0)}' "$T_TMP/stats3" && break
	sleep 0.2
done
check "zstd on an open named pipe: stored within --flush-secs" bash -c "awk '/^rrsets/ {n = \$2} END {exit !(n > 0)}' '$T_TMP/stats3'"
kill -INT $CP
wait $CP; rc=$?
check "... and SIGINT ends it: exit 130 ($rc)" test $rc -eq 130

# compressed data that is not a capture: the usual cannot-open error, exit 2
printf 'hello, not a capture\n' | gzip > "$T_TMP/text.gz"
"$LOOKBACK" capture -q --jsonl -r "$T_TMP/text.gz" > /dev/null 2> "$T_TMP/e"; rc=$?
check "gzip of text: exit 2 ($rc), cannot open, not a capture ($(head -c 200 "$T_TMP/e"))" \
	bash -c "test $rc -eq 2 && grep -q 'cannot open .*text.gz: gzip-compressed data that is not a capture file' '$T_TMP/e'"
printf 'x' | zstd -q -c | "$LOOKBACK" capture -q --jsonl -r - > /dev/null 2> "$T_TMP/e"; rc=$?
check "zstd of one byte on a pipe: exit 2 ($rc)" \
	bash -c "test $rc -eq 2 && grep -q 'zstd-compressed data that is not a capture' '$T_TMP/e'"

# The shared captures: plain = gzip = zstd = xz, from a file and from stdin.
# Every 3rd capture, every 10th under ASan (the whole set took a minute of
# make check, each capture 10 processes, for what a third of them shows: the
# readers see the decompressed bytes, the same for every capture); the
# pcapng ones all (their reader is the other one).
need_shared "shared captures plain and compressed" || exit 0
step=3
case "${BUILD:-}" in *asan*) step=10 ;; esac
i=0 n=0 bad=""
for f in "$CAPTURES"/*.pcap "$CAPTURES"/*.pcapng; do
	[ -f "$f" ] || continue
	i=$((i + 1))
	[ $(( (i - 1) % step )) -eq 0 ] || [ "${f%.pcapng}" != "$f" ] || continue
	n=$((n + 1))
	b=$(basename "$f")
	cap -r "$f" > "$T_TMP/p.out" 2> "$T_TMP/p.err"; prc=$?
	gzip -1 -c "$f" > "$T_TMP/c.gz"
	zstd -q -c "$f" > "$T_TMP/c.zst"
	xz -0 -T1 -c "$f" > "$T_TMP/c.xz"
	for c in gz zst xz; do
		cap -r "$T_TMP/c.$c" > "$T_TMP/o" 2> "$T_TMP/e"; rc=$?
		# the exit status too (a capture truncated in itself ends with 3 either way)
		cmp -s "$T_TMP/p.out" "$T_TMP/o" && [ $rc -eq $prc ] || bad="$bad $b.$c"
	done
	cap -r - < "$T_TMP/c.gz" > "$T_TMP/o" 2> /dev/null; rc=$?
	cmp -s "$T_TMP/p.out" "$T_TMP/o" && [ $rc -eq $prc ] || bad="$bad $b.gz<"
	cat "$T_TMP/c.zst" | cap -r - > "$T_TMP/o" 2> /dev/null; rc=$?
	cmp -s "$T_TMP/p.out" "$T_TMP/o" && [ $rc -eq $prc ] || bad="$bad |$b.zst"
done
check "$n shared captures: gzip, zstd, xz files and stdin give the plain file's output${bad:+; differ:$bad}" \
	test -z "$bad" -a "$n" -gt 0
