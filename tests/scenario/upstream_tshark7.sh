#!/bin/bash
# Part 7 of upstream_tshark.sh: DNS traffic modelled on nDPI's DNS pcaps,
# Wireshark's own test captures, the rest of Arkime's dns-*.pcap and
# dns-stats/compactor's test-scripts (IQUERY, STATUS and UPDATE responses,
# DNS between ports that are no DNS ports - read by the port guess - and the
# junk tshark's heuristic takes there and the guess refuses, a 65535-octet
# message over IPv6 TCP, mDNS over IPv6 with an EDNS0 Owner option,
# CNAME-target NODATA, REFUSED without a question, LLMNR tentative
# responses, ICMP errors of several codes quoting responses, DNS over
# cleartext HTTP, odd but valid data),
# decoded by lookback and by tshark (upstream_tshark7.py says where and why
# the two differ).
. "$(dirname "$0")/lib.sh"
if ! command -v tshark >/dev/null; then skip "upstream cases against tshark: tshark is not installed"; exit 0; fi
TMPDIR=$T_TMP /usr/bin/python3 "$(dirname "$0")/upstream_tshark7.py"
