#!/bin/bash
# A name typed in Unicode is looked up as its UTF-8 octets (as dig sends it,
# and as DNSDB, which wants A-labels, takes it): it finds a raw UTF-8 owner
# (mDNS names are such), and when it finds nothing the command says that an
# internationalized name is in the DNS as its A-label, rather than leaving the
# investigator with a bare "no results" for a name seen every day.
. "$(dirname "$0")/lib.sh"
db="$T_TMP/db"
printf '%s\n' \
	'{"rrname":"xn--bcher-kva.example.","rrtype":"A","rdata":["192.0.2.1"],"time_first":1,"time_last":2,"count":1}' \
	'{"rrname":"b\u00fccher.local.","rrtype":"A","rdata":["192.0.2.2"],"time_first":1,"time_last":2,"count":1}' \
	> "$T_TMP/in.cof"
"$LOOKBACK" import -f cof --db "$db" "$T_TMP/in.cof" 2> /dev/null
check "the store is built" test $? -eq 0
Q() { "$LOOKBACK" query --db "$db" "$@" > "$T_TMP/out" 2> "$T_TMP/err"; }
Q -r 'xn--bcher-kva.example'
check "the A-label finds the IDN" test $? -eq 0 -a ! -s "$T_TMP/err"
Q -r 'bücher.example'
rc=$?
check "the U-label finds nothing (exit $rc, want 1)" test $rc -eq 1
check "... and says to convert it to its A-label: $(cat "$T_TMP/err")" grep -q 'A-label (xn--' "$T_TMP/err"
Q -r 'bücher.local'
check "the octets as typed find a raw UTF-8 owner, without a note" test $? -eq 0 -a ! -s "$T_TMP/err"
Q -r 'nothing.example'
check "an ASCII name that finds nothing gets no note" test $? -eq 1 -a ! -s "$T_TMP/err"
Q -n 'bücher.example'
check "-n with a U-label gets the note too" grep -q 'A-label' "$T_TMP/err"
