#!/usr/bin/python3
"""DNS responses modelled on upstream test captures we do not have: lookback
against the RFCs and against tshark.

Zeek (testing/btest/Traces/dns), suricata-verify (tests/dns), tcpdump
(tests) and the other projects whose captures ../shared/data/captures
copies hold more DNS test captures than that set.  Each case below rebuilds what one of them exercises
(the upstream trace is named in the case's docstring) as a small message of
our own, byte by byte (most are malformed on purpose, which dnspython will
not write), carried in UDP over Ethernet with checksums filled in; the later
cases (part 2: nDPI, suricata-verify's DNS over TCP, tcpdump) build TCP
connections (TcpFlow) or whole IP packets (send_ip) too.

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
import base64
import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tshark_compare as tc  # noqa: E402
from reasm_tshark import eth, ip4, ip6, udp_dgram  # noqa: E402
from reasm_lib import tcp_seg, FIN, SYN, PSH, ACK  # noqa: E402

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
        self.ports = ""       # lookback --ports (and tshark decode-as) besides 53
        self.value_diff = None  # (tshark-only values, rdata types of lookback-only values)

    def send(self, wire, sport=53, dport=None, ipver=4, multicast=False):
        self.msgs.append((wire, sport, dport or 40000 + self.idx, ipver, multicast))

    def send_ip(self, ip, ipver=4):
        """A whole IP packet of the case's own making (TCP, extension headers)."""
        self.msgs.append((ip, None, None, ipver, False))

    def addrs(self):
        """(server, client) IPv4 addresses, as send() uses them."""
        return bytes([192, 0, 2, 53]), bytes([198, 51, 100, 100 + self.idx])

    cut = 0  # octets the capture lost at the end of each frame (a snapshot length)

    def frames(self):
        out = []
        for k, (wire, sport, dport, ipver, mc) in enumerate(self.msgs):
            if sport is None:
                ip = wire
            elif ipver == 4:
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


# ---- cases over TCP and raw IP (part 2: nDPI, suricata-verify, tcpdump) ----

def framed(wire):
    """RFC 1035 4.2.2: a message over TCP behind its 2-octet length."""
    return struct.pack("!H", len(wire)) + wire


class TcpFlow:
    """One TCP connection of a case: the client (40000 + idx) to `port` on the
    server, each direction's sequence numbers followed."""

    def __init__(self, c, port=53, handshake=True):
        self.c, self.port, self.seq = c, port, [1000, 5000]
        self.srv, self.cli = c.addrs()
        self.cport = 40000 + c.idx
        if handshake:
            self.pkt(0, SYN, adv=1)
            self.pkt(1, SYN | ACK, adv=1)

    def pkt(self, d, flags, data=b"", adv=0):
        src, dst = (self.cli, self.srv) if d == 0 else (self.srv, self.cli)
        sp, dp = (self.cport, self.port) if d == 0 else (self.port, self.cport)
        seg = tcp_seg(src, dst, sp, dp, self.seq[d], self.seq[1 - d], flags, data)
        self.c.send_ip(ip4(src, dst, 6, seg))
        self.seq[d] += len(data) + adv

    def data(self, d, data):
        self.pkt(d, PSH | ACK, data)

    def close(self):
        self.pkt(0, FIN | ACK, adv=1)
        self.pkt(1, FIN | ACK, adv=1)


def a_resp(ident, qname, last, flags=ANSWER):
    return (header(ident, flags, 1, 1, 0, 0) + question(qname, 1)
            + rr(PTR_Q, 1, bytes([192, 0, 2, last])))


def a_want(qname, last):
    return (qname + ".", "A", "IN", ("192.0.2.%d" % last,), "answer")


def noise(n, seed):
    """n octets that look random (ciphertext, keys), the same every run."""
    return bytes((seed + i * 73 + (i * i >> 3)) & 0xFF for i in range(n))


@case
def tcp_reversed_midstream(c):
    """suricata-verify dns/dns-dcerpc-reversed and dns-reversed-tcp-1: a DNS
    over TCP connection captured mid-stream (no handshake; suricata runs with
    stream.midstream), its first frame the server's response to a query the
    capture missed, then a query and its response.  Both responses are
    whole framed messages (RFC 1035 4.2.2, RFC 7766 8): both are kept."""
    t = TcpFlow(c, handshake=False)
    t.data(1, framed(a_resp(0xb101, "rev1.example.com", 101)))
    t.data(0, framed(header(0xb102, 0x0100, 1, 0, 0, 0) + question("rev2.example.com", 1)))
    t.data(1, framed(a_resp(0xb102, "rev2.example.com", 102)))
    c.want = {a_want("rev1.example.com", 101), a_want("rev2.example.com", 102)}


