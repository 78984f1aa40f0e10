#!/usr/bin/env python3
"""Lookups against a model: random rrsets (nested owners in mixed case, the
types with names in their rdata, DNSSEC, bailiwicks at every level, sensor
times, zone times, both) are imported with `import -f cof`; this script keeps
its own model of what the store then holds (same identity merged: sum of
counts, min first, max last, per kind of time) and computes what every lookup
must return, by plain comparisons of labels, addresses and integers:
 - rrset lookups: exact, *.NAME (only names below NAME), NAME.* (names that
   start with NAME's labels and have more), any case; types ANY (no DNSSEC
   types), ANY-DNSSEC, lists; a bailiwick; the four time fences (inclusive;
   sensor times, or zone times for a record only zones gave, as dnsdbq);
 - rdata lookups: IPv4 CIDR at many prefix lengths (host bits set), IPv6
   ranges, names inside NS/CNAME/MX rdata (exact, *.NAME, NAME.*): one row per
   RR, merged over the rrsets that hold it, no bailiwick;
 - COF answers (query -f cof) of rrset lookups without a bailiwick: one
   object per owner, type and rdata set, merged across bailiwicks (the
   bailiwick kept only where every merged rrset had the same one); every line
   unique and holding only COF's members, rdata lookups too; --offset and
   --limit page through the merged objects;
 - summaries: count, num_results, first/last and zone first/last;
 - --sort first and last: by those same times.
Prints TAP lines."""
import ipaddress
import json
import os
import random
import subprocess
import sys
import tempfile

DNSSEC = {"DS", "RRSIG", "NSEC", "DNSKEY", "NSEC3", "NSEC3PARAM", "DLV", "CDS", "CDNSKEY", "TA"}
LABELS = ["a", "b", "www", "mail", "ns1", "x-y", "c0", "Zz"]
TLDS = ["com", "net", "org", "test"]
NETS4 = [0x0A000000, 0xC0000200, 0xCB007100]
NET6 = 0x20010DB8 << 96


def rand_name(rnd, most=3):
    labels = [rnd.choice(TLDS)]
    for _ in range(rnd.randint(0, most)):
        labels.insert(0, rnd.choice(LABELS))
    return ".".join(labels) + "."


def make_records(rnd, n):
    out = []
    for _ in range(n):
        owner = rand_name(rnd)
        rtype = rnd.choice(["A", "A", "AAAA", "NS", "CNAME", "MX", "TXT", "DS"])
        k = rnd.randint(1, 3)
        if rtype == "A":
            rd = {str(ipaddress.IPv4Address(rnd.choice(NETS4) + rnd.randint(0, 255))) for _ in range(k)}
        elif rtype == "AAAA":
            rd = {str(ipaddress.IPv6Address(NET6 + rnd.randint(0, 300))) for _ in range(k)}
        elif rtype == "NS":
            rd = {rand_name(rnd) for _ in range(k)}
        elif rtype == "CNAME":
            rd = {rand_name(rnd)}
        elif rtype == "MX":
            rd = {"%d %s" % (rnd.choice([0, 10]), rand_name(rnd)) for _ in range(k)}
        elif rtype == "TXT":
            rd = {'"t%d"' % rnd.randint(0, 5)}
        else:
            rd = {"1 8 2 " + "%064X" % rnd.randint(0, 3)}
        labels = owner.rstrip(".").split(".")
        bail = rnd.choice([None] + [".".join(labels[i:]) + "." for i in range(len(labels))])
        o = {"rrname": "".join(c.upper() if rnd.random() < 0.2 else c for c in owner),
             "rrtype": rtype, "rdata": sorted(rd), "count": rnd.randint(1, 9)}
        first = rnd.randint(1000, 5000)
        last = first + rnd.randint(0, 3000)
        kind = rnd.random()
        if kind < 0.1:  # only zone files gave it
            o["count"] = 0
            o["zone_time_first"], o["zone_time_last"] = first, last
        else:
            o["time_first"], o["time_last"] = first, last
            if kind < 0.2:
                zf = rnd.randint(1000, 5000)
                o["zone_time_first"], o["zone_time_last"] = zf, zf + rnd.randint(0, 3000)
        if bail:
            o["bailiwick"] = bail
        out.append(o)
    return out


