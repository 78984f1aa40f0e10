#!/usr/bin/python3
"""DNS responses modelled on upstream test captures we do not have: lookback
against the RFCs and against tshark.

Zeek (testing/btest/Traces/dns), suricata-verify (tests/dns), tcpdump
(tests) and the other projects whose captures ../shared/data/captures
copies hold more DNS test captures than that set.  Each case below rebuilds what one of them exercises
(the upstream trace is named in the case's docstring) as a small message of
our own, byte by byte (most are malformed on purpose, which dnspython will
not write), carried in UDP over Ethernet with checksums filled in.

Per case, three checks:
  - lookback's JSONL (owner, type, class, sorted rdata as presentation text,
    section) and negative answers are exactly `want`, and its drop counters
    include `drops` (the reason a record or message was refused);
  - tshark's records, extracted as tshark_compare.py does, are lookback's,
    except for the records `tshark_only` and `lookback_only` list, each case
    saying why by the RFC (a listed difference that no longer occurs fails
    too);
  - the tshark fields `fields` names hold the values the case built (rdata
    types tshark_compare.py does not compare by value: WKS, LOC, SSHFP,
    SVCB/HTTPS...), and tshark flags the frame Malformed iff `malformed`.
All cases go to tshark in one pcap (each case its own addresses); lookback
reads each case's own file.  Prints TAP.  UPSTREAM_KEEP=DIR keeps the pcaps.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tshark_compare as tc  # noqa: E402
from reasm_tshark import eth, ip4, ip6, udp_dgram  # noqa: E402

T0 = 1710000000


# ---- wire pieces ----

def name(s):
    if s == ".":
        return b"\0"
    return b"".join(bytes([len(lab)]) + lab.encode() for lab in s.rstrip(".").split(".")) + b"\0"


def header(ident, flags, qd, an, ns, ar):
    return struct.pack("!HHHHHH", ident, flags, qd, an, ns, ar)


def question(qname, qtype, qclass=1):
    return name(qname) + struct.pack("!HH", qtype, qclass)


def rr(owner, rtype, rdata, ttl=300, rclass=1, rdlength=None):
    """A record; `owner` is a name or wire bytes (a pointer, say); `rdlength`
    overrides the true length."""
    o = owner if isinstance(owner, bytes) else name(owner)
    n = len(rdata) if rdlength is None else rdlength
    return o + struct.pack("!HHIH", rtype, rclass, ttl, n) + rdata


def opt(size=1232, ext=0, version=0, options=b""):
    return b"\0" + struct.pack("!HHBBHH", 41, size, ext, version, 0, len(options)) + options


def soa_rdata(zone):
    return (name("ns1." + zone) + name("hostmaster." + zone)
            + struct.pack("!IIIII", 2024010101, 7200, 3600, 1209600, 300))


def soa_text(zone):
    return "ns1.%s. hostmaster.%s. 2024010101 7200 3600 1209600 300" % (zone, zone)


def svc_param(key, value):
    return struct.pack("!HH", key, len(value)) + value


def alpn(*ids):
    return b"".join(bytes([len(i)]) + i.encode() for i in ids)


def hexcolon(b):
    return ":".join("%02x" % x for x in b)


PTR_Q = b"\xc0\x0c"  # a pointer to the question's name
ANSWER = 0x8180      # flags: a response, RD RA, NOERROR
AUTH = 0x8580        # the same, AA


# ---- cases ----

class Case:
    def __init__(self, idx, fn):
        self.idx, self.name = idx, fn.__name__
        self.doc = " ".join((fn.__doc__ or "").split())
        self.msgs = []        # (wire, sport, dport, ipver, multicast)
        self.want = set()     # (owner, type, class, (rdata...), section)
        self.negs = set()     # (qname, qtype, rcode)
        self.drops = {}       # counter: value lookback's --stats must show
        self.tshark_only = set()  # (owner, type number, class) tshark shows, lookback refuses
        self.lookback_only = set()  # the same, that tshark misses (it stops at a malformed record)
        self.fields = {}      # tshark field: sorted list of all its values in the case
        self.malformed = False

    def send(self, wire, sport=53, dport=None, ipver=4, multicast=False):
        self.msgs.append((wire, sport, dport or 40000 + self.idx, ipver, multicast))

    cut = 0  # octets the capture lost at the end of each frame (a snapshot length)

    def frames(self):
        out = []
        for k, (wire, sport, dport, ipver, mc) in enumerate(self.msgs):
            if ipver == 4:
                src = bytes([192, 0, 2, 100 + self.idx]) if mc else bytes([192, 0, 2, 53])
                dst = bytes([224, 0, 0, 251]) if mc else bytes([198, 51, 100, 100 + self.idx])
                ip = ip4(src, dst, 17, udp_dgram(src, dst, sport, dport, wire))
            else:
                src = bytes.fromhex("fe80000000000000000000000000%04x" % self.idx)
                dst = bytes.fromhex("ff0200000000000000000000000000fb")
                ip = ip6(src, dst, 17, udp_dgram(src, dst, sport, dport, wire))
            f = eth(ipver, ip)
            out.append((T0 + 10 * self.idx + k * 0.001, f[:len(f) - self.cut], len(f)))
        return out


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


@case
def wks(c):
    """zeek dns/dns-wks.pcap: a WKS answer (RFC 1035 3.4.2: address, protocol,
    port bit map; lookback prints the ports as BIND does)."""
    bits = bytearray(11)
    for p in (21, 22, 25, 80):
        bits[p // 8] |= 0x80 >> (p % 8)
    c.send(header(0xa001, AUTH, 1, 1, 0, 0) + question("wks.example.com", 11)
           + rr(PTR_Q, 11, bytes([192, 0, 2, 1, 6]) + bytes(bits)))
    c.want = {("wks.example.com.", "WKS", "IN", ("192.0.2.1 6 21 22 25 80",), "answer")}
    c.fields = {"dns.wks.address": ["192.0.2.1"], "dns.wks.protocol": ["6"],
                "dns.wks.bits": ["0x06", "0x40", "0x80"]}


LOC = bytes([0, 0x12, 0x16, 0x13]) + struct.pack("!III", 2**31 + 1000, 2**31 - 2000, 10000000 + 500)
LOC_TEXT = "0 0 1.000 N 0 0 2.000 W 5.00m 1m 10000m 10m"


@case
def loc(c):
    """zeek dns/loc-29-trunc.pcap's sibling: a LOC answer (RFC 1876 2-3:
    sizes as mantissa and exponent, latitude from 2^31, altitude from
    -100000 m)."""
    c.send(header(0xa002, AUTH, 1, 1, 0, 0) + question("loc.example.com", 29) + rr(PTR_Q, 29, LOC))
    c.want = {("loc.example.com.", "LOC", "IN", (LOC_TEXT,), "answer")}
    c.fields = {"dns.loc.version": ["0"], "dns.loc.size": ["18"],
                "dns.loc.horizontal_precision": ["22"], "dns.loc.vertical_precision": ["19"],
                "dns.loc.latitude": ["2147484648"], "dns.loc.longitude": ["2147481648"],
                "dns.loc.altitude": ["10000500"]}


@case
def loc_invalid_length_short(c):
    """zeek dns/loc-invalid-length.pcap: a version 0 LOC of 15 octets
    followed by an A.  RFC 1876 2: version 0's RDATA is 16 octets; lookback
    skips that record alone (dns_bad_record) and keeps the A.  tshark prints
    the LOC, reading its altitude's last octet from the next record."""
    c.send(header(0xa003, AUTH, 1, 2, 0, 0) + question("locshort.example.com", 29)
           + rr(PTR_Q, 29, LOC[:15]) + rr(PTR_Q, 1, bytes([192, 0, 2, 3])))
    c.want = {("locshort.example.com.", "A", "IN", ("192.0.2.3",), "answer")}
    c.drops = {"drop.dns_bad_record": 1}
    c.tshark_only = {("locshort.example.com.", 29, 1)}
    c.fields = {"dns.loc.version": ["0"]}


