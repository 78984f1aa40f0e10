#!/usr/bin/env python3
# pick_values.py COF-FILE: lookup values taken from a store's own records
# (`lookback query/export -f cof`), for the scenario tests that look them up:
# prints "OWNER IP CNAME-TARGET DOMAIN OWNER-WIRE-HEX" - an A rrset's owner of
# three labels, an address, a CNAME target, an MX owner (else the owner's
# parent) and the owner in wire form (rrset/raw, --raw-rrset).
import json
import sys

own = ip = cn = dom = None
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "rrname" not in o:
        continue  # an export's source lines
    if o["rrtype"] == "A" and not ip:
        ip = o["rdata"][0]
    if o["rrtype"] == "A" and not own and o["rrname"].count(".") == 3:
        own = o["rrname"]
    if o["rrtype"] == "CNAME" and not cn:
        cn = o["rdata"][0]
    if o["rrtype"] == "MX" and not dom:
        dom = o["rrname"]
raw = "".join("%02x" % len(l) + l.encode().hex() for l in own.rstrip(".").split(".")) + "00"
print(own, ip, cn, dom or own.split(".", 1)[1], raw)
