"""Builders for reasm_tshark.py's cases: checksums and headers, the DNS
messages (dnspython), a case's frames on its own addresses, TCP connections
and IP fragments, and the link layers besides Ethernet a case can be framed in.
"""
import struct

import tshark_compare as tc

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

T0 = 1700000000

# ---- the cases: each registers itself (reasm_tshark.py runs them) ----

CASES = []


def case(ipver=4):
    def reg(fn):
        CASES.append((fn, ipver))
        return fn
    return reg


# ---- checksums and headers ----

def csum(b):
    if len(b) & 1:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def l4_csum(src, dst, proto, seg):
    if len(src) == 4:
        ph = src + dst + struct.pack("!BBH", 0, proto, len(seg))
    else:
        ph = src + dst + struct.pack("!IxxxB", len(seg), proto)
    c = csum(ph + seg)
    return c if c else 0xFFFF


def ip4(src, dst, proto, payload, ident=0, frag=0, total=None):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total if total is not None else 20 + len(payload),
                      ident, frag, 64, proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ip6(src, dst, nh, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, 64, src, dst) + payload


def eth(ipver, ip):
    return b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb" + (
        b"\x08\x00" if ipver == 4 else b"\x86\xdd") + ip


def tcp_seg(src, dst, sport, dport, seq, ack, flags, data):
    h = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4,
                    flags, 65535, 0, 0) + data
    c = l4_csum(src, dst, 6, h)
    return h[:16] + struct.pack("!H", c) + h[18:]


def udp_dgram(src, dst, sport, dport, data):
    h = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = l4_csum(src, dst, 17, h)
    return h[:6] + struct.pack("!H", c) + h[8:]


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


# ---- DNS messages ----

def response(name, kind, ident):
    """A response to a query for `name`: kind a, aaaa, cname, mx, txt, nx, big."""
    qtype = {"a": "A", "aaaa": "AAAA", "cname": "A", "mx": "MX", "txt": "TXT",
             "nx": "A", "big": "TXT", "huge": "TXT", "axfr": "AXFR"}[kind]
    q = dns.message.make_query(name, qtype)
    q.id = ident
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    zone = name.split(".", 1)[1]
    if kind == "a":
        r.answer.append(dns.rrset.from_text(name, 300, "IN", "A", "192.0.2.1", "192.0.2.2"))
    elif kind == "aaaa":
        r.answer.append(dns.rrset.from_text(name, 300, "IN", "AAAA", "2001:db8::1"))
    elif kind == "cname":
        r.answer.append(dns.rrset.from_text(name, 300, "IN", "CNAME", "t." + name))
        r.answer.append(dns.rrset.from_text("t." + name, 300, "IN", "A", "198.51.100.9"))
    elif kind == "mx":
        r.answer.append(dns.rrset.from_text(name, 300, "IN", "MX", "10 mx1." + zone, "20 mx2." + zone))
        r.additional.append(dns.rrset.from_text("mx1." + zone, 300, "IN", "A", "192.0.2.25"))
    elif kind == "txt":
        r.answer.append(dns.rrset.from_text(name, 300, "IN", "TXT", '"v=spf1 -all"', '"hello world"'))
    elif kind == "big":  # about 1200 bytes: several segments or fragments
        r.answer.append(dns.rrset.from_text(name, 300, "IN", "TXT", *[
            '"%s-%02d-%s"' % (name[:8], i, "x" * 90) for i in range(12)]))
    elif kind == "huge":  # about 60 KB: a window of segments (a zone transfer's size)
        r.answer.append(dns.rrset.from_text(name, 300, "IN", "TXT", *[
            '"%s-%03d-%s"' % (name[:8], i, "y" * 110) for i in range(480)]))
    elif kind == "axfr":  # a zone transfer's message: 2600 records in 57 KB, whose
        # owners (a label and a pointer to a 40-label name, as in ip6.arpa)
        # are 310 KB uncompressed
        soa = dns.rrset.from_text(name, 3600, "IN", "SOA", "ns1.%s h.%s 1 7200 3600 1209600 300" % (name, name))
        r.answer.append(soa)
        deep = "0." * 40 + name
        for i in range(2600):
            r.answer.append(dns.rrset.from_text("h%04d.%s" % (i, deep), 300, "IN", "A",
                                                "10.%d.%d.1" % (i >> 8, i & 255)))
        r.answer.append(soa)
    elif kind == "nx":
        r.set_rcode(dns.rcode.NXDOMAIN)
        r.authority.append(dns.rrset.from_text(
            zone, 3600, "IN", "SOA", "ns1.%s hostmaster.%s 2024010101 7200 3600 1209600 300" % (zone, zone)))
    return q, r


