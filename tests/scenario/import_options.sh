#!/bin/bash
# `lookback import` end to end on small logs the importers' options and
# readers are for: a passivedns log written with -d (--passivedns-delimiter,
# with -f passivedns and detected), its bad values refused as usage errors;
# a MISP CSV export whose quoted comment holds line breaks, and a data row
# whose type and value are "type" and "value".
. "$(dirname "$0")/lib.sh"

# --- passivedns -d ','
printf '%s\n' \
	'1322849924.408856,10.1.1.1,8.8.8.8,IN,www.example.com.,A,192.0.2.1,300,3' \
	'1322849924.408856,10.1.1.1,8.8.8.8,IN,www.example.com.,A,192.0.2.2,300,3' > "$T_TMP/pd.log"
"$LOOKBACK" import -f passivedns --passivedns-delimiter , --jsonl "$T_TMP/pd.log" \
	> "$T_TMP/pd.out" 2> "$T_TMP/pd.err"
rc=$?
check "passivedns -d ',' log: exit 0 ($rc)" test $rc -eq 0
# an input that cannot be read is a usage error before any store is made
"$LOOKBACK" import -q --db "$T_TMP/nostore" "$T_TMP/no-such.cof" 2> "$T_TMP/nf.err"; rc=$?
check "a missing input: exit 2 ($rc), named, no store made" \
	bash -c "test $rc -eq 2 && grep -q 'no-such.cof' '$T_TMP/nf.err' && ! test -e '$T_TMP/nostore'"
"$LOOKBACK" import -q --db "$T_TMP/nostore" "$T_TMP" 2> "$T_TMP/nf.err"; rc=$?
check "a directory as the input: exit 2 ($rc), says so, no store made" \
	bash -c "test $rc -eq 2 && grep -q 'is a directory' '$T_TMP/nf.err' && ! test -e '$T_TMP/nostore'"
check "passivedns -d ',' log: the RRset" \
	grep -q '"rrname":"www.example.com.","rrtype":"A","class":"IN","rdata":\["192.0.2.1","192.0.2.2"\]' \
	"$T_TMP/pd.out"
# no --db, --send or --jsonl: read and counted only, and the summary says nothing
# was stored (it said "2 records imported" and no more); --jsonl says nothing of it
"$LOOKBACK" import -f passivedns --passivedns-delimiter , "$T_TMP/pd.log" > /dev/null 2> "$T_TMP/dry.err"
rc=$?
check "no --db/--send/--jsonl: exit 0 ($rc), the summary says nothing was stored" \
	bash -c "[ $rc -eq 0 ] && grep -q '^import: nothing was stored (no --db DIR, --send or --jsonl)' '$T_TMP/dry.err'"
check "... and with --jsonl it is not said" bash -c "! grep -q 'nothing was stored' '$T_TMP/pd.err'"
# a tab, --format auto: detected as passivedns (not as a zone file)
tr , '\t' < "$T_TMP/pd.log" > "$T_TMP/pd.tab"
"$LOOKBACK" import --passivedns-delimiter "$(printf '\t')" --jsonl "$T_TMP/pd.tab" \
	> "$T_TMP/tab.out" 2> "$T_TMP/tab.err"
rc=$?
check "passivedns -d TAB log, format auto: exit 0 ($rc), the RRset" \
	bash -c "[ $rc -eq 0 ] && grep -q '\"sensor_id\":\"passivedns\"' '$T_TMP/tab.out'"

usage() { # DESC WHY ARGS...: exit 2, the message names the option and WHY
	local d=$1 why=$2
	shift 2
	"$LOOKBACK" import "$@" --jsonl "$T_TMP/pd.log" > "$T_TMP/u.out" 2> "$T_TMP/u.err"
	local rc=$?
	check "$d: exit 2 ($rc), says '$why', imports nothing" \
		bash -c "[ $rc -eq 2 ] && grep -q -- '--passivedns-delimiter: $why' '$T_TMP/u.err' &&
			[ ! -s '$T_TMP/u.out' ]"
}
usage "--passivedns-delimiter ''" empty --passivedns-delimiter ''
usage "--passivedns-delimiter of 17 bytes" "longer than 16 bytes" \
	--passivedns-delimiter 01234567890123456
usage "--passivedns-delimiter with a newline" "holds a line break" \
	--passivedns-delimiter "$(printf 'a\nb')"

# --- MISP: a comment over lines; a data row that looks like a header
{
	printf 'uuid,event_id,category,type,value,comment,to_ids,date\r\n'
	printf '"u1",1,"Network activity","domain|ip","a.example|192.0.2.1","C2,\r\nsee ""report""\r\n",1,20200409\r\n'
	printf '"u2",1,"Other","type","value","",0,20200409\r\n'
	printf '"u3",1,"Network activity","domain|ip","b.example|192.0.2.2","",1,20200410\r\n'
} > "$T_TMP/misp.csv"
"$LOOKBACK" import --jsonl "$T_TMP/misp.csv" > "$T_TMP/misp.out" 2> "$T_TMP/misp.err"
rc=$?
check "MISP export: exit 0 ($rc): no bad line" test $rc -eq 0
check "MISP: the attribute whose comment holds line breaks" \
	grep -q '"rrname":"a.example.","rrtype":"A","class":"IN","rdata":\["192.0.2.1"\]' "$T_TMP/misp.out"
check "MISP: the attribute after a row of type \"type\"" \
	grep -q '"rrname":"b.example.","rrtype":"A","class":"IN","rdata":\["192.0.2.2"\]' "$T_TMP/misp.out"