@case
def loc_invalid_length_long(c):
    """zeek dns/loc-invalid-length.pcap, the other way: a version 0 LOC of 20
    octets (RFC 1876 2: 16).  lookback skips it (dns_bad_record); tshark
    prints its 16 octets and ignores the rest."""
    c.send(header(0xa004, AUTH, 1, 1, 0, 0) + question("loclong.example.com", 29)
           + rr(PTR_Q, 29, LOC + bytes(4)))
    c.drops = {"drop.dns_bad_record": 1}
    c.tshark_only = {("loclong.example.com.", 29, 1)}
    c.fields = {"dns.loc.altitude": ["10000500"]}


@case
def loc_version_1(c):
    """A LOC of a version RFC 1876 does not define (2: "must be zero" for the
    format it gives): its layout is unknown, so lookback keeps it in the
    RFC 3597 form; tshark shows it as unknown data too."""
    rd = b"\x01" + LOC[1:] + b"\0\0"
    c.send(header(0xa005, AUTH, 1, 1, 0, 0) + question("locv1.example.com", 29) + rr(PTR_Q, 29, rd))
    c.want = {("locv1.example.com.", "LOC", "IN", ("\\# 18 " + rd.hex().upper(),), "answer")}
    c.fields = {"dns.loc.version": ["1"], "dns.loc.unknown_data": [hexcolon(rd)]}


