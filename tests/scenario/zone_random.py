#!/usr/bin/python3
"""A random master file for zone_bind_compare.sh: usage: zone_random.py SEED N OUT.

About N records of 27 types under zone random-SEED.test., one owner each (so
BIND's zone rules - CNAME and other data - hold), with random names (any
octet in a label, escaped), strings, numbers, addresses, hex and base64,
SVCB parameters and APL items.  Each rdata is written as dnspython prints it
after reading it, so the text is valid presentation; lookback and BIND then
read the file.  The same SEED gives the same file.
"""
import base64
import time
import ipaddress
import random
import sys

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype


def rzone(seed, n, origin):
    R = random.Random(seed)
    org = dns.name.from_text(origin)
    def label():
        k = R.randint(1, 12)
        if R.random() < 0.3:
            return bytes(R.randint(0, 255) for _ in range(k))
        return bytes(R.choice(b"abcdefghijklmnopqrstuvwxyz0123456789-_") for _ in range(k))
    def name(rel=True):
        labs = [label() for _ in range(R.randint(1, 3))]
        nm = dns.name.Name(labs + list(org.labels)) if rel else dns.name.Name(labs + [b"ext", b""])
        return nm.to_text()
    def cstr(maxlen=40):
        b = bytes(R.randint(0, 255) if R.random() < 0.3 else R.randint(32, 126) for _ in range(R.randint(0, maxlen)))
        out = '"'
        for c in b:
            if c in (34, 92): out += "\\" + chr(c)
            elif 32 <= c < 127: out += chr(c)
            else: out += "\\%03d" % c
        return out + '"'
    def hx(k): return bytes(R.randint(0, 255) for _ in range(k)).hex().upper()
    def b64(k): return base64.b64encode(bytes(R.randint(0, 255) for _ in range(k))).decode()
    def v4(): return str(ipaddress.IPv4Address(R.getrandbits(32)))
    def v6(): return str(ipaddress.IPv6Address(R.getrandbits(128) & (R.choice([0, (1 << 64) - 1]) << 64 | (1 << 64) - 1)))
    def u(b): return R.randint(0, (1 << b) - 1)
    def stamp(t): return time.strftime("%Y%m%d%H%M%S", time.gmtime(t))

    def rrsig():
        # BIND refuses a signature already expired (the times are around
        # now: the set is valid whenever the test runs) and a labels field
        # of 0 below the root; times as YYYYMMDDHHmmSS or as seconds
        # (RFC 4034 3.2)
        now = int(time.time())
        inc = now - R.randint(0, 10 ** 7)
        exp = now + R.randint(10 ** 6, 10 ** 8)
        signer = name(False)
        # nor a labels field below the signer's own label count
        nl = len(dns.name.from_text(signer)) - 1
        return "%s %d %d %d %s %s %d %s %s" % (
            R.choice(["A", "AAAA", "NS", "SOA", "MX", "TXT", "DNSKEY", "DS", "NSEC", "NSEC3", "TYPE1234"]),
            R.choice([5, 7, 8, 10, 13, 14, 15, 16, u(8)]), R.randint(max(nl, 1), max(nl, 12)), u(31),
            R.choice([stamp(exp), str(exp)]), R.choice([stamp(inc), str(inc)]), u(16), signer,
            b64(R.randint(1, 120)))

    types = {
        "A": lambda: v4(), "AAAA": lambda: v6(), "NS": lambda: name(R.random() < 0.5),
        "CNAME": lambda: name(False), "PTR": lambda: name(), "DNAME": lambda: name(False),
        "MX": lambda: "%d %s" % (u(16), name()), "TXT": lambda: " ".join(cstr() for _ in range(R.randint(1, 4))),
        "SPF": lambda: cstr(), "HINFO": lambda: "%s %s" % (cstr(10), cstr(10)),
        "SRV": lambda: "%d %d %d %s" % (u(16), u(16), u(16), name()),
        "NAPTR": lambda: "%d %d \"%s\" %s %s %s" % (u(16), u(16), R.choice(["", "S", "A", "U", "P", "s"]), cstr(10),
                     R.choice(['""', '"!^.*$!sip:x@example.com!"', '"/(.*)/\\\\1/i"']), name()),
        "CAA": lambda: "%d %s %s" % (R.choice([0, 128]), R.choice(["issue", "issuewild", "iodef", "tbs", "x1"]), cstr(30)),
        "SSHFP": lambda: R.choice(["%d 1 %s" % (u(8), hx(20)), "%d 2 %s" % (u(8), hx(32)), "%d %d %s" % (u(8), R.randint(3, 255), hx(R.randint(1, 40)))]),
        "TLSA": lambda: R.choice(["%d %d 1 %s" % (u(8), u(8), hx(32)), "%d %d 2 %s" % (u(8), u(8), hx(64)), "%d %d %d %s" % (u(8), u(8), R.choice([0] + list(range(3, 256))), hx(R.randint(1, 64)))]),
        "DS": lambda: R.choice(["%d %d 1 %s" % (u(16), u(8), hx(20)), "%d %d 2 %s" % (u(16), u(8), hx(32)), "%d %d 4 %s" % (u(16), u(8), hx(48)), "%d %d %d %s" % (u(16), u(8), R.randint(5, 255), hx(R.randint(1, 48)))]),
        "DNSKEY": lambda: "%d 3 %d %s" % (u(16), u(8), b64(R.randint(1, 100))),
        "NSEC": lambda: "%s %s" % (name(), " ".join(sorted(set(R.choice(["A", "NS", "SOA", "MX", "TXT", "AAAA", "RRSIG", "NSEC", "TYPE1234", "TYPE65534", "CAA"]) for _ in range(R.randint(1, 6)))))),
        "NSEC3PARAM": lambda: "%d %d %d %s" % (u(8), u(8), u(16), R.choice(["-", hx(R.randint(1, 10))])),
        "LOC": lambda: "%d %d %d.%03d %s %d %d %d.%03d %s %d.%02dm %dm %dm %dm" % (R.randint(0, 89), R.randint(0, 59), R.randint(0, 59), R.randint(0, 999), R.choice("NS"),
                     R.randint(0, 179), R.randint(0, 59), R.randint(0, 59), R.randint(0, 999), R.choice("EW"), R.randint(-99999, 99999), R.randint(0, 99),
                     R.choice([0, 1, 5, 10, 100]), R.choice([0, 2, 10, 10000]), R.choice([0, 3, 10, 500])),
        "URI": lambda: "%d %d \"%s\"" % (u(16), u(16), "".join(R.choice("abcdefghijklmnopqrstuvwxyz:/.%-=") for _ in range(R.randint(1, 30)))),
        "EUI48": lambda: "-".join("%02x" % u(8) for _ in range(6)),
        "EUI64": lambda: "-".join("%02x" % u(8) for _ in range(8)),
        "OPENPGPKEY": lambda: b64(R.randint(1, 60)),
        "SVCB": lambda: "%d %s %s" % (R.randint(1, 65535), name(), " ".join(R.sample([
            "alpn=%s" % ",".join(R.choice(["h2", "h3", "x\\\\,y", "a\\\\\\\\b"]) for _ in range(R.randint(1, 3))),
            "port=%d" % u(16), "ipv4hint=%s" % ",".join(v4() for _ in range(R.randint(1, 3))),
            "ipv6hint=%s" % ",".join(v6() for _ in range(R.randint(1, 2))), "ech=%s" % b64(R.randint(1, 30)),
            "key%d=%s" % (R.randint(10, 65000), cstr(8))], R.randint(0, 4)))),
        "RRSIG": lambda: rrsig(),
        "NSEC3": lambda: "1 %d %d %s %s %s" % (u(8), u(16), R.choice(["-", hx(R.randint(1, 10))]),
                                              base64.b32encode(bytes(R.randint(0, 255) for _ in range(20))).decode().translate(
                                                  str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHIJKLMNOPQRSTUV")).rstrip("="),
                                              " ".join(sorted(set(R.choice(["A", "NS", "SOA", "MX", "RRSIG", "DNSKEY", "TYPE1234"]) for _ in range(R.randint(1, 5)))))),
        "CDS": lambda: "%d %d 2 %s" % (u(16), u(8), hx(32)),
        "CDNSKEY": lambda: "%d 3 %d %s" % (u(16), u(8), b64(R.randint(1, 100))),
        "HTTPS": lambda: "%d %s alpn=h2,h3 port=%d" % (R.randint(1, 65535), name(), u(16)),
        "KX": lambda: "%d %s" % (u(16), name()),
        "AFSDB": lambda: "%d %s" % (u(16), name()),
        "RP": lambda: "%s %s" % (name(), name()),
        "SMIMEA": lambda: "%d %d 1 %s" % (u(8), u(8), hx(32)),
        "CERT": lambda: "%d %d %d %s" % (R.choice([1, 2, 3, 4, 5, 6, 7, 8, 253, 254]), u(16), R.randint(100, 250), b64(R.randint(1, 60))),
        "CSYNC": lambda: "%d %d %s" % (u(32), u(16), " ".join(sorted(set(R.choice(["A", "NS", "AAAA", "TYPE1234"]) for _ in range(R.randint(1, 3)))))),
        "ZONEMD": lambda: "%d 1 %d %s" % (u(32), R.choice([1, 2]), hx(48)),
        "APL": lambda: " ".join("%s1:%s/%d" % (R.choice(["", "!"]), v4(), R.randint(0, 32)) for _ in range(R.randint(0, 3))),
    }
    lines = ["$ORIGIN " + origin, "$TTL 300", "@ SOA ns.%s h.%s 1 2 3 4 5" % (origin, origin), "@ NS ns", "ns A 192.0.2.1"]
    owners = set()
    for i in range(n):
        t = R.choice(sorted(types))
        owner = name()
        if owner.lower() in owners:
            continue
        owners.add(owner.lower())
        try:
            rd = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(t), types[t](), origin=org)
        except Exception:
            continue
        lines.append("%s %s %s" % (owner, t, rd.to_text(origin=None, relativize=False)))
    return "\n".join(lines) + "\n"


def main():
    seed, n, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(rzone(seed, n, "random-%d.test." % seed))


main()