@case
def tcp_port_8053(c):
    """tcpdump tests/dns_tcp_8053.pcap (dns_tcp_8053-T: -T domain): DNS over
    TCP on port 8053, with its handshake and close.  Read with --ports
    53,8053 (tshark: decode-as tcp.port==8053), both find the answer."""
    c.ports = "8053"
    t = TcpFlow(c, port=8053)
    t.data(0, framed(header(0xb201, 0x0100, 1, 0, 0, 0) + question("p8053.example.com", 1)))
    t.data(1, framed(a_resp(0xb201, "p8053.example.com", 103)))
    t.close()
    c.want = {a_want("p8053.example.com", 103)}


@case
def dnscrypt_on_53(c):
    """nDPI tests/pcap dnscrypt*.pcap: DNSCrypt v2 (not the DNS wire format
    past its certificate lookup).  The certificate comes in a plain TXT
    answer (binary character-string, "DNSC" magic), kept as TXT; then an
    encrypted query whose client magic happens to set QR with opcode 0 (the
    worst case: it reads as a response, and its first name has a label of
    an unknown type: dns_bad_label) and the encrypted response ("r6fnvWj8":
    opcode 12, unassigned, dns_not_dns).  No bogus observation; tshark:
    Malformed.  tshark prints the TXT's character-string up to its first
    NUL ("DNSC"), lookback all of it (RFC 1035 3.3: any octets, 5.1
    escapes): `value_diff`."""
    cert = b"DNSC\x00\x01\x00\x00" + noise(116, 7)
    c.send(header(0xb301, ANSWER, 1, 1, 0, 0) + question("2.dnscrypt-cert.example.com", 16)
           + rr(PTR_Q, 16, bytes([len(cert)]) + cert))
    c.send(b"\x5a\x17\x81\x00" + noise(32 + 12 + 80, 11), sport=40000 + c.idx, dport=53)
    c.send(b"r6fnvWj8" + noise(24 + 96, 13))
    txt = '"' + "".join(chr(b) if 0x20 <= b < 0x7f and b not in (0x22, 0x5c) else
                        "\\%03d" % b if b < 0x20 or b >= 0x7f else "\\" + chr(b) for b in cert) + '"'
    c.want = {("2.dnscrypt-cert.example.com.", "TXT", "IN", (txt,), "answer")}
    c.drops = {"drop.dns_bad_label": 1, "drop.dns_not_dns": 1}
    c.value_diff = ({("TXT", "DNSC")}, {"TXT"})
    c.malformed = True


@case
def dot_853(c):
    """nDPI tests/pcap dns_dot.pcap (and doh.pcapng): DNS over TLS on TCP
    853 (RFC 7858): TLS records, nothing a port-53 sensor can read; nothing
    is reported, as tshark shows no DNS."""
    t = TcpFlow(c, port=853)
    t.data(0, b"\x16\x03\x01\x00\x50" + noise(0x50, 3))
    t.data(1, b"\x16\x03\x03\x00\x60" + noise(0x60, 5))
    t.data(0, b"\x17\x03\x03\x00\x40" + noise(0x40, 9))
    t.data(1, b"\x17\x03\x03\x00\x70" + noise(0x70, 17))
    t.close()


