#!/bin/bash
# Part 4 of upstream_tshark.sh: DNS, mDNS and LLMNR traffic modelled on the
# suricata-verify tests the shared captures do not copy (SRV, glue in the
# additional section, a response without its query, junk before a query,
# two transactions on one flow, three queries of ID 0 on one TCP connection,
# a CNAME among the additionals, PTR, an mDNS UTF-8 instance, LLMNR over TCP
# split and LLMNR authority/additional/NXDOMAIN), decoded by lookback and by
# tshark, and the EVE lines Suricata writes for them imported by lookback
# (upstream_tshark_sv.py says where and why they differ).
. "$(dirname "$0")/lib.sh"
if ! command -v tshark >/dev/null; then skip "upstream cases against tshark: tshark is not installed"; exit 0; fi
TMPDIR=$T_TMP /usr/bin/python3 "$(dirname "$0")/upstream_tshark_sv.py"
