#!/usr/bin/env python3
"""Compare lookback's decoding of every shared capture with tshark's.

For each capture in $SHARED/data/captures, tshark (the independent decoder) is
run once (cached in build/tshark-cache) and lookback once; per response frame
the sets of (owner, type) and of (type, value) for A AAAA CNAME NS MX PTR TXT
SOA SRV over all sections are compared, and the negative answers (qname,
qtype, rcode) lookback reports with those tshark's fields give by RFC 2308
(tshark_negatives).  Every difference must be listed in
tshark_expect.tsv (file, frame or *, reason); a listed difference that no longer
occurs is reported as stale.  Prints one TAP line per capture.

With TSHARK_FILES set (paths joined by ':'), those captures are compared
instead, with no listed differences (dnstap_resolvers.sh: the traffic between
real resolvers and Knot DNS, captured as it ran).
"""
import json
import os
import re
import subprocess
import sys

# Non-standard DNS ports, per PROVENANCE.md (tshark was told with "decode as").
PORTS = {
    "tcpdump_dns_udp_8053.pcap": "8053", "tcpdump_dns_tcp_8053.pcap": "8053",
    "suricata_dns_dns-truncated-rname_poc2.pcap": "1053",
    "suricata_llmnr_llmnr-tcp.pcap": "5355", "suricata_llmnr_llmnr-tcp-response.pcap": "5355",
}
# OPT and the meta-RRs (types 128-255, RFC 6895 3.1: TKEY, TSIG) are not records we keep
SKIP_TYPES = {41} | set(range(128, 256))
VALUE_FIELDS = {1: [("A", "dns.a")], 28: [("AAAA", "dns.aaaa")], 5: [("CNAME", "dns.cname")],
                2: [("NS", "dns.ns")], 15: [("MX", "dns.mx.mail_exchange")],
                12: [("PTR", "dns.ptr.domain_name")], 16: [("TXT", "dns.txt")],
                6: [("SOA.mname", "dns.soa.mname"), ("SOA.rname", "dns.soa.rname")],
                33: [("SRV", "dns.srv.target")]}
TYPE_NUM = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16,
            "AAAA": 28, "SRV": 33}


class Pairs(list):
    """A JSON object kept as its list of (key, value) pairs: tshark repeats keys
    (two RRs with the same summary line; a type field reused for RRSIG's type
    covered and NSEC bitmaps), and a dict would keep only the last."""

    def first(self, key, default=None):
        for k, v in self:
            if k == key:
                return v
        return default

    def all(self, key):
        return [v for k, v in self if k == key]


def norm_name(n):
    n = n.strip()
    if n in ("<Root>", "", "."):
        return "."
    # bytes outside ASCII: tshark and Python replace undecodable sequences
    # differently, so compare names on their ASCII characters only
    n = "".join(ch for ch in unescape(n).lower() if ord(ch) < 0x80)
    return n if n.endswith(".") else n + "."


TSHARK_C_ESC = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92}


def tshark_name(n):
    """norm_name for a name as tshark prints it: not RFC 1035 5.1's escapes
    (a backslash and three decimal digits) but C's - \\n, \\t... and three
    octal digits for the other control octets (0x7f is \\177, not \\127);
    a backslash or a dot inside a label is printed bare."""
    out = bytearray()
    i = 0
    while i < len(n):
        c = n[i]
        if c == "\\" and n[i + 1:i + 2] in TSHARK_C_ESC:
            out.append(TSHARK_C_ESC[n[i + 1]])
            i += 2
        elif c == "\\" and len(n) >= i + 4 and all(ch in "01234567" for ch in n[i + 1:i + 4]):
            out.append(int(n[i + 1:i + 4], 8) & 0xFF)
            i += 4
        else:
            out += c.encode("utf-8")
            i += 1
    # as norm_name, once the octets are known: ASCII only, lower case, a final dot
    n = out.decode("utf-8", errors="replace").strip()
    if n in ("<Root>", "", "."):
        return "."
    n = "".join(ch for ch in n.lower() if ord(ch) < 0x80)
    return n if n.endswith(".") else n + "."