@case
def ext_rcode(c):
    """tcpdump tests/dns-badvers.pcap and dns-badcookie.pcap: the RCODE is
    12 bits, its upper 8 in the OPT TTL (RFC 6891 6.1.3).  BADVERS (16: 0 in
    the header) with the zone's SOA in authority, BADCOOKIE (23: 7 in the
    header, RFC 7873 5.2.3) with a fresh server cookie, and 19 (3 in the
    header) with an SOA: none is NOERROR/NODATA or NXDOMAIN, so no negative
    answer; the SOA RRsets are data and kept (tshark shows them)."""
    ck = struct.pack("!HH", 10, 24) + bytes(range(24))
    c.send(header(0xb401, AUTH, 1, 0, 1, 1) + question("bv.example.com", 16)
           + rr("example.com", 6, soa_rdata("example.com")) + opt(ext=1))
    c.send(header(0xb402, 0x8187, 1, 0, 0, 1) + question("bc.example.com", 1) + opt(ext=1, options=ck))
    c.send(header(0xb403, 0x8583, 1, 0, 1, 1) + question("b19.example.org", 1)
           + rr("example.org", 6, soa_rdata("example.org")) + opt(ext=1))
    c.want = {("example.com.", "SOA", "IN", (soa_text("example.com"),), "authority"),
              ("example.org.", "SOA", "IN", (soa_text("example.org"),), "authority")}
    c.fields = {"dns.resp.ext_rcode": ["0x01", "0x01", "0x01"]}


@case
def uri_rr(c):
    """tcpdump tests/dns-uri.pcap: URI records (RFC 7553 4.5: priority,
    weight, then the target to the end of the RDATA, no length octet;
    presentation as a quoted string)."""
    c.send(header(0xb501, ANSWER, 1, 2, 0, 0) + question("_http._tcp.example.com", 256)
           + rr(PTR_Q, 256, struct.pack("!HH", 10, 1) + b"http://www.example.com/path")
           + rr(PTR_Q, 256, struct.pack("!HH", 20, 5) + b"ftp://ftp.example.com/"))
    c.want = {("_http._tcp.example.com.", "URI", "IN",
               ('10 1 "http://www.example.com/path"', '20 5 "ftp://ftp.example.com/"'), "answer")}


@case
def bad_label_types(c):
    """tcpdump tests/dns-badlabel.pcap (<BAD LABEL TYPE>): an owner whose
    first label is of type 0x41 (RFC 2673 bit-string, Historic per RFC 6891
    5), and a message whose second answer's owner has a label of type 0x80
    (reserved, RFC 1035 4.1.4).  Neither is a name lookback can read: both
    messages go (dns_bad_label), the first answer of the second with them,
    as for any malformed message.  tshark reads the bit-string label (as
    "\\[xff/8]", and the rest of the name wrongly) and the second message up
    to the reserved label, then Malformed."""
    c.send(header(0xb601, ANSWER, 1, 1, 0, 0) + question("bits.example.com", 1)
           + rr(b"\x41\x08\xff\xc0\x0c", 1, bytes([192, 0, 2, 104])))
    c.send(header(0xb602, ANSWER, 1, 2, 0, 0) + question("res.example.com", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 105])) + rr(b"\x81a\xc0\x0c", 1, bytes([192, 0, 2, 106])))
    c.drops = {"drop.dns_bad_label": 2}
    c.tshark_only = {("\\[xff/8].bits.exa.", 1, 1), ("res.example.com.", 1, 1)}
    c.malformed = True


def long_name(last):
    return ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * last])


@case
def name_255_256(c):
    """nDPI dns_exfiltration.pcap and dns-tunnel-*: names built to the limit.
    255 octets in wire form (RFC 1035 2.3.4, RFC 2181 11) is kept; one more
    octet is not a name: that message goes (dns_name_too_long).  tshark shows
    its record, named "<name too long>"."""
    c.send(a_resp(0xb701, long_name(61), 107))
    c.send(a_resp(0xb702, long_name(62), 108))
    c.want = {a_want(long_name(61), 107)}
    c.drops = {"drop.dns_name_too_long": 1}
    c.tshark_only = {("<name too long>.", 1, 1)}