SSHFP = [(2, 1, "a6" * 20), (2, 2, "52" * 32), (3, 1, "5b" * 20), (1, 1, "c0" * 20),
         (4, 1, "0b" * 20), (4, 2, "28" * 32), (1, 2, "56" * 32), (3, 2, "c6" * 32)]


def sshfp_msg(ident, qname):
    ans = b"".join(rr(PTR_Q, 44, bytes([a, t]) + bytes.fromhex(h), ttl=43200) for a, t, h in SSHFP)
    sig = (struct.pack("!HBBIIIH", 44, 8, 3, 43200, 1700100000, 1699900000, 12345)
           + name("example.com") + bytes(range(64)))
    ans += rr(PTR_Q, 46, sig, ttl=43200)
    return header(ident, 0x8400, 1, 9, 0, 0) + question(qname, 44) + ans


@case
def sshfp(c):
    """zeek dns/sshfp-trunc.pcap: eight SSHFP (RFC 4255 3.1: algorithm,
    fingerprint type, fingerprint; 3.2 hex) and their RRSIG."""
    c.send(sshfp_msg(0xa006, "sshfp.example.com"))
    c.want = {("sshfp.example.com.", "SSHFP", "IN",
               tuple(sorted("%d %d %s" % (a, t, h.upper()) for a, t, h in SSHFP)), "answer"),
              ("sshfp.example.com.", "RRSIG", "IN",
               ("SSHFP 8 3 43200 20231116020000 20231113182640 12345 example.com. "
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==",),
               "answer")}
    c.fields = {"dns.sshfp.algorithm": sorted(str(a) for a, _, _ in SSHFP),
                "dns.sshfp.fingerprint.type": sorted(str(t) for _, t, _ in SSHFP),
                "dns.sshfp.fingerprint": sorted(hexcolon(bytes.fromhex(h)) for _, _, h in SSHFP)}


@case
def sshfp_cut_short(c):
    """The same response cut 30 octets short inside its RRSIG, TC clear (a
    message shortened on the way).  RFC 1035 4.1.1: the counts promise a
    ninth record; with TC clear that is a malformed message, not a truncated
    one, and no RRset in it is known whole: lookback drops the message
    (dns_truncated).  tshark prints the eight SSHFP, then Malformed."""
    c.send(sshfp_msg(0xa007, "sshfpcut.example.com")[:-30])
    c.drops = {"drop.dns_truncated": 1}
    c.tshark_only = {("sshfpcut.example.com.", 44, 1)}
    c.malformed = True


ECH = bytes(range(0x20, 0x60))


@case
def https_ech(c):
    """zeek dns/ech.pcap: an HTTPS record with alpn, ipv4hint, ech and
    ipv6hint (RFC 9460 7.1, 7.3; ech is base64, RFC 9460 / RFC 9848)."""
    rd = (struct.pack("!H", 1) + b"\0" + svc_param(1, alpn("h3", "h2"))
          + svc_param(4, bytes([192, 0, 2, 1, 192, 0, 2, 2])) + svc_param(5, ECH)
          + svc_param(6, bytes.fromhex("20010db8000000000000000000000001")))
    c.send(header(0xa008, ANSWER, 1, 1, 0, 0) + question("ech.example.com", 65) + rr(PTR_Q, 65, rd))
    c.want = {("ech.example.com.", "HTTPS", "IN",
               ('1 . alpn="h3,h2" ipv4hint=192.0.2.1,192.0.2.2 ech=ICEiIyQlJicoKSorLC0uLzAxMjM0'
                'NTY3ODk6Ozw9Pj9AQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpbXF1eXw== ipv6hint=2001:db8::1',),
               "answer")}
    c.fields = {"dns.svcb.svcparam.alpn": ["h2", "h3"],
                "dns.svcb.svcparam.ipv4hint.ip": ["192.0.2.1", "192.0.2.2"],
                "dns.svcb.svcparam.echconfig": [hexcolon(ECH)],
                "dns.svcb.svcparam.ipv6hint.ip": ["2001:db8::1"]}


def malformed_https(c, ident, qname, params):
    rd = struct.pack("!H", 1) + b"\0" + params
    c.send(header(ident, ANSWER, 1, 2, 0, 0) + question(qname, 65) + rr(PTR_Q, 65, rd)
           + rr(PTR_Q, 1, bytes([192, 0, 2, ident & 0xFF])))
    c.want = {(qname + ".", "HTTPS", "IN", ("\\# %d %s" % (len(rd), rd.hex().upper()),), "answer"),
              (qname + ".", "A", "IN", ("192.0.2.%d" % (ident & 0xFF),), "answer")}


@case
def svcb_alpn_len_too_long(c):
    """zeek dns/svcb-alpn-malformed-len-too-long.pcap's generator, our way:
    the second alpn-id's length runs past its SvcParamValue.  RFC 9460 2.2:
    a value not in its key's format makes the RR malformed; its framing
    (RDLENGTH, SvcParam lengths) is intact and it holds no name, so lookback
    keeps it in the RFC 3597 form (docs/ARCHITECTURE.md) and keeps the A
    after it.  tshark reads the alpn-id past the value and warns."""
    malformed_https(c, 0xa009, "alpnlong.example.com", svc_param(1, b"\x02h2\x08h3"))
    c.fields = {"dns.svcb.svcparam.alpn.length": ["2", "8"]}


@case
def svcb_alpn_len_too_short(c):
    """zeek dns/svcb-alpn-malformed-len-too-short.pcap: the second alpn-id
    says 1 octet, leaving one over that reads as a length of 51 (RFC 9460
    7.1.1).  lookback: RFC 3597 form, as above; tshark: Malformed, and it
    stops there, missing the A after the record."""
    malformed_https(c, 0xa00a, "alpnshort.example.com", svc_param(1, b"\x02h2\x01h3"))
    c.fields = {"dns.svcb.svcparam.alpn.length": ["1", "2", "51"]}
    c.lookback_only = {("alpnshort.example.com.", 1, 1)}
    c.malformed = True


@case
def svcb_port_len_3(c):
    """zeek dns/svcb-port-malformed.pcap: a port SvcParam of 3 octets (RFC
    9460 7.2: exactly 2).  lookback: RFC 3597 form; tshark reads port 443
    and a bogus key 192 from the spare octet on, then Malformed, missing the
    A after the record."""
    malformed_https(c, 0xa00b, "port.example.com", svc_param(3, b"\x01\xbb\x00"))
    c.fields = {"dns.svcb.svcparam.port": ["443"]}
    c.lookback_only = {("port.example.com.", 1, 1)}
    c.malformed = True


@case
def svcb_rdlength_too_short(c):
    """zeek dns/svcb-rdlength-mismatch.pcap: an SVCB of RDLENGTH 2 (the
    priority, no TargetName; RFC 9460 2.2 needs at least 3 octets), then an
    OPT.  lookback skips that record (dns_bad_record); tshark reads the
    TargetName from the OPT's root owner."""
    c.send(header(0xa00c, ANSWER, 1, 1, 0, 1) + question("svcb.example.com", 64)
           + rr(PTR_Q, 64, b"\x00\x01") + opt())
    c.drops = {"drop.dns_bad_record": 1}
    c.tshark_only = {("svcb.example.com.", 64, 1)}
    c.fields = {"dns.svcb.svcpriority": ["1"]}


@case
def edns_option_past_rdata(c):
    """zeek dns/dns-edns-bad-length.pcap: an OPT whose option claims 12
    octets where its RDATA has 4 left (RFC 6891 6.1.2).  OPT is never stored;
    the answer before it is whole and kept.  tshark: the A, then
    Malformed."""
    c.send(header(0xa00d, ANSWER, 1, 1, 0, 1) + question("ednslen.example.com", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 13]))
           + opt(options=struct.pack("!HH", 10, 12) + b"\1\2\3\4"))
    c.want = {("ednslen.example.com.", "A", "IN", ("192.0.2.13",), "answer")}
    c.malformed = True