def expected(msgs):
    """The rows tshark_compare.py extracts, from the dnspython messages themselves."""
    rrs, vals, negs = set(), set(), set()
    for m in msgs:
        for sec in (m.answer, m.authority, m.additional):
            for rrset in sec:
                t = int(rrset.rdtype)
                rrs.add((tc.norm_name(rrset.name.to_text()), t, int(rrset.rdclass)))
                for rd in rrset:
                    if t in (1, 28):
                        vals.add((dns.rdatatype.to_text(t), rd.to_text().lower()))
                    elif t == 5:
                        vals.add(("CNAME", tc.norm_name(rd.target.to_text())))
                    elif t == 15:
                        vals.add(("MX", tc.norm_name(rd.exchange.to_text())))
                    elif t == 16:
                        for s in rd.strings:
                            vals.add(("TXT", s.decode()))
                    elif t == 6:
                        vals.add(("SOA.mname", tc.norm_name(rd.mname.to_text())))
                        vals.add(("SOA.rname", tc.norm_name(rd.rname.to_text())))
        if m.rcode() == dns.rcode.NXDOMAIN:
            q = m.question[0]
            negs.add((tc.norm_name(q.name.to_text()), int(q.rdtype), 3))
    return rrs, vals, negs


# ---- a case: frames on its own addresses ----

class Case:
    KINDS = ["a", "aaaa", "cname", "mx", "txt", "nx"]

    def __init__(self, idx, name, ipver=4):
        self.idx, self.name, self.ipver = idx, name, ipver
        if ipver == 4:
            self.cli = bytes([198, 51, 100, 10 + idx])
            self.srv = bytes([192, 0, 2, 53])
        else:
            self.cli = bytes.fromhex("20010db8000000000000000000010000") [:14] + struct.pack("!H", idx)
            self.srv = bytes.fromhex("20010db8000000000000000000000053")
        self.frames = []
        self.msgs = []       # every response sent, in order
        self.queries = []
        self.want = None     # indices of self.msgs a correct decoder recovers (None: all)
        self.tshark = None   # (indices tshark recovers, why) when it differs from want
        self.ooo = False     # segments out of order: compare with tshark reordering them
        self.wrap = None     # tunnel: f(ip) -> (outer IP version, outer IP packet)
        self.lt = 1          # link type of the frames (LINK below)
        self.t = 0
        self.skew = 0        # seconds added to the frames' times from here on
        self.spb = set()     # indices of frames written as pcapng simple packet blocks
        self.check = None    # f(lookback's JSONL objects) -> problems, besides the comparison

    def msg(self, kind=None, big=False):
        """A new query/response pair with names of their own; returns the response's index."""
        i = len(self.msgs)
        kind = "big" if big else (kind or self.KINDS[(i + self.idx) % len(self.KINDS)])
        q, r = response("m%d.%s.example." % (i, self.name.replace("_", "-")), kind,
                        0x1000 + 16 * self.idx + i)
        self.queries.append(q.to_wire())
        self.msgs.append(r)
        return i

    def frame(self, ip):
        ver, ip = self.wrap(ip) if self.wrap else (self.ipver, ip)
        self.frames.append((T0 + 100 * self.idx + self.skew + self.t * 0.001, LINK[self.lt](ver, ip)))
        self.t += 1

    def frame_spb(self, ip):
        """A frame written as a pcapng simple packet block: no time (pcapng 4.4)."""
        self.frame(ip)
        self.spb.add(len(self.frames) - 1)

    def ip(self, src, dst, proto, payload, ident=0):
        if self.ipver == 4:
            return ip4(src, dst, proto, payload, ident)
        return ip6(src, dst, proto, payload)


