#!/usr/bin/env python3
"""Compare two NDJSON record streams as multisets of normalised records.

Usage: serve_compare.py A B [--ordered]
Each line may be a bare record (COF, dnsdbq -j) or a SAF line ({"obj": ...});
SAF cond lines and blank/separator lines are ignored.  A record is normalised to
(rrname, rrtype as text, sorted rdata, bailiwick, count, time_first, time_last,
zone_time_first, zone_time_last); rrtype numbers become TYPEnnn.
Exit 0 if equal, 1 with a diff on stderr, 2 on a bad line.
"""
import json
import sys


def norm(o):
    t = o.get("rrtype")
    if isinstance(t, int):
        t = "TYPE%d" % t
    rd = o.get("rdata")
    if isinstance(rd, str):
        rd = [rd]
    return (o.get("rrname"), t, tuple(sorted(rd or [])), o.get("bailiwick"), o.get("count"),
            o.get("time_first"), o.get("time_last"), o.get("zone_time_first"),
            o.get("zone_time_last"), o.get("num_results"))


def load(path):
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or not line.startswith("{"):
                continue
            try:
                o = json.loads(line)
            except ValueError:
                print("%s:%d: not JSON: %.80s" % (path, n, line), file=sys.stderr)
                sys.exit(2)
            if "obj" in o:
                o = o["obj"]
            elif "cond" in o:
                continue
            out.append(norm(o))
    return out


def main():
    a, b = load(sys.argv[1]), load(sys.argv[2])
    ordered = "--ordered" in sys.argv
    if not ordered:
        a, b = sorted(a, key=repr), sorted(b, key=repr)
    if a == b:
        print(len(a))
        return 0
    sa, sb = set(a), set(b)
    print("%d vs %d records; only in first: %s; only in second: %s" % (
        len(a), len(b), list(sa - sb)[:3], list(sb - sa)[:3]), file=sys.stderr)
    return 1


sys.exit(main())