def unescape(s):
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            if len(s) >= i + 4 and s[i + 1:i + 4].isdigit():
                out.append(int(s[i + 1:i + 4]))
                i += 4
                continue
            out += s[i + 1].encode()
            i += 2
            continue
        out += c.encode("utf-8")
        i += 1
    return out.decode("utf-8", errors="replace")


def tshark_load(path, cache, extra_ports):
    """tshark's JSON of the file's response frames (cached by name and size)."""
    key = os.path.basename(path) + ".%d.json" % os.path.getsize(path)
    cpath = os.path.join(cache, key)
    if not os.path.exists(cpath):
        cmd = ["tshark", "-n", "-r", path]
        for p in extra_ports:
            cmd += ["-d", "udp.port==%s,dns" % p, "-d", "tcp.port==%s,dns" % p]
        cmd += ["-Y", "dns.flags.response==1", "-T", "json", "-J", "frame dns mdns llmnr"]
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
        tmp = cpath + ".tmp"
        with open(tmp, "wb") as fh:
            fh.write(out)
        os.rename(tmp, cpath)
    with open(cpath, "rb") as fh:
        raw = fh.read().decode("utf-8", errors="replace")
    return json.loads(raw, object_pairs_hook=Pairs) if raw.strip() else []


def tshark_out(args, path):
    """The output of tshark -n -r path args (a list), kept in the shared cache
    (build/tshark-cache, or $TSHARK_CACHE) under the digest of args and of the
    file's bytes: what tshark makes of a file depends on neither build, and a
    test's generated capture is the same bytes in both builds' runs, so the
    second run reads the first's (a new file or other args: tshark runs)."""
    import hashlib
    here = os.path.dirname(os.path.abspath(__file__))
    cache = os.environ.get("TSHARK_CACHE") or os.path.join(here, "..", "..", "build", "tshark-cache")
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        h.update(hashlib.sha256(fh.read()).digest())
    h.update("\0".join(args).encode())
    cpath = os.path.join(cache, "run-" + h.hexdigest() + ".out")
    if os.path.exists(cpath):
        with open(cpath, "rb") as fh:
            return fh.read()
    p = subprocess.run(["tshark", "-n", "-r", path] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    if p.returncode == 0:
        os.makedirs(cache, exist_ok=True)
        tmp = "%s.%d.tmp" % (cpath, os.getpid())
        with open(tmp, "wb") as fh:
            fh.write(p.stdout)
        os.rename(tmp, cpath)  # both builds' runs may race: each rename is whole
    return p.stdout


def tshark_msgs(pkts):
    """(frame number, DNS message) for every DNS, mDNS and LLMNR message."""
    for pkt in pkts:
        layers = pkt.first("_source").first("layers")
        frame = int(layers.first("frame").first("frame.number"))
        for dns in layers.all("dns") + layers.all("mdns") + layers.all("llmnr"):
            for msg in (dns if not isinstance(dns, Pairs) else [dns]):
                if isinstance(msg, Pairs):
                    yield frame, msg


def section_rrs(msg, sec):
    for secobj in msg.all(sec):
        if isinstance(secobj, Pairs):
            for _, rr in secobj:
                if isinstance(rr, Pairs) and rr.first("dns.resp.type") is not None:
                    yield rr


def tshark_negatives(pkts):
    """The negative answers each frame holds, by RFC 1035 / RFC 2308 from
    tshark's fields alone: NXDOMAIN, SERVFAIL, REFUSED; and NOERROR NODATA -
    not truncated, no record of the asked type at the qname or at the end of
    its CNAME chain in the answer section, and an authority section that says
    so (an SOA; or, with no answer record at all, no NS: NS alone is a
    referral).  Each is of the chain's last name (RFC 6604 2.1), the qname
    when there is no chain; none for a meta query (QTYPE 0, OPT, 128-254).
    {frame: {(name, qtype, rcode)}}"""
    out = {}
    for frame, msg in tshark_msgs(pkts):
        flags = msg.first("dns.flags_tree")
        if not isinstance(flags, Pairs) or flags.first("dns.flags.response") != "1":
            continue
        if int(flags.first("dns.flags.opcode", "0")) != 0:
            continue
        q = next((v for _, v in (msg.first("Queries") or []) if isinstance(v, Pairs)), None)
        if q is None or q.first("dns.qry.name") is None:
            continue
        qname, qtype = tshark_name(q.first("dns.qry.name")), int(q.first("dns.qry.type"))
        if qtype in (0, 41) or 128 <= qtype < 255:
            continue  # a meta query (AXFR, IXFR, TKEY...) asks for no RRset: no denial
        rcode = int(flags.first("dns.flags.rcode"))
        for rr in section_rrs(msg, "Additional records"):  # EDNS: 12-bit RCODE (RFC 6891 6.1.3)
            if rr.first("dns.resp.type") == "41" and rr.first("dns.resp.ext_rcode"):
                rcode |= int(rr.first("dns.resp.ext_rcode"), 16) << 4
                break
        neg = rcode in (2, 3, 5)
        ans = [(tshark_name(rr.first("dns.resp.name") or ""), int(rr.first("dns.resp.type")),
                rr.first("dns.cname")) for rr in section_rrs(msg, "Answers")]
        # the question's CNAME chain: the denial speaks of its last name (RFC 6604 2.1)
        target, answered = qname, False
        for _ in range(17):
            nxt = None
            for owner, t, cname in ans:
                if owner != target:
                    continue
                if t == qtype or qtype == 255:
                    answered = True
                if t == 5 and nxt is None and cname is not None:
                    nxt = tshark_name(cname)
            if answered or nxt is None:
                break
            if qtype == 5:
                answered = True
                break
            target = nxt
        else:
            answered, target = True, qname  # a chain this long counts as answered
        if rcode == 0 and flags.first("dns.flags.truncated") != "1":
            auth = {int(rr.first("dns.resp.type"))
                    for rr in section_rrs(msg, "Authoritative nameservers")}
            nanswers = int(msg.first("dns.count.answers", "0"))
            neg = not answered and (6 in auth or (nanswers == 0 and 2 not in auth))
        if neg:
            out.setdefault(frame, set()).add((target, qtype, rcode))
    return out


def tshark_rows(pkts):
    frames = {}
    for pkt in pkts:
        layers = pkt.first("_source").first("layers")
        frame = int(layers.first("frame").first("frame.number"))
        for dns in layers.all("dns") + layers.all("mdns") + layers.all("llmnr"):
            msgs = dns if not isinstance(dns, Pairs) else [dns]
            for msg in msgs:
                if not isinstance(msg, Pairs):
                    continue
                for sec in ("Answers", "Authoritative nameservers", "Additional records"):
                    for secobj in msg.all(sec):
                        if not isinstance(secobj, Pairs):
                            continue
                        for _, rr in secobj:
                            if not isinstance(rr, Pairs) or rr.first("dns.resp.type") is None:
                                continue
                            t = int(rr.first("dns.resp.type"))
                            if t in SKIP_TYPES:
                                continue
                            rrs, vals = frames.setdefault(frame, (set(), set()))
                            owner = rr.first("dns.resp.name")
                            if owner is None and rr.first("dns.srv.name") is not None:
                                # tshark splits "_service._proto.name" owners of SRV
                                owner = ".".join(x for x in (rr.first("dns.srv.service"),
                                                             rr.first("dns.srv.proto"),
                                                             rr.first("dns.srv.name")) if x)
                            cls = rr.first("dns.resp.class")
                            # (mDNS: tshark gives the class without the cache-flush bit)
                            rrs.add((tshark_name(owner or ""), t, int(cls, 16) if cls else None))
                            for tname, field in VALUE_FIELDS.get(t, []):
                                for v in rr.all(field):
                                    if tname in ("A", "AAAA"):
                                        vals.add((tname, v.lower()))
                                    elif tname == "TXT":
                                        vals.add((tname, v))
                                    else:
                                        vals.add((tname, tshark_name(v)))
    return frames


TXT_RE = re.compile(r'"((?:[^"\\]|\\.)*)"')


def lookback_rows(lookback, path, ports):
    cmd = [lookback, "capture", "-q", "-r", path, "--jsonl", "--frame-numbers", "--mdns", "--llmnr"]
    if ports:
        cmd += ["--ports", "53,5353,5355," + ports]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError("lookback exited %d: %s" % (p.returncode, p.stderr.decode()[-300:]))
    frames, negs = {}, {}
    for line in p.stdout.decode("utf-8", errors="replace").splitlines():
        o = json.loads(line)
        if o.get("negative"):
            t = o["qtype"]
            tnum = TYPE_NUM.get(t) or IANA.get(t) or (
                int(t[4:]) if isinstance(t, str) and t.startswith("TYPE") else t)
            negs.setdefault(o["frame"], set()).add(
                (norm_name(o["qname"]), tnum, RCODE_NUM.get(o["rcode"], o["rcode"])))
            continue
        frame = o["frame"]
        t = o["rrtype"]
        tnum = TYPE_NUM.get(t, t if isinstance(t, int) else None)
        rrs, vals = frames.setdefault(frame, (set(), set()))
        owner = norm_name(o["rrname"])
        if tnum is None:
            tnum = t  # mnemonic of a type we don't compare by value; compare by name
        cls = CLASS_NUM.get(o["class"], o["class"])
        rrs.add((owner, tnum if isinstance(tnum, int) else t, cls))
        for rd in o["rdata"]:
            if t in ("A", "AAAA"):
                vals.add((t, rd.lower()))
            elif t in ("CNAME", "NS", "PTR"):
                vals.add((t, norm_name(rd)))
            elif t == "MX":
                vals.add((t, norm_name(rd.split(" ", 1)[1])))
            elif t == "SRV":
                vals.add((t, norm_name(rd.split(" ")[3])))
            elif t == "SOA":
                parts = rd.split(" ")
                vals.add(("SOA.mname", norm_name(parts[0])))
                vals.add(("SOA.rname", norm_name(parts[1])))
            elif t == "TXT":
                for m in TXT_RE.finditer(rd):
                    vals.add(("TXT", unescape(m.group(1))))
    return frames, negs


IANA = {"MD": 3, "MF": 4, "MB": 7, "MG": 8, "MR": 9, "NULL": 10, "WKS": 11, "HINFO": 13,
        "MINFO": 14, "RP": 17, "AFSDB": 18, "X25": 19, "ISDN": 20, "RT": 21, "NSAP": 22,
        "NSAP-PTR": 23, "SIG": 24, "KEY": 25, "PX": 26, "GPOS": 27, "LOC": 29, "NXT": 30,
        "NAPTR": 35, "KX": 36, "CERT": 37, "A6": 38, "DNAME": 39, "APL": 42, "DS": 43,
        "SSHFP": 44, "IPSECKEY": 45, "RRSIG": 46, "NSEC": 47, "DNSKEY": 48, "DHCID": 49,
        "NSEC3": 50, "NSEC3PARAM": 51, "TLSA": 52, "SMIMEA": 53, "HIP": 55, "CDS": 59,
        "CDNSKEY": 60, "OPENPGPKEY": 61, "CSYNC": 62, "ZONEMD": 63, "SVCB": 64, "HTTPS": 65,
        "SPF": 99, "EUI48": 108, "EUI64": 109, "TKEY": 249, "TSIG": 250, "URI": 256,
        "CAA": 257, "TA": 32768, "DLV": 32769, "IXFR": 251, "AXFR": 252, "MAILB": 253,
        "MAILA": 254, "ANY": 255}
CLASS_NUM = {"IN": 1, "CH": 3, "HS": 4, "NONE": 254, "ANY": 255}
RCODE_NUM = {"NOERROR": 0, "FORMERR": 1, "SERVFAIL": 2, "NXDOMAIN": 3, "NOTIMP": 4,
             "REFUSED": 5}


def one_sided(what, theirs, ours):
    """What only tshark, and what only lookback, has of one kind (first 4 each)."""
    d = []
    if theirs - ours:
        d.append("tshark-only %s %s" % (what, sorted(theirs - ours, key=str)[:4]))
    if ours - theirs:
        d.append("lookback-only %s %s" % (what, sorted(ours - theirs, key=str)[:4]))
    return d


def main():
    lookback = os.environ["LOOKBACK"]
    shared = os.environ["SHARED"]
    here = os.path.dirname(os.path.abspath(__file__))
    cache = os.environ.get("TSHARK_CACHE") or os.path.join(here, "..", "..", "build", "tshark-cache")
    os.makedirs(cache, exist_ok=True)
    capdir = os.path.join(shared, "data", "captures")
    expect = {}
    with open(os.path.join(here, "tshark_expect.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            f, frame, reason = line.rstrip("\n").split("\t", 2)
            expect.setdefault(f, {})[frame] = reason
    if os.environ.get("TSHARK_FILES"):
        paths = os.environ["TSHARK_FILES"].split(":")
        capdir = os.path.dirname(paths[0])
        files = [os.path.basename(p) for p in paths]
        expect = {}
    else:
        files = sorted(f for f in os.listdir(capdir)
                       if re.search(r"\.(pcap|pcapng)$", f))
    n = 0
    failed = 0
    for f in files:
        n += 1
        path = os.path.join(capdir, f)
        ports = PORTS.get(f, "")
        try:
            pkts = tshark_load(path, cache, [ports] if ports else [])
            theirs, theirs_neg = tshark_rows(pkts), tshark_negatives(pkts)
            ours, ours_neg = lookback_rows(lookback, path, ports)
        except Exception as e:  # a crash or bad JSON is a failure, not a skip
            print("not ok %d - %s: %s" % (n, f, e))
            failed += 1
            continue
        exp = expect.get(f, {})
        if "union" in exp:
            # the same records, but handed up at other frames (e.g. TCP data held
            # behind a gap until the gap is given up): compare the whole file
            def union(fr):
                a, b = set(), set()
                for x, y in fr.values():
                    a |= x
                    b |= y
                return {"all": (a, b)}
            theirs, ours = union(theirs), union(ours)
            theirs_neg = {"all": set().union(*theirs_neg.values())}
            ours_neg = {"all": set().union(*ours_neg.values())}
            exp = {k: v for k, v in exp.items() if k != "union"}
        diffs = []
        for frame in sorted(set(theirs) | set(ours), key=str):
            t_rrs, t_vals = theirs.get(frame, (set(), set()))
            o_rrs, o_vals = ours.get(frame, (set(), set()))
            o_rrs = {(nm, IANA.get(tp, tp), c) for nm, tp, c in o_rrs}
            if t_rrs == o_rrs and t_vals == o_vals:
                continue
            if str(frame) in exp or "*" in exp:
                continue
            d = one_sided("rrs", t_rrs, o_rrs) + one_sided("values", t_vals, o_vals)
            diffs.append("frame %s: %s" % (frame, "; ".join(d)))
        # negative answers (NXDOMAIN, SERVFAIL, REFUSED, NODATA), frame by frame
        for frame in sorted(set(theirs_neg) | set(ours_neg), key=str):
            t, o = theirs_neg.get(frame, set()), ours_neg.get(frame, set())
            if t == o or str(frame) in exp or "*" in exp:
                continue
            diffs.append("frame %s: %s" % (frame, "; ".join(one_sided("negatives", t, o))))
        nneg = sum(len(v) for v in theirs_neg.values())
        stale = [fr for fr in exp if fr != "*" and
                 theirs.get(int(fr), (set(), set())) == (
                     {(nm, IANA.get(tp, tp), c) for nm, tp, c in ours.get(int(fr), (set(), set()))[0]},
                     ours.get(int(fr), (set(), set()))[1]) and
                 theirs_neg.get(int(fr), set()) == ours_neg.get(int(fr), set())]
        if diffs or stale:
            failed += 1
            print("not ok %d - %s: %d unexplained differences%s" % (
                n, f, len(diffs), ", stale expectations for frames %s" % stale if stale else ""))
            for d in diffs[:10]:
                print("#   " + d)
        else:
            print("ok %d - %s matches tshark (%d response frames with records, %d negative answers%s)" % (
                n, f, len(theirs), nneg, ", %d listed differences" % len(exp) if exp else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