@case
def label_past_end(c):
    """zeek dns/dns-invalid-names.pcap (DNS_label_len_gt_pkt): the answer's
    owner has a 63-octet label and the message ends 3 octets later.  Nothing
    to keep (dns_truncated); tshark: Malformed."""
    c.send(header(0xa00e, ANSWER, 1, 1, 0, 0) + question("lab.example.com", 1) + b"\x3fabc")
    c.drops = {"drop.dns_truncated": 1}
    c.malformed = True


@case
def forward_pointer(c):
    """zeek dns/dns-invalid-names.pcap (DNS_label_forward_compress_offset):
    a CNAME whose target is a pointer forward, to the next record's owner.
    RFC 1035 4.1.4: a pointer is to a prior occurrence; lookback refuses it
    (dns_bad_pointer as the record's reason, counted dns_bad_record) and
    keeps the A, which no longer relates to the question (a CNAME chain
    broken).  tshark follows the pointer."""
    head = header(0xa00f, ANSWER, 1, 2, 0, 0) + question("fwd.example.com", 1)
    target = len(head) + 2 + 10 + 2
    c.send(head + rr(PTR_Q, 5, struct.pack("!H", 0xC000 | target))
           + rr(b"\x01x\xc0\x0c", 1, bytes([192, 0, 2, 15])))
    c.want = {("x.fwd.example.com.", "A", "IN", ("192.0.2.15",), "answer")}
    c.drops = {"drop.dns_bad_record": 1}
    c.tshark_only = {("fwd.example.com.", 5, 1)}
    c.fields = {"dns.cname": ["x.fwd.example.com"]}


