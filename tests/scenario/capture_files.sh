#!/bin/bash
# lookback capture -r FILE [FILE...]: several capture files read in time order
# as one capture (rotated files: tcpdump -G / -C).  Every shared capture with
# TCP or IP fragments is cut into parts with editcap (pcap and pcapng parts
# alternating); the parts read
# in one run must give exactly what the whole file gives: the same records,
# frame numbers counted on, the same counters (TCP streams and IP fragments
# continue across the cuts).  Then the errors: every file is checked before any
# is read; a damaged file in the list is said and the files after it still read.
# A pcapng file starting with simple packets gives them the previous file's last time.
. "$(dirname "$0")/lib.sh"

CAPS=$CAPTURES
command -v editcap > /dev/null || { skip "capture_files: editcap (wireshark-common) is not installed"; exit 0; }

D=$T_TMP
PCAP=$D/g.pcap
"$LOOKBACK" gen -q -o "$PCAP" -n 3000 --seed 5 --tcp-share 0.3 > /dev/null 2>&1 || "$LOOKBACK" gen -o "$PCAP" -n 3000 --seed 5 > /dev/null 2>&1
check "lookback gen wrote a capture" test -s "$PCAP"

# cut $1 into $2 parts under $3 (part names on stdout, in order); even parts pcapng
cut_parts() {
	local f=$1 k=$2 dir=$3 n per
	n=$(capinfos -TrMc "$f" 2> /dev/null | awk -F'\t' 'NR == 1 { print $2 }')
	[ -n "$n" ] && [ "$n" -ge "$k" ] || return 1
	per=$(( (n + k - 1) / k ))
	rm -rf "$dir"; mkdir -p "$dir"
	editcap -F pcap -c "$per" "$f" "$dir/p.pcap" > /dev/null 2>&1 || return 1
	local i=0 p
	for p in $(ls "$dir"/p_*.pcap | sort); do
		if [ $((i % 2)) = 1 ]; then
			editcap -F pcapng "$p" "${p%.pcap}.pcapng" > /dev/null 2>&1 || return 1
			rm -f "$p"
			p=${p%.pcap}.pcapng
		fi
		echo "$p"
		i=$((i + 1))
	done
}

run_cap() { # $1 = output prefix, rest: capture arguments (binary: $LB, else $LOOKBACK)
	local o=$1; shift
	"${LB:-$LOOKBACK}" capture -q --jsonl --frame-numbers --stats "$@" > "$o.jsonl" 2> "$o.stats"
}

