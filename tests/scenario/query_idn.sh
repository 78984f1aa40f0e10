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
# Likewise an IPv4-mapped IPv6 address (::ffff:192.0.2.1, as some logs and
# tools write a v4 peer): an A record's address is kept as IPv4, so it finds
# nothing; the command says which address to ask for
Q -i '::ffff:192.0.2.1'
rc=$?
check "an IPv4-mapped address finds nothing (exit $rc, want 1)" test $rc -eq 1
check "... and says to ask for 192.0.2.1: $(cat "$T_TMP/err")" grep -q 'ask for 192.0.2.1 instead' "$T_TMP/err"
Q -i '::ffff:192.0.2.0/120'
check "... a mapped block names the IPv4 range: $(cat "$T_TMP/err")" grep -q 'ask for 192.0.2.0-192.0.2.255 instead' "$T_TMP/err"
Q -i '192.0.2.1'
check "the IPv4 address finds it, without a note" test $? -eq 0 -a ! -s "$T_TMP/err"
Q -i '2001:db8::1'
check "an IPv6 address that finds nothing gets no note" test $? -eq 1 -a ! -s "$T_TMP/err"