@case
def pointer_into_header(c):
    """A pointer into the 12-octet header (offset 2): no name starts there
    (RFC 1035 4.1.4); dns_bad_pointer drops the message; tshark: Malformed."""
    c.send(header(0xa010, ANSWER, 1, 1, 0, 0) + question("hdr.example.com", 1)
           + rr(b"\xc0\x02", 1, bytes([192, 0, 2, 16])))
    c.drops = {"drop.dns_bad_pointer": 1}
    c.malformed = True


@case
def notify_response(c):
    """zeek dns/dns_notify2.pcap, suricata-verify dns-opcode: a NOTIFY
    response (opcode 4) carrying the zone's SOA.  RFC 1996 3.7: a NOTIFY's
    answer section is an unsecure hint for the secondary, not an answer to a
    query, so lookback keeps RRsets of opcode QUERY only; tshark prints the
    SOA."""
    c.send(header(0xa011, 0xA400, 1, 1, 0, 0) + question("notify.example.com", 6)
           + rr(PTR_Q, 6, soa_rdata("notify.example.com")))
    c.tshark_only = {("notify.example.com.", 6, 1)}
    c.fields = {"dns.flags.opcode": ["4"]}


@case
def opcode_unassigned(c):
    """suricata-verify dns/dns-invalid-opcode: a response of opcode 9
    (unassigned, RFC 6895 2.2) with an A.  lookback takes an unassigned
    opcode for traffic that is not DNS (dns_not_dns); tshark prints the A."""
    c.send(header(0xa012, 0xC800, 1, 1, 0, 0) + question("op9.example.com", 1)
           + rr(PTR_Q, 1, bytes([127, 0, 0, 1])))
    c.drops = {"drop.dns_not_dns": 1}
    c.tshark_only = {("op9.example.com.", 1, 1)}


