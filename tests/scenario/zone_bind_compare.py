#!/usr/bin/python3
"""The zone importer against BIND's reading of the same master files.

usage: zone_bind_compare.py LOOKBACK ZONEFILE...   (X.zone is zone X.test.)

BIND's named-compilezone (Debian bind9-utils) is the independent reader: it
loads each file as its zone and prints every RR in full.  `lookback import
-f zone --jsonl` reads the same file.  Each RR of either side is turned into
wire bytes by dnspython (Debian python3-dnspython) from the presentation text
that side printed, so the two presentation styles (hex and base64 in chunks,
mnemonics or numbers) do not matter, only the data.  The two sets of (owner,
type, rdata) must be equal; owners compare as canonical wire names, without
case (lookback keeps owners lower-cased, as the store does).  Prints TAP lines; the exit status is
the number of failed checks.
"""
import json
import os
import subprocess
import sys

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype

N = 0
FAILED = 0
# MINFO, A6: dnspython 2.3 reads them only in the generic form
TEXT_ONLY = {14, 38}
# SVCB, HTTPS: lookback lower-cases the TargetName (indexed for rdata-name
# lookups, src/dns/rdata.c); BIND keeps its case: compared without case
LOWER_TARGET = {64, 65}


def tap(ok, what):
    global N, FAILED
    N += 1
    if not ok:
        FAILED += 1
    print(("ok" if ok else "not ok") + " %d - %s" % (N, what))


def wire(owner, rtype, text, origin):
    """(owner lower-cased, type number, rdata wire) - or an error string."""
    try:
        t = dns.rdatatype.from_text(rtype) if not rtype.isdigit() else int(rtype)
    except Exception as e:  # noqa: BLE001 - reported as a difference
        return "unknown type %s: %s" % (rtype, e)
    try:
        # the owner as canonical wire: "\\ " and "\\032" are one name
        own = dns.name.from_text(owner).canonicalize().to_wire()
    except Exception as e:  # noqa: BLE001 - reported as a difference
        return "cannot read owner %r: %s" % (owner, e)
    if int(t) in TEXT_ONLY:
        # types dnspython does not implement: their text, case and blanks folded
        return (own, int(t), " ".join(text.lower().split()).encode())
    try:
        rd = dns.rdata.from_text(dns.rdataclass.IN, t, text, origin=origin)
        if int(t) in LOWER_TARGET:
            rd = rd.replace(target=rd.target.derelativize(origin).canonicalize())
        return (own, int(t), rd.to_digestable(origin))
    except Exception as e:  # noqa: BLE001 - reported as a difference
        return "cannot read %s %s %r: %s" % (owner, rtype, text, e)


def bind_rrs(origin, path):
    out = subprocess.run(["named-compilezone", "-q", "-i", "none", "-k", "ignore", "-s", "full",
                          "-o", "-", origin, path], capture_output=True, text=True)
    if out.returncode != 0:
        return None, "named-compilezone exit %d: %s" % (out.returncode, out.stderr.strip())
    rrs = []
    for line in out.stdout.splitlines():
        if not line.strip() or line.startswith(";") or line.strip() == "OK":
            continue
        # owner TTL class type rdata...
        parts = line.split(None, 4)
        if len(parts) < 4:
            return None, "unexpected line from BIND: %r" % line
        owner, _ttl, cls, rtype = parts[:4]
        rdata = parts[4] if len(parts) > 4 else ""
        if cls != "IN":
            return None, "class %s from BIND: %r" % (cls, line)
        rrs.append((owner, rtype, rdata))
    return rrs, None


def lookback_rrs(lookback, origin, path):
    out = subprocess.run([lookback, "import", "-f", "zone", "--origin", origin, "--jsonl", path],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None, "lookback import exit %d: %s" % (out.returncode, out.stderr.strip())
    rrs = []
    for line in out.stdout.splitlines():
        o = json.loads(line)
        if o.get("negative"):
            continue
        for rd in o["rdata"]:
            rrs.append((o["rrname"], str(o["rrtype"]), rd))
    return rrs, out.stderr


def compare(lookback, origin, path):
    org = dns.name.from_text(origin)
    b, err = bind_rrs(origin, path)
    tap(b is not None, "%s: BIND loads it%s" % (path, "" if b is not None else " (" + err + ")"))
    lb, lerr = lookback_rrs(lookback, origin, path)
    tap(lb is not None, "%s: lookback imports it%s" % (path, "" if lb is not None else " (" + lerr + ")"))
    if b is None or lb is None:
        return
    tap("bad" not in lerr, "%s: lookback counts no record as bad (%s)" % (path, lerr.strip().replace("\n", "; ")))
    bw, lw = {}, {}
    for side, rrs, into in (("BIND", b, bw), ("lookback", lb, lw)):
        for owner, rtype, text in rrs:
            w = wire(owner, rtype, text, org)
            if isinstance(w, str):
                tap(False, "%s: %s printed text dnspython cannot read: %s" % (path, side, w))
                continue
            into[w] = "%s %s %s" % (owner, rtype, text)
    missing = sorted(set(bw) - set(lw))
    extra = sorted(set(lw) - set(bw))
    for k in missing:
        print("# only BIND: " + bw[k])
    for k in extra:
        print("# only lookback: " + lw[k])
    tap(not missing and not extra and len(bw) > 0,
        "%s: the same %d RRs (%d only in BIND, %d only in lookback)" % (path, len(bw), len(missing), len(extra)))


def main():
    lookback = sys.argv[1]
    for path in sys.argv[2:]:
        compare(lookback, os.path.basename(path)[:-len(".zone")] + ".test.", path)


main()
sys.exit(min(FAILED, 125))