@case
def tunnel_rr_types(c):
    """nDPI dns2tcp_tunnel.pcap, dnsteal.pcap, iodine-style tunnels: the
    record types tunnels carry data in.  A KEY (dns2tcp; RFC 2535 3.1 /
    RFC 4034 2.2 form), a NULL (RFC 1035 3.3.10: any octets, RFC 3597 form)
    and a private-use type 65399 (RFC 6895 3.1; iodine's PRIVATE), and a
    CNAME whose target holds octets above 0x7f (base128 data in labels, RFC
    2181 11)."""
    key = struct.pack("!HBB", 0x0100, 3, 5) + noise(20, 21)
    null = noise(30, 23)
    priv = noise(12, 29)
    tgt = b"\x05\xbc\xe1\xfd\x80\x7f" + name("t.example.net")
    c.send(header(0xb801, ANSWER, 1, 1, 0, 0) + question("k.tun.example.com", 25) + rr(PTR_Q, 25, key))
    c.send(header(0xb802, ANSWER, 1, 1, 0, 0) + question("n.tun.example.com", 10) + rr(PTR_Q, 10, null))
    c.send(header(0xb803, ANSWER, 1, 1, 0, 0) + question("p.tun.example.com", 65399)
           + rr(PTR_Q, 65399, priv))
    c.send(header(0xb804, ANSWER, 1, 1, 0, 0) + question("c.tun.example.com", 5) + rr(PTR_Q, 5, tgt))
    key_text = "256 3 5 " + base64.b64encode(key[4:]).decode()
    c.want = {("k.tun.example.com.", "KEY", "IN", (key_text,), "answer"),
              ("n.tun.example.com.", "NULL", "IN", ("\\# 30 " + null.hex().upper(),), "answer"),
              ("p.tun.example.com.", 65399, "IN", ("\\# 12 " + priv.hex().upper(),), "answer"),
              ("c.tun.example.com.", "CNAME", "IN", ("\\188\\225\\253\\128\\127.t.example.net.",), "answer")}


@case
def udp_retransmissions(c):
    """nDPI dns_retransmissions.pcap, suricata-verify
    dns/dns-udp-double-request-response: a query sent three times, its
    response twice, then a second exchange on the same ports.  One RRset per
    answer: the repeats add nothing."""
    q = header(0xb901, 0x0100, 1, 0, 0, 0) + question("rt.example.com", 1)
    for _ in range(3):
        c.send(q, sport=40000 + c.idx, dport=53)
    for _ in range(2):
        c.send(a_resp(0xb901, "rt.example.com", 109))
    c.send(a_resp(0xb902, "rt2.example.com", 110))
    c.want = {a_want("rt.example.com", 109), a_want("rt2.example.com", 110)}


@case
def chaos_txt(c):
    """A CHAOS-class answer (RFC 1035 3.2.4 class CH; version.bind, id.server
    of RFC 4892) besides the IN ones: kept with its class."""
    c.send(header(0xba01, AUTH, 1, 1, 0, 0) + question("version.bind", 16, 3)
           + rr(PTR_Q, 16, b"\x069.18.0", rclass=3))
    c.want = {("version.bind.", "TXT", "CH", ('"9.18.0"',), "answer")}


@case
def ipv6_hbh_srh(c):
    """tcpdump tests/ipv6-routing-header.pcap and ipv6-srh-ext-header.pcap:
    IPv6 with a hop-by-hop header (PadN) and a segment routing header
    (RFC 8754 2: routing type 4, Segments Left 0, so the destination is the
    last segment) before UDP (RFC 8200 4.1 order); then one with a type 0
    routing header (deprecated by RFC 5095, still walked as an extension
    header of known length)."""
    src = bytes.fromhex("20010db8000000000000000000000035")
    dst = bytes.fromhex("20010db80000000000000000000000%02x" % c.idx)
    mid = bytes.fromhex("20010db8ffff00000000000000000001")
    for k, rtype in enumerate((4, 0)):
        wire = a_resp(0xbb01 + k, "rh%d.example.com" % rtype, 111 + k)
        u = udp_dgram(src, dst, 53, 40000 + c.idx, wire)
        hbh = bytes([43, 0, 1, 4, 0, 0, 0, 0])
        if rtype == 4:
            rh = bytes([17, 4, 4, 0, 1, 0, 0, 0]) + dst + mid
        else:
            rh = bytes([17, 4, 0, 0, 0, 0, 0, 0]) + mid + dst
        c.send_ip(ip6(src, dst, 0, hbh + rh + u), ipver=6)
    c.want = {a_want("rh4.example.com", 111), a_want("rh0.example.com", 112)}