def merge(a, b):
    if a is None:
        return dict(b)
    r = dict(a)
    r["count"] += b["count"]
    for f, l in (("tf", "tl"), ("zf", "zl")):
        if b[l]:
            if not r[l] or b[f] < r[f]:
                r[f] = b[f]
            r[l] = max(r[l], b[l])
    return r


def model(records):
    rr = {}
    for x in records:
        t = x["rrtype"]
        rd = [r.lower() for r in x["rdata"]] if t in ("NS", "CNAME", "MX") else x["rdata"]
        b = x.get("bailiwick")
        key = (x["rrname"].lower(), t, b.lower() if b else None, tuple(sorted(rd)))
        v = {"count": x["count"], "tf": x.get("time_first", 0), "tl": x.get("time_last", 0),
             "zf": x.get("zone_time_first", 0), "zl": x.get("zone_time_last", 0)}
        rr[key] = merge(rr.get(key), v)
    return rr


def merged(rr):
    """COF answers: the model's rrsets merged across bailiwicks; a merged
    rrset keeps the bailiwick every one of its rrsets had, else None."""
    m, bails = {}, {}
    for (owner, t, b, rds), v in rr.items():
        k = (owner, t, rds)
        m[k] = merge(m.get(k), v)
        bails.setdefault(k, set()).add(b)
    return {(k[0], k[1], next(iter(bails[k])) if len(bails[k]) == 1 else None, k[2]): v
            for k, v in m.items()}


# COF's members (REFERENCE.md 3) as query -f cof writes them
COF_KEYS = {"rrname", "rrtype", "rdata", "time_first", "time_last", "count", "bailiwick",
            "sensor_id", "zone_time_first", "zone_time_last"}


def labels_of(name):
    return [] if name == "." else name.rstrip(".").split(".")


def name_match(owner, name, mode):
    o, n = labels_of(owner), labels_of(name)
    if mode == "exact":
        return o == n
    if mode == "below":
        return len(o) > len(n) and o[len(o) - len(n):] == n
    return len(o) > len(n) and o[:len(n)] == n  # prefix


def seen(v):
    return (v["tf"], v["tl"]) if v["tl"] else (v["zf"], v["zl"])


def fences_ok(v, fences):
    first, last = seen(v)
    return not (("fb" in fences and first > fences["fb"]) or ("fa" in fences and first < fences["fa"])
                or ("lb" in fences and last > fences["lb"]) or ("la" in fences and last < fences["la"]))


def type_ok(t, types):
    if types == "ANY":
        return t not in DNSSEC
    if types == "ANY-DNSSEC":
        return t in DNSSEC
    return t in types.split(",")


def row(key, v):
    first, last = seen(v)
    return key + (v["count"], first, last, v["zf"] or None, v["zl"] or None)


def psl_rules(path="/usr/share/publicsuffix/public_suffix_list.dat"):
    """The Public Suffix List's rules, read here (an implementation of its
    algorithm apart from libpsl's): plain, wildcard (*.x) and exception (!x)."""
    plain, wild, exc = set(), set(), set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = line.split()[0].lower() if line.split() else ""
            if not r or r.startswith("//"):
                continue
            if r.startswith("!"):
                exc.add(r[1:])
            elif r.startswith("*."):
                wild.add(r[2:])
            else:
                plain.add(r)
    return plain, wild, exc


def registrable(name, rules):
    """The registered domain of name (with its final dot): the public suffix
    and one label more; the name itself when it is a public suffix."""
    plain, wild, exc = rules
    ls = labels_of(name)
    ps = 1  # the default rule "*": the last label
    for i in range(len(ls)):
        suf = ".".join(ls[i:])
        if suf in exc:
            ps = len(ls) - i - 1
            break
        if suf in plain or (i + 1 < len(ls) and ".".join(ls[i + 1:]) in wild):
            ps = len(ls) - i
            break
    if ps >= len(ls):
        return name
    return ".".join(ls[len(ls) - ps - 1:]) + "."


