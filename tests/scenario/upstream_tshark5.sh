#!/bin/bash
# Part 5 of upstream_tshark.sh: DNS traffic modelled on Arkime's, DNS-OARC's
# dnscap/dnsjit, go-dnscollector's, gopassivedns' and Zeek's tunnel and IPv6
# test captures (ICMP errors quoting nothing, IPv6 link trailers over UDP and
# TCP, VLAN / IP-in-IP / PPTP GRE stacks, Q-in-Q, MPLS with nested IPv6 and
# bad inner versions, a snapshot cut inside VXLAN in Geneve, GRE in GRE, AH
# of length 0, GTP-U over fragments, tagged frames in Geneve and ERSPAN III,
# one TCP connection per lookup), decoded by lookback and by tshark
# (upstream_tshark5.py says where and why the two differ).
. "$(dirname "$0")/lib.sh"
if ! command -v tshark >/dev/null; then skip "upstream cases against tshark: tshark is not installed"; exit 0; fi
TMPDIR=$T_TMP /usr/bin/python3 "$(dirname "$0")/upstream_tshark5.py"