@case
def dso_keepalive_tcp(c):
    """DNS Stateful Operations (RFC 8490) on a DNS over TCP connection: a
    Keepalive request and response (opcode 6, all counts zero, a TLV after
    the header: 5.4, 7.1), then an ordinary query and response.  The DSO
    messages hold no RRs; framing goes on past them and the answer is
    kept."""
    tlv = struct.pack("!HHII", 1, 8, 15000, 3600000)
    t = TcpFlow(c)
    t.data(0, framed(header(0xbc01, 0x3000, 0, 0, 0, 0) + tlv))
    t.data(1, framed(header(0xbc01, 0xB000, 0, 0, 0, 0) + tlv))
    t.data(0, framed(header(0xbc02, 0x0100, 1, 0, 0, 0) + question("dso.example.com", 1)))
    t.data(1, framed(a_resp(0xbc02, "dso.example.com", 113)))
    t.close()
    c.want = {a_want("dso.example.com", 113)}


@case
def dso_midstream(c):
    """The same connection captured mid-stream: its first segment holds the
    DSO Keepalive response and the next response together (RFC 7766 6.2.1.1
    lets a server pack them).  A DSO message is its header and TLVs, all
    counts zero (RFC 8490 5.4); read as the first data of a stream seen
    without its SYN, it is a message boundary, and the answer behind it is
    kept."""
    tlv = struct.pack("!HHII", 1, 8, 15000, 3600000)
    t = TcpFlow(c, handshake=False)
    t.data(1, framed(header(0xbd01, 0xB000, 0, 0, 0, 0) + tlv)
           + framed(a_resp(0xbd02, "dsomid.example.com", 114)))
    c.want = {a_want("dsomid.example.com", 114)}


# ---- running ----

def write_pcap(path, frames):
    """frames = [(ts, captured bytes, length on the wire)]"""
    with open(path, "wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for ts, f, wire in frames:
            sec = int(ts)
            fh.write(struct.pack("<IIII", sec, int(round((ts - sec) * 1e6)), len(f), wire) + f)


def jsonl_rows(out):
    """lookback's --jsonl output as (RRsets, negatives), each a set of tuples."""
    rows, negs = set(), set()
    for line in out.decode("utf-8", errors="replace").splitlines():
        o = json.loads(line)
        if o.get("negative"):
            negs.add((o["qname"], o["qtype"], o["rcode"]))
        else:
            rows.add((o["rrname"], o["rrtype"], o["class"], tuple(sorted(o["rdata"])), o["section"]))
    return rows, negs


def lookback_case(lookback, path, ports=""):
    p = subprocess.run([lookback, "capture", "-q", "-r", path, "--jsonl", "--stats", "--mdns",
                        "--llmnr"]
                       + (["--ports", "53," + ports] if ports else []),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError("lookback exited %d: %s" % (p.returncode, p.stderr.decode()[-300:]))
    rows, negs = jsonl_rows(p.stdout)
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
    rows, negs, stats = lookback_case(lookback, path, c.ports)
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
    o_rows, _ = tc.lookback_rows(lookback, path, c.ports)
    for r, v in o_rows.values():
        o_rrs |= {(nm, tc.IANA.get(tp, tp), cl) for nm, tp, cl in r}
        o_vals |= v
    if t_rrs - o_rrs != c.tshark_only or o_rrs - t_rrs != c.lookback_only:
        problems.append("tshark-only records %s (listed %s), lookback-only %s (listed %s)" % (
            sorted(t_rrs - o_rrs), sorted(c.tshark_only), sorted(o_rrs - t_rrs), sorted(c.lookback_only)))
    if c.value_diff is not None:
        if t_vals - o_vals != c.value_diff[0] or {t for t, _ in o_vals - t_vals} != c.value_diff[1]:
            problems.append("values: tshark-only %s, lookback-only types %s, listed %s" % (
                sorted(t_vals - o_vals)[:3], sorted({t for t, _ in o_vals - t_vals}), c.value_diff))
    elif (o_vals - t_vals and not c.lookback_only) or (t_vals - o_vals and not c.tshark_only):
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


def main(case_fns=None):
    """Runs `case_fns` (this file's CASES unless given: upstream_tshark3.py
    and upstream_tshark5.py pass their own)."""
    lookback = os.environ["LOOKBACK"]
    cases = []
    for idx, fn in enumerate(CASES if case_fns is None else case_fns):
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
        decode_as = []
        for port in sorted({pt for c in cases for pt in c.ports.split(",") if pt}):
            decode_as += ["-d", "udp.port==%s,dns" % port, "-d", "tcp.port==%s,dns" % port]
        raw = tc.tshark_out(["-T", "json"] + decode_as, allpath).decode("utf-8", errors="replace")
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
