#!/bin/bash
# lookback gen: the capture it writes is checked by an independent decoder
# (tshark): packet count, nothing malformed, checksums good, the record types and
# rcodes it promises, TCP and IPv6, determinism, timestamps, --unique, errors.
. "$(dirname "$0")/lib.sh"

if ! command -v tshark >/dev/null 2>&1; then
	skip "gen: tshark is not installed"
	exit 0
fi
TS() { tshark_cached -n "$@" 2>/dev/null; }
F=$T_TMP/g.pcap
N=4000

"$LOOKBACK" gen -o "$F" -n $N --seed 7 --tcp-share 0.15 -v 2> "$T_TMP/counts"
check "gen exits 0" test $? -eq 0
cnt() { awk -v k="$1" '$1 == k { print $2 }' "$T_TMP/counts"; }

check "tshark reads exactly $N packets" test "$(TS -r "$F" | wc -l)" -eq $N
check "tshark finds no malformed packet" test -z "$(TS -r "$F" -Y _ws.malformed)"
bad=$(TS -r "$F" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
	-Y 'ip.checksum.status == 2 || udp.checksum.status == 2 || tcp.checksum.status == 2' | wc -l)
check "IPv4, UDP and TCP checksums are all good" test "$bad" -eq 0

# One pass of fields: frame, response flag, rcode, transport, ip version, answer types.
TS -r "$F" -Y dns -T fields -E separator='|' -e frame.number -e dns.flags.response \
	-e dns.flags.rcode -e tcp.srcport -e ipv6.src -e dns.resp.type -e dns.count.answers \
	> "$T_TMP/f"
resp() { awk -F'|' '$2 == "1"' "$T_TMP/f"; }
has_type() { resp | awk -F'|' -v t="$1" '{ n = split($6, a, ","); for (i = 1; i <= n; i++) if (a[i] == t) { c++; next } } END { exit !(c > 0) }'; }
for t in 1:A 28:AAAA 5:CNAME 2:NS 15:MX 16:TXT 46:RRSIG 6:SOA 33:SRV 12:PTR; do
	check "responses carry ${t#*:} records" has_type "${t%%:*}"
done
check "some responses are NXDOMAIN" test "$(resp | awk -F'|' '$3 == 3' | wc -l)" -gt 0
check "some responses are SERVFAIL" test "$(resp | awk -F'|' '$3 == 2' | wc -l)" -gt 0
check "DNS over TCP is present" test "$(awk -F'|' '$4 != ""' "$T_TMP/f" | wc -l)" -gt 0
check "DNS over IPv6 is present" test "$(awk -F'|' '$5 != ""' "$T_TMP/f" | wc -l)" -gt 0
check "TCP streams have handshakes and FINs" \
	test "$(TS -r "$F" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' | wc -l)" -eq "$(cnt tcp_conns)" -a \
	"$(TS -r "$F" -Y 'tcp.flags.fin == 1' | wc -l)" -eq $(( 2 * $(cnt tcp_conns) ))
check "some TCP responses are split across segments (tshark reassembles them)" \
	test "$(TS -r "$F" -Y 'dns && tcp.segment.count >= 2' | wc -l)" -eq "$(cnt tcp_split)" -a "$(cnt tcp_split)" -gt 0

# The generator's own counters agree with what tshark decodes.
check "tshark sees as many DNS messages as gen wrote" \
	test "$(wc -l < "$T_TMP/f")" -eq $(( $(cnt queries) + $(cnt responses) ))
check "responses roughly match queries (1:1, a few lost)" \
	test "$(cnt responses)" -le "$(cnt queries)" -a $(( $(cnt responses) * 100 )) -ge $(( $(cnt queries) * 95 ))
check "tshark's NXDOMAIN count equals gen's" test "$(resp | awk -F'|' '$3 == 3' | wc -l)" -eq "$(cnt nxdomain)"
check "tshark's answer record count equals gen's" \
	test "$(resp | awk -F'|' '{ s += $7 } END { print s + 0 }')" -eq "$(cnt answer_rrs)"