# ---- the shared captures with TCP or IP fragments (and the generated one), cut into parts
list=("$PCAP")
if [ -d "$CAPS" ]; then
	for f in "$CAPS"/*.pcap "$CAPS"/*.pcapng; do [ -f "$f" ] && list+=("$f"); done
else
	skip "capture_files: $CAPS is absent: only the generated capture is cut"
fi
# Only where a cut can matter (TCP, IP fragments; elsewhere each frame stands
# alone): in 2 and 5 parts, under ASan (slower) in 3.  The whole files' runs
# (the reference) are the optimized build's when it is there.
REF=$LOOKBACK
case $(basename "${BUILD:-build}") in
*asan*) ks="3"; [ -x "${BUILD%/*}/build/lookback" ] && REF=${BUILD%/*}/build/lookback ;;
*) ks="2 5" ;;
esac
same=0 diff=0 cuts=0 sep_differs=0 bad=""
for f in "${list[@]}"; do
	LB=$REF run_cap "$D/whole" -r "$f"
	[ -s "$D/whole.jsonl" ] || continue
	# where a cut can matter (TCP, IP fragments): every cut; else one
	if awk '($1 == "tcp_segments" || $1 == "ip_fragments") && $2 > 0 { f = 1 } END { exit !f }' \
		"$D/whole.stats"; then
		fks=$ks sep=1
		"$REF" capture -q --jsonl -r "$f" > "$D/whole_nf.jsonl" 2> /dev/null
	elif [ "$f" = "$PCAP" ]; then
		fks=${ks%% *} sep=0
	else
		continue
	fi
	for k in $fks; do
		mapfile -t parts < <(cut_parts "$f" "$k" "$D/parts") || continue
		[ "${#parts[@]}" -ge 2 ] || continue
		cuts=$((cuts + 1))
		run_cap "$D/multi" -r "${parts[@]}"
		if cmp -s "$D/whole.jsonl" "$D/multi.jsonl" && cmp -s "$D/whole.stats" "$D/multi.stats"; then
			same=$((same + 1))
		else
			diff=$((diff + 1)); bad="$bad $(basename "$f"):$k"
		fi
		# the same parts as separate runs (what one run per file gave): does
		# the cut lose or change anything here?
		[ $sep = 1 ] || continue
		: > "$D/sep.jsonl"
		for p in "${parts[@]}"; do
			"$REF" capture -q --jsonl -r "$p" >> "$D/sep.jsonl" 2> /dev/null
		done
		cmp -s "$D/sep.jsonl" "$D/whole_nf.jsonl" || sep_differs=$((sep_differs + 1))
	done
done
check "every capture with TCP or IP fragments cut into parts and read as -r PART... gives the whole file's records, frame numbers and counters ($same of $cuts cuts; differ:${bad:- none})" \
	test "$diff" -eq 0 -a "$same" -gt 0
if [ -d "$CAPS" ]; then
	# the check above can fail: some cuts split a TCP stream or a fragmented
	# datagram, and one run per part loses or changes records there
	check "in $sep_differs of $cuts cuts one run per part gives other records than the whole file" \
		test "$sep_differs" -gt 0
fi

# ---- the forms of the list
mapfile -t parts < <(cut_parts "$PCAP" 3 "$D/gp")
run_cap "$D/whole" -r "$PCAP"
run_cap "$D/rrr" -r "${parts[0]}" -r "${parts[1]}" -r "${parts[2]}"
check "-r A -r B -r C reads the three in order (same as the whole file)" cmp -s "$D/whole.jsonl" "$D/rrr.jsonl"
run_cap "$D/rev" -r "${parts[2]}" "${parts[0]}" "${parts[1]}"
check "files given out of time order are read in the order of their first frames" cmp -s "$D/whole.jsonl" "$D/rev.jsonl"
# rotated and compressed (tcpdump -z gzip), given out of order
mkdir -p "$D/gzp"
for i in 0 1 2; do gzip -c "${parts[$i]}" > "$D/gzp/p$i.gz"; done
run_cap "$D/gzr" -r "$D/gzp/p2.gz" "$D/gzp/p0.gz" "$D/gzp/p1.gz"
check "gzip-compressed parts out of order: the whole file's records" cmp -s "$D/whole.jsonl" "$D/gzr.jsonl"
# tcpdump -C names its files dns.pcap, dns.pcap1, ... dns.pcap10: a shell's
# dns.pcap* puts dns.pcap10 before dns.pcap2
mapfile -t many < <(cut_parts "$PCAP" 11 "$D/many")
mkdir -p "$D/rot"
for i in "${!many[@]}"; do
	if [ "$i" = 0 ]; then cp "${many[$i]}" "$D/rot/dns.pcap"; else cp "${many[$i]}" "$D/rot/dns.pcap$i"; fi
done
run_cap "$D/rot" -r "$D"/rot/dns.pcap*
check "tcpdump -C names in a shell's order ($(cd "$D/rot" && echo dns.pcap* | cut -c1-60)...) read as the whole file" \
	cmp -s "$D/whole.jsonl" "$D/rot.jsonl"
run_cap "$D/mid" -r "${parts[0]}" - "${parts[2]}" < "${parts[1]}"
check "'-' (stdin) in the middle of the list (the order given)" cmp -s "$D/whole.jsonl" "$D/mid.jsonl"
cat "${parts[0]}" | run_cap "$D/first" -r - "${parts[1]}" "${parts[2]}"
check "'-' first, a pipe" cmp -s "$D/whole.jsonl" "$D/first.jsonl"
# paths that are pipes (a shell's <(...), a named pipe), compressed or not:
# read once, as they come, in the order given (looking ahead at their first
# frame would eat it); a filter applies to them too
run_cap "$D/subst" -r <(gzip -c "${parts[0]}") <(cat "${parts[1]}") <(xz -T1 -c "${parts[2]}")
check "<(gzip -c A) <(cat B) <(xz -c C): the whole file's records" cmp -s "$D/whole.jsonl" "$D/subst.jsonl"
rm -f "$D/fifo"; mkfifo "$D/fifo"
zstd -q -c "${parts[1]}" > "$D/fifo" &
run_cap "$D/fifo" -r "${parts[0]}" "$D/fifo" "${parts[2]}"
wait
check "a named pipe fed zstd between two files: the whole file's records" cmp -s "$D/whole.jsonl" "$D/fifo.jsonl"
run_cap "$D/fw" -f udp -r "$PCAP"
run_cap "$D/fp" -f udp -r "${parts[@]}"
check "-f udp applies to every file (same as on the whole file)" cmp -s "$D/fw.jsonl" "$D/fp.jsonl"
check "and it filtered something" bash -c "! cmp -s '$D/fw.jsonl' '$D/whole.jsonl'"
"$LOOKBACK" capture -q -r "$PCAP" --db "$D/db1" 2> /dev/null
"$LOOKBACK" capture -q -r "${parts[@]}" --db "$D/db2" 2> /dev/null
"$LOOKBACK" export --db "$D/db1" -f cof > "$D/e1" 2> /dev/null
"$LOOKBACK" export --db "$D/db2" -f cof > "$D/e2" 2> /dev/null
check "--db: the store of the parts is the store of the whole file ($(wc -l < "$D/e1") records)" \
	bash -c "test -s '$D/e1' && cmp -s '$D/e1' '$D/e2'"

# ---- errors: nothing is read before every file is checked
"$LOOKBACK" capture -q --jsonl -r "${parts[0]}" "$D/nonexistent.pcap" > "$D/o" 2> "$D/e"; rc=$?
check "a missing second file: exit 2 ($rc), named, nothing decoded" \
	bash -c "test $rc -eq 2 && grep -q nonexistent.pcap '$D/e' && ! test -s '$D/o'"
echo "not a capture" > "$D/text.pcap"
"$LOOKBACK" capture -q --jsonl -r "${parts[0]}" "${parts[1]}" "$D/text.pcap" > "$D/o" 2> "$D/e"; rc=$?
check "a file that is not a capture, last in the list: exit 2 ($rc), named, nothing decoded" \
	bash -c "test $rc -eq 2 && grep -q text.pcap '$D/e' && ! test -s '$D/o'"
# standard input is opened when its turn comes: empty there, it is said and the
# store still gets what the other files held (it crashed: the idle callback was
# set on the capture that did not open)
"$LOOKBACK" capture -q -r "${parts[0]}" - --db "$D/dbs" < /dev/null 2> "$D/e"; rc=$?
check "an empty standard input after a file, with --db: exit 3 ($rc), said, the file stored" \
	bash -c "test $rc -eq 3 && grep -q 'cannot open -' '$D/e' && '$LOOKBACK' stats --db '$D/dbs' | grep -qE '^rrsets +[1-9]'"
"$LOOKBACK" capture -q --jsonl -f 'no such filter' -r "${parts[@]}" > /dev/null 2> "$D/e"; rc=$?
check "a bad filter: exit 2 ($rc)" test $rc -eq 2
"$LOOKBACK" capture -q --jsonl -r - "${parts[0]}" - < /dev/null > /dev/null 2> "$D/e"; rc=$?
check "stdin twice: exit 2 ($rc), says so" bash -c "test $rc -eq 2 && grep -q once '$D/e'"
"$LOOKBACK" capture -q --jsonl "${parts[0]}" > /dev/null 2> "$D/e"; rc=$?
check "a file without -r: exit 2 ($rc), says how" bash -c "test $rc -eq 2 && grep -q -- '-r FILE' '$D/e'"
"$LOOKBACK" capture -q --jsonl -i lo "${parts[0]}" > /dev/null 2> "$D/e"; rc=$?
check "a file with -i: exit 2 ($rc)" test $rc -eq 2

# a damaged file in the middle (cut inside a record): it is said, what it held
# before the damage is kept, and the file after it is still read.  A capture
# all UDP: each part's records stand alone, so each must be in the run over
# the list
"$LOOKBACK" gen -q -o "$D/u.pcap" -n 3000 --seed 6 --tcp-share 0 > /dev/null 2>&1
mapfile -t parts < <(cut_parts "$D/u.pcap" 3 "$D/up")
p1=${parts[1]}
size=$(stat -c %s "$p1")
head -c $((size - 37)) "$p1" > "$D/cut.pcapng"
"$LOOKBACK" capture -q --jsonl -r "$D/cut.pcapng" > "$D/cut_alone.jsonl" 2> /dev/null
"$LOOKBACK" capture -q --jsonl -r "${parts[2]}" > "$D/last_alone.jsonl" 2> /dev/null
"$LOOKBACK" capture -q --jsonl -r "${parts[0]}" "$D/cut.pcapng" "${parts[2]}" > "$D/o" 2> "$D/e"; rc=$?
check "a cut file in the middle: exit 3 ($rc), the error names it: $(head -c 160 "$D/e")" \
	bash -c "test $rc -eq 3 && grep -q 'read error: .*cut.pcapng' '$D/e'"
sort "$D/last_alone.jsonl" > "$D/need"
sort "$D/o" > "$D/have"
check "the file after the cut one is read (its $(wc -l < "$D/need") records found)" \
	bash -c "test -s '$D/need' && test -z \"\$(comm -23 '$D/need' '$D/have')\""
sort "$D/cut_alone.jsonl" > "$D/need2"
check "what the cut file held before the damage is kept ($(wc -l < "$D/need2") records)" \
	bash -c "test -s '$D/need2' && test -z \"\$(comm -23 '$D/need2' '$D/have')\""

# a rotated pcapng file whose first packet is a simple packet block (no time,
# pcapng 4.4): inside a file such a packet takes the time of the packet before
# it; across a rotation that is the previous file's last.  It was counted as
# frame_no_time and not decoded (as it still is in the first file of a run)
/usr/bin/python3 - "${parts[1]}" "$D/spb.pcapng" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[8:12] == b"\x4d\x3c\x2b\x1a", "a little-endian section"
out, o, k = b"", 0, 0
while o < len(b):
    t, n = struct.unpack_from("<II", b, o)
    if t == 6 and k < 4:  # the first 4 enhanced packets -> simple packets
        cap, wire = struct.unpack_from("<II", b, o + 20)
        data = b[o + 28:o + 28 + cap]
        body = struct.pack("<I", wire) + data + b"\0" * (-cap % 4)
        out += struct.pack("<II", 3, len(body) + 12) + body + struct.pack("<I", len(body) + 12)
        k += 1
    else:
        out += b[o:o + n]
    o += n
open(sys.argv[2], "wb").write(out)
PY
run_cap "$D/spbw" -r "${parts[0]}" "${parts[1]}" "${parts[2]}"
run_cap "$D/spb" -r "${parts[0]}" "$D/spb.pcapng" "${parts[2]}"
n0=$(capinfos -TrMc "${parts[0]}" | awk -F'\t' '{ print $2 }')
t0=$(capinfos -TrSe "${parts[0]}" | awk -F'\t' '{ print $2 }')
check "a rotated pcapng file starting with simple packets: nothing counted as frame_no_time" \
	bash -c "! grep -q '^drop.frame_no_time [1-9]' '$D/spb.stats'"
check "the same records as with enhanced packets, times aside ($(wc -l < "$D/spbw.jsonl"))" \
	bash -c "cmp -s <(sed 's/\"time\":[0-9.]*//' '$D/spb.jsonl') <(sed 's/\"time\":[0-9.]*//' '$D/spbw.jsonl')"
