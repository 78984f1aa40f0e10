#!/bin/bash
# query --batch: a list of lookups (dnsdbq's batch lines and bare indicators,
# defanged or as URLs)
# answered from one store in one run.  Each answer must be what the same
# lookup gives on its own (`lookback query` with the matching options), in
# text, COF and CSV, framed "++ LINE" / "-- STATUS (why)"; a bad line is
# reported in its frame and on stderr without stopping the others; exit
# status 0 / 1 / 2 / 3 as documented; hostile lines (too long, a NUL byte,
# CRLF) cost nothing but their own answer.
. "$(dirname "$0")/lib.sh"
# The store and the answers of the lookups run alone (what each batch answer
# must equal) are the reference, not what is tested: under ASan they are the
# optimized build's when it is there (the ASan build runs single lookups with
# these options throughout store_query, query_oracle...), the batches are the
# build's own.
REF=$LOOKBACK
case $(basename "${BUILD:-build}") in
*asan*) [ -x "${BUILD%/*}/build/lookback" ] && REF=${BUILD%/*}/build/lookback ;;
esac
D=$T_TMP/db
"$REF" gen -q -o "$T_TMP/g.pcap" -n 20000 --seed 3 || { nok gen; exit 0; }
"$REF" capture -q -r "$T_TMP/g.pcap" --db "$D" > /dev/null 2>&1
check "capture --db" test -d "$D"
"$REF" export --db "$D" -f cof > "$T_TMP/all.json" 2> /dev/null
read -r OWNER IP CNAME_T DOM RAWNS <<< "$(python3 "$(dirname "$0")/pick_values.py" "$T_TMP/all.json")"
echo "# owner=$OWNER ip=$IP cname-target=$CNAME_T domain=$DOM"
check "lookup values picked from the store" test -n "$RAWNS"
NET=${IP%.*}.0

# LINE<TAB>the same lookup as `lookback query` options
cat > "$T_TMP/spec" <<EOF
rrset/name/$OWNER	-r $OWNER
rrset/name/$OWNER/A	-r $OWNER -t A
rrset/name/$OWNER/TXT	-r $OWNER -t TXT
rrset/name/*.$DOM	-r *.$DOM
rrset/name/*.$DOM/MX,NS	-r *.$DOM -t MX,NS
rrset/raw/$RAWNS	--raw-rrset $RAWNS
rdata/ip/$NET,24	-i $NET/24
rdata/ip/$IP	-i $IP
rdata/name/$CNAME_T	-n $CNAME_T
rdata/name/$CNAME_T/CNAME	-n $CNAME_T -t CNAME
$IP	-i $IP
$NET/24	-i $NET/24
$OWNER	-r $OWNER
no-such.$DOM	-r no-such.$DOM
rrset/name/*.com.br/A	-r *.com.br -t A
hxxps://${OWNER//./[.]}:8443/login.php?u=1	-r $OWNER
${IP//./(.)}:443	-i $IP
EOF
# the batch: those lines, with blanks, a comment, an empty line and CRLF
{
	echo "# enrichment of today's alerts"
	n=0
	while IFS=$'\t' read -r line _; do
		n=$((n + 1))
		case $n in
		2) printf '  %s \t\r\n' "$line" ;;
		5) echo; echo "$line" ;;
		*) echo "$line" ;;
		esac
	done < "$T_TMP/spec"
} > "$T_TMP/batch"

# blocks FILE: "LINE<TAB>STATUS<TAB>n" per frame, and the frame bodies in FILE.bN
blocks() {
	awk -v f="$1" '
		/^\+\+ / { n++; line = substr($0, 4); body = f ".b" n; printf "" > body; next }
		/^-- / { printf "%s\t%s\n", line, substr($0, 4); close(body); next }
		{ print >> body }' "$1"
}

for fmt in text cof; do
	"$LOOKBACK" query --db "$D" --batch "$T_TMP/batch" -l 0 -f $fmt > "$T_TMP/out.$fmt" 2> "$T_TMP/err.$fmt"
	rc=$?
	check "-f $fmt: exit 0 (lines had results), nothing on stderr" \
		bash -c "[ $rc -eq 0 ] && [ ! -s '$T_TMP/err.$fmt' ]"
	blocks "$T_TMP/out.$fmt" > "$T_TMP/frames.$fmt"
	check "-f $fmt: one frame per lookup line, in order ($(wc -l < "$T_TMP/frames.$fmt"))" \
		bash -c "[ \"\$(cut -f1 '$T_TMP/frames.$fmt')\" = \"\$(cut -f1 '$T_TMP/spec')\" ]"
	i=0 bad=""
	while IFS=$'\t' read -r line opts; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		"$REF" query --db "$D" $opts -l 0 -f $fmt > "$T_TMP/one" 2> /dev/null
		orc=$?
		want="no error"
		[ $orc -eq 1 ] && want="no results found for query."
		got=$(sed -n "${i}p" "$T_TMP/frames.$fmt" | cut -f2)
		if ! cmp -s "$T_TMP/one" "$T_TMP/out.$fmt.b$i"; then
			bad="$bad [$line: answer differs]"
		elif [ "$got" != "NOERROR ($want)" ]; then
			bad="$bad [$line: status '$got', want 'NOERROR ($want)']"
		fi
	done < "$T_TMP/spec"
	check "-f $fmt: each answer = lookback query with the same lookup, status as its exit${bad}" test -z "$bad"
done
nres=$(grep -c "NOERROR (no error)" "$T_TMP/frames.cof")
check "most lines found something ($nres of 17), one did not" \
	bash -c "[ $nres -ge 13 ] && grep -q 'no-such.*no results found' '$T_TMP/frames.cof'"

# CSV: one header, a first column naming the line, rows = the lookup's own
"$LOOKBACK" query --db "$D" --batch "$T_TMP/batch" -l 0 -f csv > "$T_TMP/out.csv" 2> /dev/null
: > "$T_TMP/want.csv"
first=1
while IFS=$'\t' read -r line opts; do
	# shellcheck disable=SC2086
	"$REF" query --db "$D" $opts -l 0 -f csv > "$T_TMP/one" 2> /dev/null
	if [ $first = 1 ]; then head -1 "$T_TMP/one" | sed 's/^/query,/' >> "$T_TMP/want.csv"; first=0; fi
	q=$line
	case $line in *,*) q="\"$line\"" ;; esac
	tail -n +2 "$T_TMP/one" | sed "s|^|$q,|" >> "$T_TMP/want.csv"
done < "$T_TMP/spec"
check "-f csv: one header with a 'query' column; each row = the lookup's own, prefixed by its line ($(wc -l < "$T_TMP/out.csv") lines)" \
	cmp -s "$T_TMP/out.csv" "$T_TMP/want.csv"

# filters and options from the command line apply to every line
"$LOOKBACK" query --db "$D" --batch "$T_TMP/batch" -s -f cof > "$T_TMP/out.s" 2> /dev/null
blocks "$T_TMP/out.s" > "$T_TMP/frames.s"
i=0 bad=""
while IFS=$'\t' read -r line opts; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	"$REF" query --db "$D" $opts -s -f cof > "$T_TMP/one" 2> /dev/null
	cmp -s "$T_TMP/one" "$T_TMP/out.s.b$i" || bad="$bad [$line]"
done < "$T_TMP/spec"
check "--summarize: each line's summary = its own query -s${bad}" test -z "$bad"
"$LOOKBACK" query --db "$D" --batch "$T_TMP/batch" -l 1 -f cof > "$T_TMP/out.l" 2> /dev/null
blocks "$T_TMP/out.l" > "$T_TMP/frames.l"
most=0
for f in "$T_TMP"/out.l.b*; do n=$(grep -c . "$f"); [ "$n" -gt $most ] && most=$n; done
check "-l 1: at most one record per answer ($most), and a cut answer says 'Result limit reached'" \
	bash -c "[ $most -eq 1 ] && [ \$(wc -l < '$T_TMP/frames.l') -eq 17 ] && grep -q 'NOERROR (Result limit reached)' '$T_TMP/frames.l'"
# CSV has no frames: each cut answer is said on stderr, with its line (it was silent)
"$LOOKBACK" query --db "$D" --batch "$T_TMP/batch" -l 1 -f csv > /dev/null 2> "$T_TMP/err.l"
cut_n=$(grep -c 'NOERROR (Result limit reached)' "$T_TMP/frames.l")
check "-l 1 -f csv: each of the $cut_n cut answers noted on stderr ('line N: result limited to 1; more exist')" \
	bash -c "[ $cut_n -gt 0 ] && [ \$(grep -c '^lookback query: --batch .* line [0-9]*: result limited to 1; more exist\$' '$T_TMP/err.l') -eq $cut_n ]"
"$LOOKBACK" query --db "$D" --batch "$T_TMP/batch" -t NS -f cof > "$T_TMP/out.t" 2> "$T_TMP/err.t"
rc=$?
# -t NS: lines without their own types take it; rdata/ip lines cannot
check "-t NS from the command line: the 5 ip lines are refused (A, AAAA only), exit 2, the rest answered" \
	bash -c "[ $rc -eq 2 ] && [ \$(grep -c '^-- ERROR (rdata/ip takes only' '$T_TMP/out.t') -eq 5 ] &&
		[ \$(grep -c '^-- NOERROR' '$T_TMP/out.t') -eq 12 ] && grep -q 'line 9: rdata/ip takes only' '$T_TMP/err.t'"
check "... and a line's own types win over -t (rrset/name/OWNER/A found)" \
	bash -c "grep -A2 '^++ rrset/name/$OWNER/A\$' '$T_TMP/out.t' | grep -q '\"rrtype\":\"A\"'"

# $OPTIONS lines (dnsdbq's): the lines after one take its options on top of
# those in force; alone, back to the command line's
{
	echo "rrset/name/*.com.br/A"
	echo "\$OPTIONS -l2 -O 1"
	echo "rrset/name/*.com.br/A"
	echo "\$OPTIONS -A 1700000000 -B 1700000001 -c -L 4"
	echo "rdata/ip/0.0.0.0,0"
	echo "\$OPTIONS -gO0"
	echo "rrset/name/$OWNER"
	echo "\$OPTIONS"
	echo "rrset/name/*.com.br/A"
} > "$T_TMP/optbatch"
"$LOOKBACK" query --db "$D" --batch "$T_TMP/optbatch" -l 3 -f cof > "$T_TMP/out.o" 2> "$T_TMP/err.o"
rc=$?
blocks "$T_TMP/out.o" > "$T_TMP/frames.o"
bad=""
i=0
for opts in "-r *.com.br -t A -l 3" "-r *.com.br -t A -l 2 --offset 1" \
	"-i 0.0.0.0/0 -A 1700000000 -B 1700000001 -c -l 4 --offset 1" \
	"-r $OWNER -g -A 1700000000 -B 1700000001 -c -l 4" "-r *.com.br -t A -l 3"; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	"$REF" query --db "$D" $opts -f cof > "$T_TMP/one" 2> /dev/null
	[ -s "$T_TMP/one" ] || bad="$bad [$opts: nothing to compare]"
	cmp -s "$T_TMP/one" "$T_TMP/out.o.b$i" || bad="$bad [$opts]"
done
check "\$OPTIONS -l2 -O 1, then -A/-B/-c/-L on top, then -gO0 on top (glued as getopt takes them), and alone (the command line's): each answer = the query with those options, no frame of their own${bad}" \
	bash -c "[ -z '$bad' ] && [ $rc -eq 0 ] && [ \$(wc -l < '$T_TMP/frames.o') -eq 5 ] && [ ! -s '$T_TMP/err.o' ]"

# -f cof merges an rrset across its bailiwicks; a line after $OPTIONS too
cat > "$T_TMP/bw.cof" <<'EOF'
{"rrname":"www.example.com.","rrtype":"A","bailiwick":"example.com.","rdata":["192.0.2.1"],"count":3,"time_first":1700000000,"time_last":1700000100}
{"rrname":"www.example.com.","rrtype":"A","bailiwick":"com.","rdata":["192.0.2.1"],"count":5,"time_first":1700000050,"time_last":1700000200}
EOF
"$LOOKBACK" import -f cof --db "$T_TMP/bw" "$T_TMP/bw.cof" > /dev/null 2>&1
printf 'www.example.com\n$OPTIONS -l 5\nwww.example.com\n$OPTIONS\nwww.example.com\n' > "$T_TMP/bwbatch"
"$LOOKBACK" query --db "$T_TMP/bw" --batch "$T_TMP/bwbatch" -f cof > "$T_TMP/out.bw" 2> /dev/null
rc=$?
blocks "$T_TMP/out.bw" > /dev/null
"$REF" query --db "$T_TMP/bw" -r www.example.com -f cof > "$T_TMP/one.bw" 2> /dev/null
check "-f cof: the answer after \$OPTIONS -l 5, and after \$OPTIONS, = query -f cof (one record merged across 2 bailiwicks)" \
	bash -c "[ $rc -eq 0 ] && [ \$(wc -l < '$T_TMP/one.bw') -eq 1 ] && cmp -s '$T_TMP/one.bw' '$T_TMP/out.bw.b1' &&
		cmp -s '$T_TMP/one.bw' '$T_TMP/out.bw.b2' && cmp -s '$T_TMP/one.bw' '$T_TMP/out.bw.b3'"

# negative/name/NAME[/TYPES] (lookback's): as --negative; refused in CSV
NEG=$("$LOOKBACK" query --db "$D" --negative '*.com.br' -l 1 -f cof 2> /dev/null | sed -n 's/.*"rrname":"\([^"]*\)".*/\1/p')
NEGPARENT=${NEG#*.}
printf 'negative/name/%s\nnegative/name/*.%s/AAAA,A\nnegative/name/www.*\n' "$NEG" "$NEGPARENT" > "$T_TMP/negbatch"
bad=""
for fmt in text cof; do
	"$LOOKBACK" query --db "$D" --batch "$T_TMP/negbatch" -l 0 -f $fmt > "$T_TMP/out.n$fmt" 2> /dev/null
	blocks "$T_TMP/out.n$fmt" > "$T_TMP/frames.n$fmt"
	"$REF" query --db "$D" --negative "$NEG" -l 0 -f $fmt > "$T_TMP/one" 2> /dev/null
	cmp -s "$T_TMP/one" "$T_TMP/out.n$fmt.b1" || bad="$bad [$fmt $NEG]"
	"$REF" query --db "$D" --negative "*.$NEGPARENT" -t AAAA,A -l 0 -f $fmt > "$T_TMP/one" 2> /dev/null
	cmp -s "$T_TMP/one" "$T_TMP/out.n$fmt.b2" || bad="$bad [$fmt *.$NEGPARENT]"
	[ -s "$T_TMP/one" ] || bad="$bad [$fmt: nothing to compare]"
done
check "negative/name/ lines ($NEG) = query --negative, in text and COF; a right-hand wildcard refused${bad}" \
	bash -c "[ -n '$NEG' ] && [ -z '$bad' ] && grep -q \"^negative/name/www\.\*	ERROR (right-hand wildcards\" '$T_TMP/frames.ncof'"
printf 'negative/name/%s\n' "$NEG" | "$LOOKBACK" query --db "$D" --batch - -f csv > /dev/null 2> "$T_TMP/e"
check "... and refused with -f csv (exit 2, saying so)" bash -c "[ $? -eq 2 ] && grep -q 'take -f text or cof' '$T_TMP/e'"

# bad lines: reported in their frame and on stderr with the line number,
# the others answered, exit 2
long=$(head -c 9000 /dev/zero | tr '\0' 'a')
{
	echo "rrset/name/$OWNER"
	echo "rrset/name/a..b"
	echo "\$OPTIONS -x"
	echo "rrset/name/$OWNER?limit=5"
	echo "bogus/line"
	echo "10.0.0.0/33"
	echo "$long"
	printf 'rrset/name/x\0y\n'
	echo "rdata/ip/$IP"
} > "$T_TMP/badbatch"
"$LOOKBACK" query --db "$D" --batch "$T_TMP/badbatch" -f cof > "$T_TMP/out.bad" 2> "$T_TMP/err.bad"
rc=$?
check "bad lines: exit 2; 7 frames '-- ERROR (why)', 2 answered" \
	bash -c "[ $rc -eq 2 ] && [ \$(grep -c '^-- ERROR (' '$T_TMP/out.bad') -eq 7 ] &&
		[ \$(grep -c '^-- NOERROR (no error)' '$T_TMP/out.bad') -eq 2 ]"
check "... each named on stderr with its line number and reason" \
	bash -c "grep -q 'line 2: malformed name' '$T_TMP/err.bad' && grep -q 'line 3: \$OPTIONS takes -A T' '$T_TMP/err.bad' &&
		grep -q 'line 4: .*without .?. parameters' '$T_TMP/err.bad' && grep -q 'line 5: not a lookup' '$T_TMP/err.bad' &&
		grep -q 'line 6: prefix length too long' '$T_TMP/err.bad' && grep -q 'line 7: line too long' '$T_TMP/err.bad' &&
		grep -q 'line 8: a NUL byte' '$T_TMP/err.bad'"
check "... a long line is shown cut, a line with a NUL cut at it" \
	bash -c "grep -q '^++ a\\{64\\}\\.\\.\\.\$' '$T_TMP/out.bad' && grep -q '^++ rrset/name/x\\.\\.\\.\$' '$T_TMP/out.bad'"

# a NUL as the last byte a line may keep (8192): its '...' marker still fits
{
	head -c 8191 /dev/zero | tr '\0' 'a'
	printf '\0\n'
	echo "rdata/ip/$IP"
} > "$T_TMP/nulbatch"
"$LOOKBACK" query --db "$D" --batch "$T_TMP/nulbatch" -f cof > "$T_TMP/out.nul" 2> "$T_TMP/err.nul"
rc=$?
check "a NUL at byte 8192 of a line: exit 2, the line reported cut at it, the next answered" \
	bash -c "[ $rc -eq 2 ] && grep -q '^++ a\\{8191\\}\\.\\.\\.\$' '$T_TMP/out.nul' &&
		grep -q 'line 1: a NUL byte' '$T_TMP/err.nul' && [ \$(grep -c '^-- NOERROR (no error)' '$T_TMP/out.nul') -eq 1 ]"
# a NUL in an $OPTIONS line: reported, not read as the options before it
printf '$OPTIONS -O 1\0 -g\nrrset/name/%s\n' "$OWNER" > "$T_TMP/nulopt"
"$LOOKBACK" query --db "$D" --batch "$T_TMP/nulopt" -f cof > "$T_TMP/out.nulopt" 2> "$T_TMP/err.nulopt"
rc=$?
blocks "$T_TMP/out.nulopt" > /dev/null
"$REF" query --db "$D" -r "$OWNER" -f cof > "$T_TMP/one" 2> /dev/null
check "a NUL in an \$OPTIONS line: exit 2, reported (a NUL byte), its options (-O 1) not taken" \
	bash -c "[ $rc -eq 2 ] && grep -q 'line 1: a NUL byte' '$T_TMP/err.nulopt' &&
		grep -q '^-- ERROR (a NUL byte' '$T_TMP/out.nulopt' && cmp -s '$T_TMP/one' '$T_TMP/out.nulopt.b2'"

# exit status: 1 when no line had results; stdin; usage errors; store errors
printf 'rrset/name/no-such.%s\n# only a comment\n' "$DOM" | "$LOOKBACK" query --db "$D" --batch - > "$T_TMP/o1" 2>&1
check "no line with results: exit 1 (batch from standard input)" test $? -eq 1
: | "$LOOKBACK" query --db "$D" --batch - > "$T_TMP/o1" 2>&1
check "an empty batch: exit 1, nothing written" bash -c "[ $? -eq 1 ] && [ ! -s '$T_TMP/o1' ]"
"$LOOKBACK" query --db "$D" --batch "$T_TMP/batch" -r "$OWNER" > /dev/null 2> "$T_TMP/e"
check "--batch with a lookup option: exit 2, saying why" bash -c "[ $? -eq 2 ] && grep -q 'give no lookup option' '$T_TMP/e'"
"$LOOKBACK" query --db "$D" --batch "$T_TMP/batch" -b "$DOM" > /dev/null 2> "$T_TMP/e"
check "--batch with --bailiwick: exit 2, pointing at the line form" bash -c "[ $? -eq 2 ] && grep -q 'rrset/name/NAME/TYPE/BAILIWICK' '$T_TMP/e'"
"$LOOKBACK" query --db "$D" --batch "$T_TMP/no-such-file" > /dev/null 2> "$T_TMP/e"
check "--batch of a missing file: exit 2" bash -c "[ $? -eq 2 ] && grep -q 'no-such-file: No such file' '$T_TMP/e'"
"$LOOKBACK" query --db "$T_TMP/no-such-db" --batch "$T_TMP/batch" > /dev/null 2> "$T_TMP/e"
check "--batch on a missing store: exit 3" test $? -eq 3
echo "1..$T_N"
