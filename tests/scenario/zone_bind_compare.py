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
case (lookback keeps owners lower-cased, as the store does).

The presentation is compared too: lookback's text of each RR must be BIND's
byte for byte after norm(): blanks folded, the chunks BIND cuts long hex and
base64 into joined, the names lookback writes lower-cased (RFC 4034 6.2)
case-folded, NID and L64 groups padded to four digits (RFC 6742's form,
which lookback and dnspython write) and an APL of no item taken as "\\# 0".
Types dnspython 2.3 has no class for (TEXT_ONLY) are compared by that
normalised text alone.  Prints TAP lines; the exit status is the number of
failed checks.
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
# MINFO, A6, MB, MG, MR, SIG, KEY, NXT, TA: dnspython 2.3 reads them only in
# the generic form; EID, NIMLOC, ATMA, SINK, RKEY, TALINK, DSYNC, RESINFO,
# WALLET it does not know at all (by name either)
TEXT_ONLY = {7, 8, 9, 14, 24, 25, 30, 38, 32768, 31, 32, 34, 40, 57, 58, 66, 261, 262}
NAMES = {"EID": 31, "NIMLOC": 32, "ATMA": 34, "SINK": 40, "RKEY": 57, "TALINK": 58,
         "DSYNC": 66, "UINFO": 100, "UID": 101, "GID": 102, "RESINFO": 261, "WALLET": 262}
# Fields before the hex or base64 that ends the rdata, which BIND writes in
# chunks of 56 characters (and lookback in one): the chunks are joined.
BLOB_AFTER = {
    24: 8, 25: 3, 31: 0, 32: 0, 37: 3, 40: 3, 43: 3, 44: 2, 45: 4, 46: 8, 48: 3,
    49: 0, 52: 3, 53: 3, 57: 3, 59: 3, 60: 3, 61: 0, 63: 3, 32768: 3, 32769: 3,
}


def type_number(rtype):
    if rtype.isdigit():
        return int(rtype)
    if rtype in NAMES:
        return NAMES[rtype]
    return int(dns.rdatatype.from_text(rtype))


# The names lookback writes lower-cased (the canonical form, RFC 4034 6.2,
# which the store keeps) and BIND as the zone has them: token positions.
NAME_TOKENS = {
    2: (0,), 3: (0,), 4: (0,), 5: (0,), 7: (0,), 8: (0,), 9: (0,), 12: (0,), 39: (0,),
    6: (0, 1), 14: (0, 1), 17: (0, 1), 15: (1,), 18: (1,), 21: (1,), 36: (1,),
    26: (1, 2), 30: (0,), 33: (3,), 35: (-1,), 24: (7,), 46: (7,), 38: (2,),
    64: (1,), 65: (1,),
}
# SVCB, HTTPS: lookback lower-cases the TargetName too (indexed for rdata-name
# lookups, src/dns/rdata.c); BIND keeps its case: compared without case
LOWER_TARGET = {64, 65}


def norm(t, text):
    """The presentation text, blanks folded, BIND's chunks joined and the
    names of NAME_TOKENS lower-cased."""
    tok = text.split()
    if t == 42 and not tok:
        # an APL of no item: BIND writes nothing, lookback "\# 0" (as any
        # empty rdata); both read back to it
        return "\\# 0"
    if t in (104, 106) and len(tok) == 2:
        # NID, L64: lookback writes RFC 6742's four digits a group, as
        # dnspython does (which reads no other form); BIND drops leading zeros
        tok[1] = ":".join(g.lower().zfill(4) for g in tok[1].split(":"))
    generic = tok[:1] == ["\\#"]
    k = 2 if generic else BLOB_AFTER.get(t)
    if k is not None and len(tok) > k + 1:
        tok = tok[:k] + ["".join(tok[k:])]
    if not generic:
        for i in NAME_TOKENS.get(t, ()):
            if -len(tok) <= i < len(tok):
                tok[i] = tok[i].lower()
    return " ".join(tok)


def tap(ok, what):
    global N, FAILED
    N += 1
    if not ok:
        FAILED += 1
    print(("ok" if ok else "not ok") + " %d - %s" % (N, what))


def wire(owner, rtype, text, origin):
    """(owner lower-cased, type number, rdata wire) - or an error string."""
    try:
        t = type_number(rtype)
    except Exception as e:  # noqa: BLE001 - reported as a difference
        return "unknown type %s: %s" % (rtype, e)
    try:
        # the owner as canonical wire: "\\ " and "\\032" are one name
        own = dns.name.from_text(owner).canonicalize().to_wire()
    except Exception as e:  # noqa: BLE001 - reported as a difference
        return "cannot read owner %r: %s" % (owner, e)
    if int(t) in TEXT_ONLY:
        # types dnspython does not implement: their text, normalised (blanks
        # folded, chunks joined, names' case folded)
        return (own, int(t), norm(t, text).encode())
    if int(t) in (104, 106):
        text = norm(t, text)
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
    # the presentation itself: lookback's text must be BIND's, up to blanks
    # and BIND's chunks of hex and base64 (norm), RR for RR
    bt, lt = {}, {}
    for rrs, into in ((b, bt), (lb, lt)):
        for owner, rtype, text in rrs:
            try:
                k = (dns.name.from_text(owner).canonicalize().to_wire(), type_number(rtype))
            except Exception:  # noqa: BLE001 - already reported above
                continue
            into.setdefault(k, []).append(norm(k[1], text))
    same = 0
    for k in sorted(set(bt) | set(lt)):
        x, y = sorted(bt.get(k, [])), sorted(lt.get(k, []))
        if x == y:
            same += len(x)
            continue
        name = dns.name.from_wire(k[0], 0)[0].to_text()
        print("# presentation of %s %s: BIND %r, lookback %r" % (name, k[1], x, y))
    tap(same == len(b) and same == len(lb),
        "%s: lookback presents %d of %d RRs as BIND does" % (path, same, len(b)))
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