@case
def many_questions(c):
    """zeek dns/conn-count-too-large.pcap: QDCOUNT 10, the same question ten
    times (RFC 1035 4.1.2 allows a count; servers answer one), then the
    answer, which both keep."""
    c.send(header(0xa013, ANSWER, 10, 1, 0, 0) + question("qd.example.com", 1) * 10
           + rr(PTR_Q, 1, bytes([192, 0, 2, 19])))
    c.want = {("qd.example.com.", "A", "IN", ("192.0.2.19",), "answer")}


@case
def mdns_multicast(c):
    """zeek dns/mdns-no-assoc.pcap: unsolicited mDNS announcements, ID 0, to
    224.0.0.251 and ff02::fb, cache-flush bit set (RFC 6762 10.2: the class
    is IN)."""
    c.send(header(0, 0x8400, 0, 1, 0, 0) + rr("mdns4.local", 1, bytes([192, 0, 2, 20]),
                                              ttl=120, rclass=0x8001),
           sport=5353, dport=5353, multicast=True)
    c.send(header(0, 0x8400, 0, 1, 0, 0) + rr("mdns6.local", 28, bytes.fromhex("fe80" + "00" * 13 + "01"),
                                              ttl=120, rclass=0x8001),
           sport=5353, dport=5353, ipver=6, multicast=True)
    c.want = {("mdns4.local.", "A", "IN", ("192.0.2.20",), "answer"),
              ("mdns6.local.", "AAAA", "IN", ("fe80::1",), "answer")}


@case
def additionals_cookie(c):
    """suricata-verify dns/dns-udp-additionals-cookie: an NS answer with A
    and AAAA glue and an OPT holding a server COOKIE (RFC 7873 4)."""
    ns = ["ns%d.cookie.example" % i for i in (1, 2)]
    msg = header(0xa015, ANSWER, 1, 2, 0, 5) + question("cookie.example", 2)
    msg += b"".join(rr(PTR_Q, 2, name(n), ttl=172800) for n in ns)
    msg += b"".join(rr(n, 1, bytes([192, 0, 2, 31 + i]), ttl=172800) for i, n in enumerate(ns))
    msg += b"".join(rr(n, 28, bytes.fromhex("20010db8" + "00" * 11 + "%02x" % (31 + i)), ttl=172800)
                    for i, n in enumerate(ns))
    msg += opt(options=struct.pack("!HH", 10, 24) + bytes(range(24)))
    c.send(msg)
    c.want = {("cookie.example.", "NS", "IN", tuple(n + "." for n in ns), "answer")}
    for i, n in enumerate(ns):
        c.want.add((n + ".", "A", "IN", ("192.0.2.%d" % (31 + i),), "additional"))
        c.want.add((n + ".", "AAAA", "IN", ("2001:db8::%x" % (31 + i),), "additional"))
    c.fields = {"dns.opt.cookie.client": [hexcolon(bytes(range(8)))],
                "dns.opt.cookie.server": [hexcolon(bytes(range(8, 24)))]}


@case
def ttl_top_bit(c):
    """A TTL with its top bit set (tcpdump and Zeek print it; zeek
    dns-huge-ttl): RFC 2181 8 says treat it as zero; lookback reports 0,
    tshark the raw value with a warning.  The records agree."""
    c.send(header(0xa016, ANSWER, 1, 1, 0, 0) + question("ttl.example.com", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 22]), ttl=0x80000001))
    c.want = {("ttl.example.com.", "A", "IN", ("192.0.2.22",), "answer")}
    c.fields = {"dns.resp.ttl": ["2147483649"]}


@case
def hinfo_one_string(c):
    """zeek dns/hinfo.pcap, malformed: an HINFO of one character-string
    (RFC 1035 3.3.2: CPU and OS).  lookback skips it (dns_bad_record);
    tshark prints the record's header, then Malformed."""
    c.send(header(0xa017, ANSWER, 1, 1, 0, 0) + question("hinfo.example.com", 13)
           + rr(PTR_Q, 13, b"\x03CPU"))
    c.drops = {"drop.dns_bad_record": 1}
    c.tshark_only = {("hinfo.example.com.", 13, 1)}
    c.malformed = True


