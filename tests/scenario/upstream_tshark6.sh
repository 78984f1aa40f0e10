#!/bin/bash
# Part 6 of upstream_tshark.sh: DNS traffic modelled on the suricata-verify
# tests/dns and tests/7.0 tests parts 1-5 left (a query carrying an answer,
# HTTPS/SVCB in both modes, Teredo with origin and authentication headers)
# and on DNS-OARC's dnsperf, dsc and PacketQ test material (UPDATE and
# TSIG, the largest UDP and TCP messages, empty payloads, RFC 1035 escapes
# in owners and in denied names, QTYPE 0 and private types, A6), decoded by
# lookback and by tshark (upstream_tshark6.py says where and why they differ).
. "$(dirname "$0")/lib.sh"
if ! command -v tshark >/dev/null; then skip "upstream cases against tshark: tshark is not installed"; exit 0; fi
TMPDIR=$T_TMP /usr/bin/python3 "$(dirname "$0")/upstream_tshark6.py"