check "the simple packets' records (frames $((n0 + 1))-$((n0 + 4))) have the previous file's last time ($t0)" \
	awk -v lo=$((n0 + 1)) -v hi=$((n0 + 4)) -v t="$t0" '{
		match($0, /"frame":[0-9]+/); f = substr($0, RSTART + 8, RLENGTH - 8) + 0
		if (f < lo || f > hi) next
		n++; match($0, /"time":[0-9.]+/); x = substr($0, RSTART + 7, RLENGTH - 7)
		if (x - t > 1e-6 || t - x > 1e-6) bad++ }
		END { exit !(n > 0 && !bad) }' "$D/spb.jsonl"
run_cap "$D/spb1" -r "$D/spb.pcapng"
check "read alone (no packet before them), they are counted as frame_no_time" \
	grep -q '^drop.frame_no_time 4$' "$D/spb1.stats"

# progress on a terminal names the file being read
if command -v script > /dev/null; then
	script -qec "'$LOOKBACK' capture --stats -r ${parts[*]}" /dev/null > "$D/tty" 2>&1
	check "the progress line on a terminal says which file (file 3/3)" grep -q "file 3/3" "$D/tty"
fi

"$LOOKBACK" capture --help > "$D/help"
check "--help documents several files" grep -q -- "-r FILE \[FILE...\]" "$D/help"