class Tcp:
    """One connection: client port 40000+idx to server port 53.  Each direction's
    stream is its messages with the 2-byte prefix; seg() sends a byte range of it."""

    def __init__(self, case, isn_c=1000, isn_s=5000, cport=None):
        self.c = case
        self.isn = [isn_c, isn_s]
        self.stream = [b"", b""]
        self.cport = cport or 40000 + case.idx

    def add(self, d, wire):
        self.stream[d] += struct.pack("!H", len(wire)) + wire

    def add_pair(self, i):
        """Query i from the client, response i from the server."""
        self.add(0, self.c.queries[i])
        self.add(1, self.c.msgs[i].to_wire())

    def pkt(self, d, seq, flags, data=b""):
        c = self.c
        src, dst = (c.cli, c.srv) if d == 0 else (c.srv, c.cli)
        sport, dport = (self.cport, 53) if d == 0 else (53, self.cport)
        ack = self.isn[1 - d] + 1 if flags & ACK else 0
        c.frame(c.ip(src, dst, 6, tcp_seg(src, dst, sport, dport, seq, ack, flags, data)))

    def handshake(self):
        self.pkt(0, self.isn[0], SYN)
        self.pkt(1, self.isn[1], SYN | ACK)
        self.pkt(0, self.isn[0] + 1, ACK)

    def seg(self, d, lo, hi, flags=PSH | ACK):
        self.pkt(d, self.isn[d] + 1 + lo, flags, self.stream[d][lo:hi])

    def segs(self, d, cuts, flags=PSH | ACK):
        """Send [cuts[0], cuts[1]), [cuts[1], cuts[2]), ... in that order."""
        for lo, hi in zip(cuts, cuts[1:]):
            self.seg(d, lo, hi, flags)

    def fin(self, d):
        self.pkt(d, self.isn[d] + 1 + len(self.stream[d]), FIN | ACK)

    def close(self):
        self.fin(1)
        self.fin(0)

    def query_all(self):
        self.seg(0, 0, len(self.stream[0]))

    def bounds(self, d):
        """Offsets of each message's start in direction d's stream, and its end."""
        out, o = [], 0
        while o < len(self.stream[d]):
            out.append(o)
            o += 2 + struct.unpack("!H", self.stream[d][o:o + 2])[0]
        return out + [o]


def sctp_pkt(sport, dport, chunks):
    """An SCTP packet (RFC 9260 3.1): ports, a verification tag, the checksum
    left 0 (tshark does not verify it by default), the chunks."""
    return struct.pack("!HHII", sport, dport, 0x5C7B0001, 0) + chunks


def sctp_data(payload, tsn, flags=3, idata=False, ppi=0, ssn=None):
    """A DATA chunk (RFC 9260 3.3.1; flags B 2, E 1, U 4: 3 a whole message;
    the stream sequence number the TSN's unless given: a message's fragments
    share it) or an I-DATA chunk (RFC 8260 2.1: a message id, the PPI while
    B is set)."""
    ssn = tsn if ssn is None else ssn
    if idata:
        ch = struct.pack("!BBHIHHII", 64, flags, 20 + len(payload), tsn, 0, 0, ssn, ppi)
    else:
        ch = struct.pack("!BBHIHHI", 0, flags, 16 + len(payload), tsn, 0, ssn & 0xFFFF, ppi)
    ch += payload
    return ch + b"\0" * (-len(ch) % 4)


def sctp_sack(tsn):
    """A SACK chunk: the cumulative TSN, the window, no gaps or duplicates."""
    return struct.pack("!BBHIIHH", 3, 0, 16, tsn, 65535, 0, 0)

