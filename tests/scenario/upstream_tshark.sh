#!/bin/bash
# DNS responses modelled on the upstream test captures (Zeek, suricata-verify,
# tcpdump...) that ../shared/data/captures does not copy: malformed rdata
# lengths, SvcParams, compression pointers, opcodes, mDNS, DNS over TCP
# mid-stream and on odd ports, DNSCrypt, DSO, label types; crafted, decoded
# by lookback and by tshark, each checked against what the RFCs make of it
# (upstream_tshark.py says where and why the two differ).
. "$(dirname "$0")/lib.sh"
if ! command -v tshark >/dev/null; then skip "upstream cases against tshark: tshark is not installed"; exit 0; fi
TMPDIR=$T_TMP /usr/bin/python3 "$(dirname "$0")/upstream_tshark.py"
