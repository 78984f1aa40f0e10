#!/bin/bash
# `lookback import` end to end on small logs the importers' options and
# readers are for: a passivedns log written with -d (--passivedns-delimiter,
# with -f passivedns and detected), its bad values refused as usage errors.
. "$(dirname "$0")/lib.sh"

# --- passivedns -d ','
printf '%s\n' \
	'1322849924.408856,10.1.1.1,8.8.8.8,IN,www.example.com.,A,192.0.2.1,300,3' \
	'1322849924.408856,10.1.1.1,8.8.8.8,IN,www.example.com.,A,192.0.2.2,300,3' > "$T_TMP/pd.log"
"$LOOKBACK" import -f passivedns --passivedns-delimiter , --jsonl "$T_TMP/pd.log" \
	> "$T_TMP/pd.out" 2> "$T_TMP/pd.err"
rc=$?
check "passivedns -d ',' log: exit 0 ($rc)" test $rc -eq 0
check "passivedns -d ',' log: the RRset" \
	grep -q '"rrname":"www.example.com.","rrtype":"A","class":"IN","rdata":\["192.0.2.1","192.0.2.2"\]' \
	"$T_TMP/pd.out"
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
