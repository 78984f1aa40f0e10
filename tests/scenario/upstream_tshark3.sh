#!/bin/bash
# Part 3 of upstream_tshark.sh: DNS messages modelled on DNS-OARC's dnsjit,
# gopacket's and Zeek's test captures (EDNS Client Subnet and Extended DNS
# Errors, a root referral, 0x20 case, compression into RDATA, Ethernet
# padding, DNS-SD, LLMNR, mDNS known answers, probes and legacy unicast,
# misplaced OPTs, HTTP on port 53),
# decoded by lookback and by tshark (upstream_tshark3.py says where and why
# the two differ).
. "$(dirname "$0")/lib.sh"
if ! command -v tshark >/dev/null; then skip "upstream cases against tshark: tshark is not installed"; exit 0; fi
TMPDIR=$T_TMP /usr/bin/python3 "$(dirname "$0")/upstream_tshark3.py"