# Names repeat (Zipf), and responses use compression pointers.
rep=$(TS -r "$F" -Y 'dns.flags.response == 1' -T fields -e dns.qry.name | sort | uniq -d | wc -l)
check "popular names repeat" test "$rep" -gt 10

# Determinism.
"$LOOKBACK" gen -o "$T_TMP/g2.pcap" -n $N --seed 7 --tcp-share 0.15 2>/dev/null
check "same seed gives identical bytes" cmp -s "$F" "$T_TMP/g2.pcap"
"$LOOKBACK" gen -o "$T_TMP/g3.pcap" -n $N --seed 8 --tcp-share 0.15 2>/dev/null
check "another seed gives other bytes" test "$(cmp -s "$F" "$T_TMP/g3.pcap"; echo $?)" -eq 1

# Timestamps follow --start and --rate.
"$LOOKBACK" gen -o "$T_TMP/t.pcap" -n 101 --start 1600000000 --rate 50 --ipv6-share 0 --tcp-share 0
t=$(TS -r "$T_TMP/t.pcap" -T fields -e frame.time_epoch | sed -n '1p;101p' | tr '\n' ' ')
check "first packet at --start, packet 101 at start + 100/rate ($t)" \
	test "$t" = "1600000000.000000000 1600000002.000000000 "
check "--ipv6-share 0 --tcp-share 0 writes neither IPv6 nor TCP" \
	test -z "$(TS -r "$T_TMP/t.pcap" -Y 'ipv6 || tcp')"

# --unique: no answer address and no answer owner is ever seen twice.
"$LOOKBACK" gen -o "$T_TMP/u.pcap" -n 3000 --unique --names 5
dupa=$(TS -r "$T_TMP/u.pcap" -Y 'dns.flags.response == 1' -T fields -e dns.a | tr ',' '\n' | grep . | sort | uniq -d | wc -l)
na=$(TS -r "$T_TMP/u.pcap" -Y 'dns.flags.response == 1' -T fields -e dns.a | tr ',' '\n' | grep -c .)
check "--unique: $na answer addresses, none repeated" test "$dupa" -eq 0 -a "$na" -gt 500
dupq=$(TS -r "$T_TMP/u.pcap" -Y 'dns.flags.response == 1' -T fields -e dns.qry.name | sort | uniq -d | wc -l)
check "--unique: no question name repeats" test "$dupq" -eq 0
dupn=$(TS -r "$F" -Y 'dns.flags.response == 1' -T fields -e dns.a | tr ',' '\n' | grep . | sort | uniq -d | wc -l)
check "without --unique addresses do repeat" test "$dupn" -gt 0

# Usage and errors.
"$LOOKBACK" gen --help | grep -q -- '--tcp-share'
check "--help describes the options" test $? -eq 0
"$LOOKBACK" gen -o "$T_TMP/x.pcap" 2>/dev/null
check "missing -n is a usage error (2)" test $? -eq 2
"$LOOKBACK" gen -o "$T_TMP/x.pcap" -n 10 --tcp-share 1.5 2>/dev/null
check "--tcp-share 1.5 is a usage error (2)" test $? -eq 2
"$LOOKBACK" gen -o "$T_TMP/x.pcap" -n 10x 2>/dev/null
check "-n 10x is a usage error (2)" test $? -eq 2
"$LOOKBACK" gen -o "$T_TMP/x.pcap" -n 10 --bogus 2>/dev/null
check "an unknown option is a usage error (2)" test $? -eq 2
"$LOOKBACK" gen -o "$T_TMP/no/such/dir/x.pcap" -n 10 2>/dev/null
check "an unwritable output is an I/O error (3)" test $? -eq 3
"$LOOKBACK" gen -o - -n 50 | TS -r - | wc -l | grep -qx 50
check "-o - writes a capture to standard output" test $? -eq 0
