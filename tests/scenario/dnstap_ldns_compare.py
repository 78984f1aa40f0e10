#!/usr/bin/env python3
"""Compare `lookback tap -r FILE --jsonl --stats` with `dnstap-ldns -y -r FILE`.

Usage: dnstap_ldns_compare.py LDNS.yaml TAP.jsonl TAP.stats
Prints one line per check: "PASS text" or "FAIL text".

dnstap-ldns (Debian) is the independent decoder.  Messages are matched by
their response time (microseconds, as both print it).  Checks: message count
and count per type; every answer-section RR of every *_RESPONSE appears in our
answer-section RRsets at that time and nothing else does; so does every
authority- and additional-section RR of a response with a query_zone (lookback
emits those sections only then: the window keeps what is in bailiwick); the bailiwick of
every RRset is the message's query_zone for RESOLVER/AUTH/FORWARDER_RESPONSE
and null otherwise.
"""
import calendar
import collections
import json
import sys
from datetime import datetime

ZONE_TYPES = {"RESOLVER_RESPONSE", "AUTH_RESPONSE", "FORWARDER_RESPONSE"}


# Types whose presentation holds hex or base32hex only beside numbers and
# mnemonics: case-insensitive (RFC 5155 3.3 and 4.3, RFC 4255 3.2, RFC 6698
# 2.2, RFC 4034 5.3, RFC 8976 2.3); dnstap-ldns prints them in lower case,
# lookback like dig in upper.
CASELESS = {"NSEC3", "NSEC3PARAM", "SSHFP", "TLSA", "SMIMEA", "DS", "CDS", "DLV", "ZONEMD"}


def norm(rtype, rd):
    """Presentation text compared: whitespace runs as one space; the types
    above in one case; SVCB and HTTPS parameter values quoted or not (RFC 9460
    2.1 allows both: dnstap-ldns leaves them bare, lookback like dig quotes);
    LOC by its numbers."""
    rd = " ".join(rd.split())
    if rtype in CASELESS:
        return rd.lower()
    if rtype in ("SVCB", "HTTPS"):
        return rd.replace('"', "")
    if rtype == "LOC":
        # RFC 1876 3: optional decimals and leading zeros ("04" / "4",
        # "-2m" / "-2.00m"): compared as numbers
        out = []
        for tok in rd.split():
            try:
                out.append("%.3f" % float(tok.rstrip("m")))
            except ValueError:
                out.append(tok)
        return " ".join(out)
    return rd


def usec(stamp):
    stamp = stamp.strip()
    fmt = "%Y-%m-%d %H:%M:%S.%f" if "." in stamp else "%Y-%m-%d %H:%M:%S"
    dt = datetime.strptime(stamp, fmt)
    return calendar.timegm(dt.timetuple()) * 1000000 + dt.microsecond


def unquote(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        v = v[1:-1]
    return v


def parse_ldns(path):
    docs, cur, in_resp, section = [], None, False, None
    for raw in open(path, encoding="utf-8", errors="replace"):
        line = raw.rstrip("\n")
        if line == "---" or cur is None:
            if cur is not None:
                docs.append(cur)
            cur = {"type": None, "time": None, "zone": None, "answers": set(), "others": set()}
            in_resp, section = False, None
            if line == "---":
                continue
        s = line.strip()
        if line.startswith("  ") and not line.startswith("    "):
            in_resp = False
            key, _, val = s.partition(":")
            if key == "type":
                cur["type"] = val.strip()
            elif key == "response_time":
                cur["time"] = usec(val.replace("!!timestamp", ""))
            elif key == "query_time" and cur["time"] is None:
                cur["qtime"] = usec(val.replace("!!timestamp", ""))
            elif key == "query_zone":
                cur["zone"] = unquote(val)
            elif key == "response_message":
                in_resp = True
            continue
        if in_resp and line.startswith("    "):
            if s.startswith(";; ") and s.endswith("SECTION:"):
                section = s[3:-len(" SECTION:")]
                continue
            if not s or s.startswith(";"):
                if not s:
                    section = None
                continue
            if section in ("ANSWER", "AUTHORITY", "ADDITIONAL"):
                f = s.split(None, 4)
                if len(f) == 5 and f[2] == "IN":
                    rr = (f[0].lower(), f[3], norm(f[3], f[4]))
                    if section == "ANSWER":
                        cur["answers"].add(rr)
                    else:
                        cur["others"].add((section.lower(),) + rr)
    if cur is not None and cur["type"]:
        docs.append(cur)
    return docs


def main():
    ldns, jsonl, statf = sys.argv[1:4]
    docs = parse_ldns(ldns)
    stats = {}
    for line in open(statf):
        f = line.split()
        if len(f) == 2 and f[1].isdigit():
            stats[f[0]] = int(f[1])
    rows = [json.loads(l) for l in open(jsonl) if l.strip()]

    def report(ok, text):
        print(("PASS " if ok else "FAIL ") + text)

    report(stats.get("dnstap_messages") == len(docs),
           "%d messages (dnstap-ldns %d)" % (stats.get("dnstap_messages", -1), len(docs)))
    types = collections.Counter(d["type"] for d in docs)
    bad = [t for t in types if stats.get("dnstap_type_" + t, 0) != types[t]]
    report(not bad, "message counts per type %s" % dict(types))

    by_time = collections.defaultdict(list)
    for d in docs:
        if d["type"] and d["type"].endswith("_RESPONSE") and d["time"] is not None:
            by_time[d["time"]].append(d)
    want = set()
    for t, ds in by_time.items():
        for d in ds:
            for rr in d["answers"]:
                want.add((t,) + rr)
    got = set()
    bw_bad = []
    for o in rows:
        if o.get("negative"):
            continue
        t = round(o["time"] * 1000000)
        ds = by_time.get(t, [])
        zones = set()
        for d in ds:
            zones.add(d["zone"] if d["type"] in ZONE_TYPES else None)
        if o["bailiwick"] not in zones:
            bw_bad.append((o["rrname"], o["rrtype"], o["bailiwick"], sorted(map(str, zones))))
        if o["section"] == "answer":
            for rd in o["rdata"]:
                got.add((t, o["rrname"].lower(), o["rrtype"], norm(o["rrtype"], rd)))
    missing, extra = want - got, got - want
    report(not missing and not extra,
           "answer RRs match (%d; missing %s; extra %s)" % (len(want), sorted(missing)[:3],
                                                            sorted(extra)[:3]))
    report(not bw_bad, "bailiwick = query_zone of each message (%d wrong: %s)" % (len(bw_bad), bw_bad[:3]))

    # authority and additional sections of responses with a query_zone
    want = set()
    for t, ds in by_time.items():
        for d in ds:
            if d["type"] in ZONE_TYPES and d["zone"]:
                for rr in d["others"]:
                    want.add((t,) + rr)
    got = set()
    for o in rows:
        if o.get("negative") or o["section"] == "answer":
            continue
        t = round(o["time"] * 1000000)
        for rd in o["rdata"]:
            got.add((t, o["section"], o["rrname"].lower(), o["rrtype"], norm(o["rrtype"], rd)))
    missing, extra = want - got, got - want
    report(not missing and not extra,
           "authority and additional RRs of responses with a query_zone match (%d; missing %s; extra %s)"
           % (len(want), sorted(missing)[:3], sorted(extra)[:3]))


main()
