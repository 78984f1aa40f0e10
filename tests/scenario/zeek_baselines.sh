#!/bin/bash
# Scenario: the same traffic two ways - `lookback capture` on each Zeek test
# trace in ../shared/data/captures and `lookback import -f zeek` on the
# dns.log Zeek wrote for it (its btest baseline, beside the pcap).  Both
# directions: every RRset (owner, type, rdata, TTL) and negative imported is
# one the capture decodes from the answer section, and every one the capture
# has there and the import lacks is a documented Zeek logging limitation the
# import counted under the reason expected for that trace (docs/IMPORT.md).
# Every data row is accounted for (imported, skipped or bad), and each
# baseline's #fields variant (with rtt, opcode, auth addl) reads without a
# bad line.  btest masks the times: they are replaced by a fixed time and
# not compared here (tests/unit/sources/test_import_zeek_baselines.c).
. "$(dirname "$0")/lib.sh"
need_shared "zeek baselines" || exit 0
command -v jq >/dev/null || { skip "jq not installed"; exit 0; }

# [owner,type,sorted rdata,ttl] / ["NEG",qname,qtype,rcode]
norm() { jq -c 'if .negative then ["NEG",.qname,.qtype,.rcode] else [.rrname,.rrtype,(.rdata|sort),.ttl] end' | sort -u; }
# what a dns.log can hold of a capture: answers (no signatures: Zeek logs
# "RRSIG type signer" only) and negatives
wire() { jq -c 'select(.negative or (.section == "answer" and .rrtype != "RRSIG"))' | norm; }

# The reason each trace's missing observations are counted under:
#   ambiguous_chain  a response seen without its query: Zeek logs no qtype
#                    (main.zeek sets it in dns_request), and the query column
#                    is the first answer's owner - answers with a name among
#                    them (a CNAME target, or an ANY answer's NS?) cannot be
#                    placed; all addresses/TXT/SPF are at the query name
#                    (dns53, dns-spf: imported whole)
#   lossy_answer     types Zeek renders without their data (DNSKEY n, LOC:,
#                    BIND9 signing signal, ...)
#   maybe_referral   NOERROR without answers, AA and RA clear, no auth column:
#                    the authority section that tells NODATA from a referral
#                    is not logged
declare -A WHY=(
	[zeek_dns-txt-multiple.pcap]=ambiguous_chain
	[zeek_dns-zero-RRs.pcap]=maybe_referral
	[zeek_dns_dns-binds.pcap]=lossy_answer
	[zeek_dns_loc-29-trunc.pcap]=lossy_answer
	[zeek_dnssec_dnskey.pcap]=lossy_answer
	[zeek_tunnels_gre-over-udp-4754.pcap]=maybe_referral
	[zeek_wikipedia.pcap]=maybe_referral
)

n_logs=0; n_same=0
for log in "$CAPTURES"/zeek_*.pcap.dns.log; do
	[ -e "$log" ] || continue
	b=$(basename "$log" .dns.log)
	[ -e "$CAPTURES/$b" ] || continue
	n_logs=$((n_logs + 1))
	sed 's/XXXXXXXXXX\.XXXXXX/1300000000.000000/' "$log" > "$T_TMP/z.log"
	"$LOOKBACK" import -f zeek --jsonl "$T_TMP/z.log" > "$T_TMP/z.jsonl" 2> "$T_TMP/z.err"
	rc=$?
	check "$b: its #fields layout reads, no bad line (exit $rc)" \
		sh -c "[ $rc -eq 0 ] && ! grep -q '^import: bad' '$T_TMP/z.err'"
	# every data row counted once: imported, skipped or bad
	rows=$(grep -vc '^#' "$log")
	counted=$(awk '/records imported/ { n += $4 } /^import: (skipped|bad) [0-9]/ { n += $3 } END { print n + 0 }' "$T_TMP/z.err")
	check "$b: each of the $rows rows imported or counted with a reason ($counted)" [ "$rows" -eq "$counted" ]
	norm < "$T_TMP/z.jsonl" > "$T_TMP/z.n"
	"$LOOKBACK" capture -r "$CAPTURES/$b" --jsonl 2> /dev/null | wire > "$T_TMP/c.n"
	extra=$(comm -23 "$T_TMP/z.n" "$T_TMP/c.n")
	check "$b: all $(wc -l < "$T_TMP/z.n") imported are on the wire, TTLs too${extra:+: not $(echo "$extra" | head -2 | cut -c1-200 | tr '\n' ' ')}" \
		[ -z "$extra" ]
	missing=$(comm -13 "$T_TMP/z.n" "$T_TMP/c.n")
	why=${WHY[$b]:-}
	if [ -z "$missing" ]; then
		n_same=$((n_same + 1))
		check "$b: the import has all the capture's answers and negatives" [ -z "$why" ]
	elif [ -n "$why" ]; then
		check "$b: $(echo "$missing" | wc -l) not imported, counted as $why" \
			grep -q "^import: skipped [0-9]* $why\$" "$T_TMP/z.err"
	else
		nok "$b: not imported, and no reason expected: $(echo "$missing" | head -2 | cut -c1-200 | tr '\n' ' ')"
	fi
done
check "baselines compared ($n_logs), $n_same of them agreeing entirely" [ "$n_logs" -ge 10 -a "$n_same" -ge 7 ]

# the header-less cut (zeek-cut's own header line, no #fields): refused
CUT=$CAPTURES/zeek_dns_naptr.pcap.dns.log.cut
if [ -e "$CUT" ]; then
	"$LOOKBACK" import -q -f zeek "$CUT" > /dev/null 2> "$T_TMP/cut.err"
	check "zeek-cut output (no #fields, no standard layout): zeek_no_header, exit 2" \
		bash -c "[ $? -eq 2 ] && grep -q 'bad 2 zeek_no_header' '$T_TMP/cut.err'"
fi