@case
def txt_empty_and_full(c):
    """suricata-verify dns/dns-udp-eve-txt, at the edges: a TXT of one empty
    character-string and one of 255 octets (RFC 1035 3.3)."""
    c.send(header(0xa018, ANSWER, 1, 2, 0, 0) + question("txt.example.com", 16)
           + rr(PTR_Q, 16, b"\x00") + rr(PTR_Q, 16, b"\xff" + b"z" * 255))
    c.want = {("txt.example.com.", "TXT", "IN", ('""', '"%s"' % ("z" * 255)), "answer")}


@case
def snaplen_cut(c):
    """tcpdump tests/dns_udp_2.pcap: a response captured with a snapshot
    length shorter than the frame (caplen 98 of 266), cut inside the answer
    section.  lookback decodes the datagram up to the cut as it does a
    response cut with TC set (RFC 1035 4.2.1): the RRset before the cut (the
    CNAME) is kept, the one the cut falls in is marked truncated and not
    stored (RFC 2181 9); tshark prints the records before the cut too."""
    c.cut = 8
    c.send(header(0xa019, AUTH, 1, 3, 0, 0) + question("snap.example.com", 1)
           + rr(PTR_Q, 5, name("edge.example.net"))
           + rr("edge.example.net", 1, bytes([192, 0, 2, 66]))
           + rr("edge.example.net", 1, bytes([192, 0, 2, 67])))
    c.want = {("snap.example.com.", "CNAME", "IN", ("edge.example.net.",), "answer"),
              ("edge.example.net.", "A", "IN", ("192.0.2.66",), "answer")}
    c.drops = {"drop.dns_truncated": 1, "dns_partial": 1}
    c.fields = {"dns.a": ["192.0.2.66"]}


@case
def name_control_octets(c):
    """nDPI tests/cfgs/default/pcap/dns-invalid-chars.pcap: a name with
    octets no host name has (BEL, LF, DEL, 0xff, a backslash and a quote in a
    label).  RFC 2181 11: any octet is allowed in a label; lookback writes
    them as RFC 1035 5.1 / RFC 4343 2.1 escapes (\\DDD decimal, \\ before
    a backslash or quote), tshark as C does (\\a, \\n, \\177 octal; the
    backslash and quote bare): tshark_compare.py reads each its own way."""
    owner = b"\x0bbell\x07\x0a\x7f\xffend\x04a\\\"x\x02cn\x00"
    c.send(header(0xa01a, ANSWER, 1, 1, 0, 0) + question("bell.cn", 1)
           + rr(owner, 1, bytes([192, 0, 2, 26])))
    c.want = {("bell\\007\\010\\127\\255end.a\\\\\\\"x.cn.", "A", "IN", ("192.0.2.26",), "answer")}
    c.fields = {"dns.resp.name": ["bell\\a\\n\\177\ufffdend.a\\\"x.cn"]}


# ---- running ----

