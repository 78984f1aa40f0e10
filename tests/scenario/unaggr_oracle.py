#!/usr/bin/env python3
"""unaggr_oracle.py - the independent side of serve_unaggr.sh.

  records OUT          write COF records of rrsets seen on known days (each
                       record inside one UTC day), in a shuffled order
  check RECORDS ACTUAL [--ip ADDR] [--aggr] [--first-after T] [--last-before T]
                       [--last-after T] [--first-before T]
                       compute from RECORDS the rows lookback should return
                       (rrset lookup of *.unaggr.example, or rdata/ip ADDR),
                       compare with ACTUAL (lookback COF lines, SAF lines or
                       dnsdbq -j lines); print the row count, or the
                       difference on stderr and exit 1.

Unaggregated rows, as documented (docs/ARCHITECTURE.md, Values): one row per
run of consecutive days an rrset was seen on; count = the sightings on those
days; time_first/time_last = the run's first day 00:00:00 / last day 23:59:59
UTC, cut to the first and last sighting of the rrset overall.
"""
import json
import random
import sys

D0 = 19700  # 2023-12-09
ZONE = "unaggr.example."

# (rrname, rrtype, rdata, days)
SETS = [
    ("a." + ZONE, "A", ["192.0.2.10"], [0, 1, 2, 5, 9, 10]),
    ("a." + ZONE, "A", ["192.0.2.10", "192.0.2.11"], [3, 5]),
    ("b." + ZONE, "CNAME", ["a." + ZONE], [1, 4, 7]),
    ("c." + ZONE, "MX", ["10 mx." + ZONE], [6]),
    ("d." + ZONE, "A", ["192.0.2.12"], [0, 1, 2, 3]),
]


def records():
    rng = random.Random(11)
    out = []
    for name, rtype, rdata, days in SETS:
        for d in days:
            for _ in range(rng.randint(1, 3)):
                a = (D0 + d) * 86400 + rng.randint(0, 86399)
                b = (D0 + d) * 86400 + rng.randint(0, 86399)
                out.append({"rrname": name, "rrtype": rtype, "rdata": rdata,
                            "time_first": min(a, b), "time_last": max(a, b),
                            "count": rng.randint(1, 50)})
    rng.shuffle(out)
    return out


def rows_of(recs, aggr):
    """recs: (time_first, time_last, count) of one identity."""
    tf = min(r[0] for r in recs)
    tl = max(r[1] for r in recs)
    if aggr:
        return [(tf, tl, sum(r[2] for r in recs))]
    per_day = {}
    for a, b, c in recs:
        assert a // 86400 == b // 86400, "records stay inside one day"
        per_day[a // 86400] = per_day.get(a // 86400, 0) + c
    runs = []
    for day in sorted(per_day):
        if runs and day == runs[-1][1] + 1:
            runs[-1][1] = day
            runs[-1][2] += per_day[day]
        else:
            runs.append([day, day, per_day[day]])
    return [(max(tf, s * 86400), min(tl, e * 86400 + 86399), c) for s, e, c in runs]


def expected(recs, ip, aggr):
    groups = {}
    for r in recs:
        if ip is None:
            key = (r["rrname"], r["rrtype"], tuple(sorted(r["rdata"])))
        elif ip in r["rdata"] and r["rrtype"] == "A":
            key = (r["rrname"], "A", (ip,))
        else:
            continue
        groups.setdefault(key, []).append((r["time_first"], r["time_last"], r["count"]))
    rows = []
    for key, g in groups.items():
        for tf, tl, c in rows_of(g, aggr):
            rows.append(key + (tf, tl, c))
    return rows


def actual(path):
    rows = []
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        o = json.loads(line)
        if "cond" in o and "obj" not in o:
            continue
        o = o.get("obj", o)
        name = o["rrname"].lower()
        if not name.endswith("."):
            name += "."
        rd = o["rdata"] if isinstance(o["rdata"], list) else [o["rdata"]]
        rows.append((name, o["rrtype"], tuple(sorted(rd)), int(o["time_first"]),
                     int(o["time_last"]), int(o["count"])))
    return rows


def main():
    if sys.argv[1] == "records":
        with open(sys.argv[2], "w") as f:
            for r in records():
                f.write(json.dumps(r) + "\n")
        return 0
    recs = [json.loads(l) for l in open(sys.argv[2])]
    args = sys.argv[4:]
    ip, aggr, fences = None, False, {}
    i = 0
    while i < len(args):
        if args[i] == "--ip":
            ip = args[i + 1]
            i += 2
        elif args[i] == "--aggr":
            aggr = True
            i += 1
        else:
            fences[args[i]] = int(args[i + 1])
            i += 2
    want = expected(recs, ip, aggr)
    fa, lb = fences.get("--first-after"), fences.get("--last-before")
    la, fb = fences.get("--last-after"), fences.get("--first-before")
    want = [r for r in want if (fa is None or r[3] >= fa) and (lb is None or r[4] <= lb) and
            (la is None or r[4] >= la) and (fb is None or r[3] <= fb)]
    got = actual(sys.argv[3])
    if sorted(got) != sorted(want):
        missing = sorted(set(want) - set(got))[:3]
        extra = sorted(set(got) - set(want))[:3]
        print("want %d rows, got %d; missing %s; unexpected %s" %
              (len(want), len(got), missing, extra), file=sys.stderr)
        return 1
    print(len(got))
    return 0


if __name__ == "__main__":
    sys.exit(main())
