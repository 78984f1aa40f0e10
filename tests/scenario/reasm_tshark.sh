#!/bin/bash
# DNS over TCP and over IPv4/IPv6 fragments, cut up every awkward way (length
# prefix split, reordering, duplicates, overlaps, holes, wraparound, no SYN,
# messages packed into full-size segments, RST, 1-byte segments, fragment
# orders, fragmented TCP), and the same inside Geneve, GTP-U, L2TP (v2, v3),
# VXLAN-GPE, AYIYA, TZSP, MPLS in UDP and IP, EtherIP, LISP, CAPWAP, AMT and jmirror tunnels and over PPP-serial, Cisco HDLC, 802.11, pflog
# and IEEE 1394 link types, fragment timeouts, pcapng simple
# packet blocks, an OPT not owned by the root, DNS over SCTP, IXFRs in several
# TCP messages, the port guess on other protocols' ports: crafted captures,
# each decoded by lookback and by tshark, checked against the messages sent
# (reasm_tshark.py says where and why the two may differ).
. "$(dirname "$0")/lib.sh"
if ! command -v tshark >/dev/null; then skip "reassembly against tshark: tshark is not installed"; exit 0; fi
if ! /usr/bin/python3 -c 'import dns.message' 2>/dev/null; then
	nok "python3-dnspython is not installed (scripts/deps installs it)"; exit 1
fi
TMPDIR=$T_TMP /usr/bin/python3 "$(dirname "$0")/reasm_tshark.py"