def frag4(case, src, dst, proto, payload, pieces, order, ident, dup=()):
    """IPv4 fragments of one datagram: pieces = [(off, len)], sent in `order`
    (indices into pieces); `dup` = indices sent twice (again at the end)."""
    for k in list(order) + list(dup):
        off, ln = pieces[k]
        more = off + ln < len(payload)
        case.frame(ip4(src, dst, proto, payload[off:off + ln], ident,
                       (0x2000 if more else 0) | (off // 8)))


def frag6(case, src, dst, nh, payload, pieces, order, ident, pre=b"", pre_nh=None):
    """IPv6 fragments (fragment header, optionally after extension headers `pre`
    whose first Next Header is pre_nh and whose last points at 44)."""
    for k in order:
        off, ln = pieces[k]
        more = off + ln < len(payload)
        fh = struct.pack("!BBHI", nh, 0, off | (1 if more else 0), ident)
        case.frame(ip6(src, dst, pre_nh if pre else 44, pre + fh + payload[off:off + ln]))


def udp_resp(case, i):
    return udp_dgram(case.srv, case.cli, 53, 41000 + case.idx, case.msgs[i].to_wire())


def udp_query(case, i):
    return udp_dgram(case.cli, case.srv, 41000 + case.idx, 53, case.queries[i])


def cuts8(n, size):
    """Fragment pieces of `size` bytes (a multiple of 8) covering n bytes."""
    return [(o, min(size, n - o)) for o in range(0, n, size)]


# ---- link types besides Ethernet (tshark reads them from one pcapng file) ----

def et(ver):
    return b"\x08\x00" if ver == 4 else b"\x86\xdd"


# an 802.11 QoS data frame's header (26 bytes, from the DS)
WLAN_QOS = b"\x88\x02\x00\x00" + bytes(range(1, 19)) + b"\x10\x00" + b"\x00\x00"

LINK = {
    1: eth,
    # PPP in HDLC-like framing (RFC 1662): address, control, protocol
    50: lambda ver, ip: b"\xff\x03" + (b"\x00\x21" if ver == 4 else b"\x00\x57") + ip,
    # Cisco HDLC: address (unicast), control, an ethertype
    104: lambda ver, ip: b"\x0f\x00" + et(ver) + ip,
    # 802.11 without radiotap: a QoS data frame from the DS, then LLC/SNAP
    105: lambda ver, ip: (b"\x88\x02\x00\x00" + bytes(range(1, 19)) + b"\x10\x00" + b"\x00\x00"
                          + b"\xaa\xaa\x03\x00\x00\x00" + et(ver) + ip),
    # OpenBSD pflog: length 61 (padded to 64), address family (24: OpenBSD's
    # AF_INET6), action, reason, interface name, ...
    117: lambda ver, ip: (bytes([61, 2 if ver == 4 else 24, 0, 0]) + b"em0".ljust(16, b"\0")
                          + bytes(44) + ip),
    # radiotap, its flags saying "data pad": 2 bytes after a QoS data header
    127: lambda ver, ip: (struct.pack("<BBHIB", 0, 0, 9, 2, 0x20) + WLAN_QOS + b"\0\0"
                          + b"\xaa\xaa\x03\x00\x00\x00" + et(ver) + ip),
    # PPI (version 0, flags, length 8, link type 105) around an 802.11 frame
    192: lambda ver, ip: (struct.pack("<BBHI", 0, 0, 8, 105) + WLAN_QOS
                          + b"\xaa\xaa\x03\x00\x00\x00" + et(ver) + ip),
    # AVS version 1 (a 64-byte header, big-endian) around an 802.11 frame
    163: lambda ver, ip: (struct.pack(">II", 0x80211001, 64) + bytes(56) + WLAN_QOS
                          + b"\xaa\xaa\x03\x00\x00\x00" + et(ver) + ip),
    # PPP with a direction byte; PPPoE without Ethernet; ATM RFC 2684 LLC/SNAP
    204: lambda ver, ip: b"\x01\xff\x03" + (b"\x00\x21" if ver == 4 else b"\x00\x57") + ip,
    51: lambda ver, ip: (struct.pack("!BBHH", 0x11, 0, 7, 2 + len(ip))
                         + (b"\x00\x21" if ver == 4 else b"\x00\x57") + ip),
    100: lambda ver, ip: b"\xaa\xaa\x03\x00\x00\x00" + et(ver) + ip,
    # IP over IEEE 1394 (RFC 2734), Apple's header: destination and source
    # EUI-64s, an ethertype
    138: lambda ver, ip: bytes(range(1, 9)) + bytes(range(0x11, 0x19)) + et(ver) + ip,
}