def write_pcap(path, frames):
    """frames = [(ts, captured bytes, length on the wire)]"""
    with open(path, "wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for ts, f, wire in frames:
            sec = int(ts)
            fh.write(struct.pack("<IIII", sec, int(round((ts - sec) * 1e6)), len(f), wire) + f)


def lookback_case(lookback, path):
    p = subprocess.run([lookback, "capture", "-q", "-r", path, "--jsonl", "--stats", "--mdns"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError("lookback exited %d: %s" % (p.returncode, p.stderr.decode()[-300:]))
    rows, negs = set(), set()
    for line in p.stdout.decode("utf-8", errors="replace").splitlines():
        o = json.loads(line)
        if o.get("negative"):
            negs.add((o["qname"], o["qtype"], o["rcode"]))
        else:
            rows.add((o["rrname"], o["rrtype"], o["class"], tuple(sorted(o["rdata"])), o["section"]))
    stats = dict(ln.split(" ", 1) for ln in p.stderr.decode().splitlines() if ln.count(" ") == 1)
    return rows, negs, {k: int(v) for k, v in stats.items() if v.strip().isdigit()}


def walk(obj, out):
    """Every (key, value) of tshark's JSON with a string value, at any depth."""
    if isinstance(obj, tc.Pairs):
        for k, v in obj:
            if isinstance(v, str):
                out.append((k, v))
            else:
                walk(v, out)
    elif isinstance(obj, list):
        for v in obj:
            walk(v, out)


def check(c, lookback, path, pkts):
    problems = []
    rows, negs, stats = lookback_case(lookback, path)
    if rows != c.want:
        problems += ["lookback lacks %s" % sorted(c.want - rows)[:3]] if c.want - rows else []
        problems += ["lookback has extra %s" % sorted(rows - c.want)[:3]] if rows - c.want else []
    if negs != c.negs:
        problems.append("lookback negatives %s, want %s" % (sorted(negs), sorted(c.negs)))
    for k, v in c.drops.items():
        if stats.get(k) != v:
            problems.append("lookback %s is %s, want %d" % (k, stats.get(k), v))
    # tshark's records against lookback's, as tshark_compare.py extracts them
    t_rrs, t_vals, o_rrs, o_vals = set(), set(), set(), set()
    for r, v in tc.tshark_rows(pkts).values():
        t_rrs |= r
        t_vals |= v
    o_rows, _ = tc.lookback_rows(lookback, path, "")
    for r, v in o_rows.values():
        o_rrs |= {(nm, tc.IANA.get(tp, tp), cl) for nm, tp, cl in r}
        o_vals |= v
    if t_rrs - o_rrs != c.tshark_only or o_rrs - t_rrs != c.lookback_only:
        problems.append("tshark-only records %s (listed %s), lookback-only %s (listed %s)" % (
            sorted(t_rrs - o_rrs), sorted(c.tshark_only), sorted(o_rrs - t_rrs), sorted(c.lookback_only)))
    if (o_vals - t_vals and not c.lookback_only) or (t_vals - o_vals and not c.tshark_only):
        problems.append("values differ: tshark-only %s, lookback-only %s" % (
            sorted(t_vals - o_vals)[:3], sorted(o_vals - t_vals)[:3]))
    kv = []
    walk(pkts, kv)
    for field, want in c.fields.items():
        got = sorted(v for k, v in kv if k == field)
        if got != sorted(want):
            problems.append("tshark %s = %s, want %s" % (field, got[:6], sorted(want)[:6]))
    malformed = any(k == "_ws.malformed" for k, _ in kv) or any(
        k == "_ws.malformed" for p in pkts for k, _ in p.first("_source").first("layers"))
    if malformed != c.malformed:
        problems.append("tshark %s the frame Malformed" % ("flags" if malformed else "does not flag"))
    return problems


def main():
    lookback = os.environ["LOOKBACK"]
    cases = []
    for idx, fn in enumerate(CASES):
        c = Case(idx + 1, fn)
        fn(c)
        cases.append(c)
    keep = os.environ.get("UPSTREAM_KEEP")
    with tempfile.TemporaryDirectory() as tmp:
        d = keep or tmp
        os.makedirs(d, exist_ok=True)
        allframes, first = [], []
        for c in cases:
            first.append(len(allframes) + 1)
            fr = c.frames()
            allframes += fr
            write_pcap(os.path.join(d, c.name + ".pcap"), fr)
        first.append(len(allframes) + 1)
        allpath = os.path.join(d, "all.pcap")
        write_pcap(allpath, allframes)
        p = subprocess.run(["tshark", "-n", "-r", allpath, "-T", "json"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        raw = p.stdout.decode("utf-8", errors="replace")
        pkts = json.loads(raw, object_pairs_hook=tc.Pairs) if raw.strip() else []
        by_frame = {int(x.first("_source").first("layers").first("frame").first("frame.number")): x
                    for x in pkts}
        failed = 0
        for k, c in enumerate(cases):
            mine = [by_frame[f] for f in range(first[k], first[k + 1]) if f in by_frame]
            try:
                problems = check(c, lookback, os.path.join(d, c.name + ".pcap"), mine)
            except Exception as e:  # a crash is a failure
                problems = ["%s: %s" % (type(e).__name__, e)]
            if problems:
                failed += 1
                print("not ok %d - %s: %s" % (k + 1, c.name, c.doc))
                for x in problems:
                    print("#   " + x)
            else:
                print("ok %d - %s%s" % (k + 1, c.name, " (tshark differs as documented)"
                                        if c.tshark_only or c.lookback_only else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