class Run:
    def __init__(self, lookback, db):
        self.lookback, self.db, self.n, self.failed = lookback, db, 0, 0

    def query(self, args):
        p = subprocess.run([self.lookback, "query", "--db", self.db, "-f", "cof", "-l", "0"] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return p.returncode, [json.loads(l) for l in p.stdout.splitlines() if l.strip()]

    def report(self, ok, what):
        self.n += 1
        self.failed += not ok
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, what))

    def check(self, args, want):
        rc, objs = self.query(args)
        got = sorted(((o["rrname"], o["rrtype"], o.get("bailiwick"), tuple(sorted(o["rdata"])),
                       o["count"], o["time_first"], o["time_last"], o.get("zone_time_first"),
                       o.get("zone_time_last")) for o in objs), key=str)
        want = sorted(want, key=str)
        ok = got == want and rc == (0 if want else 1)
        detail = ""
        if not ok:
            extra = [x for x in got if x not in want][:2]
            missing = [x for x in want if x not in got][:2]
            detail = ": exit %d, %d rows, want %d; extra %s; missing %s" % (
                rc, len(got), len(want), extra, missing)
        self.report(ok, "query %s%s" % (" ".join(args), detail))


def main():
    lookback = os.environ["LOOKBACK"]
    rnd = random.Random(11)
    records = make_records(rnd, 2500)
    rr = model(records)
    mr = merged(rr)

    def rrsets(name, mode, types, bail, fences):
        # with a bailiwick: that bailiwick's rrsets; without: merged ones
        return [row(k, v) for k, v in (rr if bail else mr).items()
                if name_match(k[0], name, mode) and type_ok(k[1], types)
                and (bail is None or k[2] == bail) and fences_ok(v, fences)]

    def rdata_rows(pred, types, fences):
        m = {}
        for (owner, t, _, rds), v in rr.items():
            for r in rds:
                if type_ok(t, types) and pred(t, r):
                    k = (owner, t, None, (r,))
                    m[k] = merge(m.get(k), v)
        return [row(k, v) for k, v in m.items() if fences_ok(v, fences)]

    def target(t, r):
        return r if t in ("NS", "CNAME") else r.split()[1] if t == "MX" else None

    with tempfile.TemporaryDirectory() as d:
        path, db = os.path.join(d, "in.cof"), os.path.join(d, "db")
        with open(path, "w") as f:
            for o in records:
                f.write(json.dumps(o) + "\n")
        p = subprocess.run([lookback, "import", "-f", "cof", "--db", db, path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        run = Run(lookback, db)
        run.report(p.returncode == 0, "import -f cof of %d records (exit %d)" % (len(records), p.returncode))
        # 250 random lookups; 100 under ASan, where each query process costs
        # about 0.25 s (the opt build runs all 250: same checks, fewer cases)
        rounds = 100 if "asan" in os.environ.get("BUILD", "") else 250
        for _ in range(rounds):
            fences, fargs = {}, []
            for key, opt in (("fb", "--first-before"), ("fa", "--first-after"),
                             ("lb", "--last-before"), ("la", "--last-after")):
                if rnd.random() < 0.25:
                    fences[key] = rnd.randint(1000, 8000)
                    fargs += [opt, str(fences[key])]
            kind = rnd.choice(["rrset", "rrset", "rrset", "ip4", "ip6", "name"])
            name = rand_name(rnd, 2).lower()
            if kind == "rrset":
                types = rnd.choice(["ANY", "ANY", "A", "NS,MX", "ANY-DNSSEC", "CNAME", "TXT", "AAAA,A"])
                mode = rnd.choice(["exact", "below", "prefix"])
                text = {"exact": name, "below": "*." + name, "prefix": name.rstrip(".") + ".*"}[mode]
                bail, bargs = None, []
                if mode == "exact" and rnd.random() < 0.3:
                    ls = labels_of(name)
                    bail = ".".join(ls[rnd.randint(0, len(ls) - 1):]) + "."
                    bargs = ["-b", bail]
                if rnd.random() < 0.2:
                    text = text.upper()
                run.check(["-r", text, "-t", types] + bargs + fargs, rrsets(name, mode, types, bail, fences))
            elif kind == "ip4":
                plen = rnd.choice([0, 8, 16, 24, 25, 28, 30, 31, 32])
                addr = ipaddress.IPv4Address(rnd.choice(NETS4) + rnd.randint(0, 255))
                net = ipaddress.ip_network("%s/%d" % (addr, plen), strict=False)
                types = rnd.choice(["ANY", "A", "AAAA"])
                run.check(["-i", "%s/%d" % (addr, plen), "-t", types] + fargs,
                          rdata_rows(lambda t, r: t == "A" and ipaddress.ip_address(r) in net, types, fences))
            elif kind == "ip6":
                lo = NET6 + rnd.randint(0, 300)
                hi = lo + rnd.randint(0, 100)
                run.check(["-i", "%s-%s" % (ipaddress.IPv6Address(lo), ipaddress.IPv6Address(hi))] + fargs,
                          rdata_rows(lambda t, r: t == "AAAA" and lo <= int(ipaddress.ip_address(r)) <= hi,
                                     "ANY", fences))
            else:
                types = rnd.choice(["ANY", "NS", "MX", "CNAME"])
                mode = rnd.choice(["exact", "below", "prefix"])
                text = {"exact": name, "below": "*." + name, "prefix": name.rstrip(".") + ".*"}[mode]
                run.check(["-n", text, "-t", types] + fargs, rdata_rows(
                    lambda t, r: target(t, r) is not None and name_match(target(t, r), name, mode),
                    types, fences))
        for _ in range(40):
            name = rand_name(rnd, 1).lower()
            types = rnd.choice(["ANY", "A", "NS,MX"])
            vals = [v for k, v in mr.items() if name_match(k[0], name, "below") and type_ok(k[1], types)]
            sensor = [v for v in vals if v["tl"]]
            zone = [v for v in vals if v["zl"]]
            want = (sum(v["count"] for v in vals), len(vals),
                    min((v["tf"] for v in sensor), default=None), max((v["tl"] for v in sensor), default=None),
                    min((v["zf"] for v in zone), default=None), max((v["zl"] for v in zone), default=None))
            _, objs = run.query(["-s", "-r", "*." + name, "-t", types])
            o = objs[0] if objs else {}
            got = (o.get("count"), o.get("num_results"), o.get("time_first"), o.get("time_last"),
                   o.get("zone_time_first"), o.get("zone_time_last"))
            run.report(got == want, "summarize *.%s -t %s: %s, want %s" % (name, types, got, want))
        for key, idx in (("first", 0), ("last", 1)):
            for rev in (False, True):
                _, objs = run.query(["-r", "*", "-t", "ALL", "--sort", key] + (["--reverse"] if rev else []))
                times = [o["time_" + key] for o in objs]  # COF: zone times when only zones gave it
                want = sorted((seen(v)[idx] for v in mr.values()), reverse=rev)
                run.report(times == want, "--sort %s%s orders by the times seen (zone times for "
                           "records only zones gave)" % (key, " --reverse" if rev else ""))
        # --names / --domains: one row per owner name or registered domain,
        # the fences judging the merged times (newly observed names)
        rules = psl_rules()
        for i in range(40 if "asan" not in os.environ.get("BUILD", "") else 16):
            domains = i % 2 == 1
            fences, fargs = {}, []
            for key, opt in (("fa", "--first-after"), ("fb", "--first-before"), ("la", "--last-after")):
                if rnd.random() < 0.4:
                    fences[key] = rnd.randint(1000, 8000)
                    fargs += [opt, str(fences[key])]
            name = rand_name(rnd, 1).lower()
            mode = rnd.choice(["below", "below", "prefix", "exact"])
            text = {"exact": name, "below": "*." + name, "prefix": name.rstrip(".") + ".*"}[mode]
            types = rnd.choice(["ANY", "A", "NS,MX", "ALL"])
            if i % 4 >= 2:  # by address: the names that pointed into a network, per RR
                net = ipaddress.ip_network("%s/%d" % (ipaddress.IPv4Address(rnd.choice(NETS4)),
                                                      rnd.choice([24, 26, 28])), strict=False)
                lookup, types, recs = ["-i", str(net)], "ANY", {}
                for (owner, t, _, rds), v in rr.items():
                    for r in rds:
                        if t == "A" and ipaddress.ip_address(r) in net:
                            recs[(owner, r)] = merge(recs.get((owner, r)), v)
                recs = [(k[0], v) for k, v in recs.items()]
            else:
                lookup = ["-r", text]
                recs = [(k[0], v) for k, v in rr.items()
                        if name_match(k[0], name, mode) and (types == "ALL" or type_ok(k[1], types))]
            rows, owners, nrr = {}, {}, {}
            for owner, v in recs:
                g = registrable(owner, rules) if domains else owner
                rows[g] = merge(rows.get(g), v)
                owners.setdefault(g, set()).add(owner)
                nrr[g] = nrr.get(g, 0) + 1
            want = sorted((g, len(owners[g]), nrr[g]) + tuple(seen(v)) + (v["count"],)
                          for g, v in rows.items() if fences_ok(v, fences))
            p = subprocess.run([lookback, "query", "--db", db, "-f", "json", "-l", "0",
                                "--domains" if domains else "--names", "-t", types] + lookup + fargs,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            objs = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
            got = sorted((o["domain"] if domains else o["rrname"], o.get("num_names", 1), o["num_rrsets"],
                          o.get("time_first", o.get("zone_time_first")),
                          o.get("time_last", o.get("zone_time_last")), o["count"]) for o in objs)
            ok = got == want and p.returncode == (0 if want else 1)
            run.report(ok, "query %s %s -t %s %s: %d rows, want %d%s" % (
                "--domains" if domains else "--names", " ".join(lookup), types, " ".join(fargs), len(got),
                len(want),
                "" if ok else "; exit %d; extra %s; missing %s" % (
                    p.returncode, [x for x in got if x not in want][:2], [x for x in want if x not in got][:2])))
        p = subprocess.run([lookback, "query", "--db", db, "--names", "--negative", "*.com"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        run.report(p.returncode == 2 and "not --negative" in p.stderr,
                   "--names with --negative: exit %d (2), %s" % (p.returncode, p.stderr.strip()))
        # COF answers: (rrname, rrtype, rdata) once, COF's members only
        multi = len(rr) - len(mr)
        run.report(multi > 20, "the store holds %d rrsets that differ only in their bailiwick" % multi)
        for args in (["-r", "*", "-t", "ALL"], ["-i", "0.0.0.0/0"], ["-i", "::/0"], ["-n", "*"]):
            _, objs = run.query(args)
            ids = [(o["rrname"], str(o["rrtype"]), tuple(sorted(o["rdata"]))) for o in objs]
            keys = set().union(*(o.keys() for o in objs)) if objs else set()
            run.report(objs and len(set(ids)) == len(ids) and keys <= COF_KEYS,
                       "query %s -f cof: %d objects, %d distinct; members %s" %
                       (" ".join(args), len(ids), len(set(ids)), sorted(keys - COF_KEYS) or "COF's"))
        # pages of merged objects: --offset and --limit, concatenated, are the whole
        _, whole = run.query(["-r", "*", "-t", "ALL"])
        pages, off = [], 0
        while off <= len(whole):
            # (the later --limit overrides query()'s -l 0)
            _, page = run.query(["-r", "*", "-t", "ALL", "--offset", str(off), "--limit", "700"])
            pages += page
            off += 700
        run.report(pages == whole and len(whole) == len(mr),
                   "pages of 700 (--offset, --limit) give the %d merged objects (%d)" % (len(mr), len(pages)))
    return 1 if run.failed else 0


if __name__ == "__main__":
    sys.exit(main())
