#!/usr/bin/python3
"""Part 5 of upstream_tshark.py: DNS traffic modelled on the test captures
of Arkime (tests/pcap), DNS-OARC's dnscap and dnsjit (src/test),
dmachard/go-dnscollector (tests/testsdata/pcap), gopassivedns (data/),
dns-stats/compactor (test-scripts) and Zeek's traces outside Traces/dns
(Traces/tunnels, Traces/*.trace), which parts 1 to 4 did not survey.

The same three checks as upstream_tshark.py (its docstring says what they
are), the same builders and the same runner.  Most cases here are about
what carries the message (VLAN stacks, tunnels, IPv6 extension headers,
link trailers, ICMP, TCP segmentation) rather than the message itself, so
a case may hand over whole Ethernet frames (send_frame).  Each case names
the upstream capture it rebuilds and says, by the RFCs, what a correct
decoder makes of it and where tshark differs.  Prints TAP.
UPSTREAM_KEEP=DIR keeps the pcaps.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import upstream_tshark as ut  # noqa: E402
from upstream_tshark import (ANSWER, AUTH, PTR_Q, TcpFlow, a_resp, a_want, framed,  # noqa: E402
                             header, name, question, rr, soa_rdata)
from reasm_lib import csum, l4_csum, ip4, ip6, udp_dgram, tcp_seg, SYN, PSH, ACK  # noqa: E402

CASES = []
MACS = b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb"


def case(fn):
    CASES.append(fn)
    return fn


def send_frame(c, frame):
    """A whole link-layer frame of the case's own making (tags, trailers)."""
    c.msgs.append((frame, "frame", None, 0, False))


_frames = ut.Case.frames


def frames(self):
    """ut.Case.frames, with send_frame()'s frames passed through as they are
    (less the case's `cut`)."""
    if not any(sp == "frame" for _, sp, _, _, _ in self.msgs):
        return _frames(self)
    out = []
    for k, (wire, sport, dport, ipver, mc) in enumerate(self.msgs):
        if sport == "frame":
            f = wire
        else:
            saved, cut = self.msgs, self.cut
            self.msgs, self.cut = [(wire, sport, dport, ipver, mc)], 0
            f = _frames(self)[0][1]
            self.msgs, self.cut = saved, cut
        out.append((ut.T0 + 10 * self.idx + k * 0.001, f[:len(f) - self.cut], len(f)))
    return out


ut.Case.frames = frames


def v6(last, net=0x35):
    return bytes.fromhex("20010db8%04x00000000000000000000" % net)[:15] + bytes([last])


# ---- cases ----

@case
def icmp_errors_without_quote(c):
    """DNS-OARC dnscap src/test/icmp.pcap (gen_icmp.py; icmp.gold lists the
    two packets with no DNS): an ICMPv6 destination unreachable and an ICMP
    destination unreachable that quote nothing (RFC 4443 3.1 and RFC 792
    want as much of the invoking packet as fits; a packet that has none is
    no DNS), between two responses.  Nothing is read from the errors
    (lookback counts them not_udp_tcp, as it does ICMP that is no error);
    the responses around them are kept.  tshark flags the ICMPv6 one
    Malformed."""
    srv, cli = c.addrs()
    c.send(a_resp(0xd001, "icmp1.example.com", 1))
    m = struct.pack("!BBHI", 1, 0, 0, 0)
    s6, d6 = v6(1), v6(2)
    m = m[:2] + struct.pack("!H", l4_csum(s6, d6, 58, m)) + m[4:]
    c.send_ip(ip6(s6, d6, 58, m), ipver=6)
    m = struct.pack("!BBHI", 3, 1, 0, 0)
    m = m[:2] + struct.pack("!H", csum(m)) + m[4:]
    c.send_ip(ip4(cli, bytes(4), 1, m))
    c.send(a_resp(0xd002, "icmp2.example.com", 2))
    c.want = {a_want("icmp1.example.com", 1), a_want("icmp2.example.com", 2)}
    c.drops = {"drop.not_udp_tcp": 2}
    c.malformed = True  # tshark: an ICMPv6 error must quote an IPv6 header


@case
def ipv6_ethernet_trailer(c):
    """DNS-OARC dnscap src/test/ipv6-with-ethernet-padding.pcap (ether_padd.gold:
    a root NS query over IPv6 with octets after the packet) and dnsjit
    src/test/ip6-udp-padd.pcap and ip6-tcp-padd.pcap: IPv6 frames with a
    trailer after the packet (an FCS a capture kept, a switch's padding).
    The Payload Length says where the packet ends (RFC 8200 3); the
    trailer is neither UDP payload nor TCP stream.  A UDP response, then a
    DNS over TCP response split over two segments each followed by four
    trailer octets: read without the trailers, the second segment completes
    the message (RFC 7766 8); read with them it would not."""
    s6, d6 = v6(0x53), v6(c.idx, 0x66)
    trail = b"\xde\xad\xbe\xef"
    w1 = a_resp(0xd101, "pad6udp.example.com", 3)
    send_frame(c, MACS + b"\x86\xdd" + ip6(s6, d6, 17, udp_dgram(s6, d6, 53, 40000 + c.idx, w1)) + trail)
    w2 = framed(a_resp(0xd102, "pad6tcp.example.com", 4))
    seq = 5000
    for part in (w2[:20], w2[20:]):
        seg = tcp_seg(s6, d6, 53, 40000 + c.idx, seq, 1000, PSH | ACK, part)
        send_frame(c, MACS + b"\x86\xdd" + ip6(s6, d6, 6, seg) + trail)
        seq += len(part)
    c.want = {a_want("pad6udp.example.com", 3), a_want("pad6tcp.example.com", 4)}


def pptp_gre(inner):
    """PPTP's enhanced GRE (RFC 2637 4.1), a sequence number, PPP with its
    HDLC address and control, protocol IPv4 (0x0021)."""
    ppp = b"\xff\x03\x00\x21" + inner
    return struct.pack("!HHHHI", 0x3001, 0x880B, len(ppp), 0x0101, 1) + ppp


@case
def nxdomain_root_soa_in_tunnels(c):
    """Arkime tests/pcap/6-4-gre-ppp-udp-4-dns.pcap (its .test: VLAN 100, two
    outer IPv4 pairs, GRE, PPP, then an AAAA query for a one-label name
    answered NXDOMAIN with the root's SOA) and dns-error.pcap (NXDOMAIN, AA,
    the root's SOA): an 802.1Q frame, IPv4 in IPv4 (RFC 2003), PPTP's GRE
    with PPP (RFC 2637), then the response.  The negative answer is for the
    question (RFC 2308 2.1: the SOA's owner is the zone that denies the
    name, here the root) and the SOA is kept as an authority record."""
    srv, cli = c.addrs()
    o1, o2, o3, o4 = (bytes([203, 0, 113, x]) for x in (1, 2, 3, 4))
    w = (header(0xd201, 0x8183, 1, 0, 1, 0) + question("xqt-detect-label", 28)
         + rr(".", 6, soa_rdata("root-servers.net").replace(name("ns1.root-servers.net"),
                                                           name("a.root-servers.net")), ttl=757))
    inner = ip4(srv, cli, 17, udp_dgram(srv, cli, 53, 40000 + c.idx, w))
    pkt = ip4(o1, o2, 4, ip4(o3, o4, 47, pptp_gre(inner)))
    send_frame(c, MACS + b"\x81\x00" + struct.pack("!H", 100) + b"\x08\x00" + pkt)
    c.want = {(".", "SOA", "IN", ("a.root-servers.net. hostmaster.root-servers.net. "
                                  "2024010101 7200 3600 1209600 300",), "authority")}
    c.negs = {("xqt-detect-label.", "AAAA", "NXDOMAIN")}


@case
def cd_flag_qinq(c):
    """Arkime tests/pcap/dns-flags0110.pcap (its .test: VLAN 500, header flags
    CD RA RD, three A records) and Zeek Traces/q-in-q.trace (an 802.1ad
    service tag over an 802.1Q customer tag, IEEE 802.1Q-2018 6.9): a
    response with CD set (RFC 4035 3.2.2: CD is the resolver's business,
    the records are ordinary answers) in a double-tagged frame."""
    srv, cli = c.addrs()
    w = (header(0xd301, 0x8190, 1, 3, 0, 0) + question("start.example.com", 1)
         + b"".join(rr(PTR_Q, 1, bytes([192, 0, 2, 10 + k]), ttl=491) for k in range(3)))
    ip = ip4(srv, cli, 17, udp_dgram(srv, cli, 53, 40000 + c.idx, w))
    send_frame(c, MACS + b"\x88\xa8" + struct.pack("!H", 100) + b"\x81\x00" + struct.pack("!H", 500)
               + b"\x08\x00" + ip)
    c.want = {("start.example.com.", "A", "IN", ("192.0.2.10", "192.0.2.11", "192.0.2.12"), "answer")}
    c.fields = {"ieee8021ad.id": ["100"], "vlan.id": ["500"], "dns.flags.checkdisable": ["1"]}


def mpls(label, bos, inner):
    return struct.pack("!I", (label << 12) | (bos << 8) | 64) + inner


@case
def mpls_nested_ipv6_bad_inner_version(c):
    """Zeek Traces/tunnels/mpls-6in6-6in6-4in6-invalid-version-4.pcap and
    mpls-6in6-6in6-invalid-version-6.pcap, and 6in6in6.pcap: MPLS (RFC 3032)
    over Ethernet, IPv6 in IPv6 in IPv6 (RFC 2473) carrying a response,
    kept; then the same nesting whose innermost packet, announced as IPv4
    (next header 4, RFC 2003), has version 6 in its first octet, and one
    announced as IPv6 (41) with version 4.  RFC 791 3.1 and RFC 8200 3:
    the version field is the packet's format; a packet whose version does
    not match what carries it is not that packet, and nothing is read from
    it (lookback: ip_bad_header).  tshark reads no DNS from either: it
    decodes the IPv4-announced one by its version nibble, as IPv6, and
    flags it Malformed (a bogus payload length), and leaves the other
    undecoded."""
    srv, cli = c.addrs()
    a, b = v6(1), v6(2)
    w = a_resp(0xd401, "mpls6.example.com", 5)
    inner6 = ip6(v6(3), v6(4), 17, udp_dgram(v6(3), v6(4), 53, 40000 + c.idx, w))
    send_frame(c, MACS + b"\x88\x47" + mpls(16, 1, ip6(a, b, 41, ip6(a, b, 41, inner6))))
    w2 = a_resp(0xd402, "bad4.example.com", 6)
    bad4 = bytearray(ip4(srv, cli, 17, udp_dgram(srv, cli, 53, 40000 + c.idx, w2)))
    bad4[0] = 0x65
    send_frame(c, MACS + b"\x88\x47" + mpls(16, 1, ip6(a, b, 41, ip6(a, b, 4, bytes(bad4)))))
    w3 = a_resp(0xd403, "bad6.example.com", 7)
    bad6 = bytearray(ip6(v6(3), v6(4), 17, udp_dgram(v6(3), v6(4), 53, 40000 + c.idx, w3)))
    bad6[0] = 0x40 | (bad6[0] & 0x0f)
    send_frame(c, MACS + b"\x88\x47" + mpls(16, 1, ip6(a, b, 41, ip6(a, b, 41, bytes(bad6)))))
    c.want = {a_want("mpls6.example.com", 5)}
    c.drops = {"drop.ip_bad_header": 2}
    c.malformed = True


def vxlan(inner_frame):
    """VXLAN (RFC 7348 5): flags with I set, VNI, then an Ethernet frame."""
    return struct.pack("!II", 0x08000000, 0x000abc00) + inner_frame


def geneve_eth(inner_frame):
    """Geneve (RFC 8926 3.4): version 0, no options, protocol 0x6558 (Ethernet)."""
    return struct.pack("!BBHI", 0, 0, 0x6558, 0x00123400) + inner_frame


@case
def geneve_vxlan_cut(c):
    """Zeek Traces/tunnels/geneve-vxlan-dns-truncated.pcap: DNS in VXLAN
    (UDP 4789) in Geneve (UDP 6081), the frame cut by the snapshot length
    inside the answer section.  The cut is the capture's, not the
    message's: read through both tunnels, the response is decoded as
    upstream_tshark.py's snaplen_cut is (the RRset before the cut kept, the
    one the cut falls in marked truncated and not stored, RFC 2181 9)."""
    srv, cli = c.addrs()
    o1, o2, o3, o4 = (bytes([203, 0, 113, x]) for x in (5, 6, 7, 8))
    w = (header(0xd501, AUTH, 1, 3, 0, 0) + question("vxcut.example.com", 1)
         + rr(PTR_Q, 5, name("edge.example.net"))
         + rr("edge.example.net", 1, bytes([192, 0, 2, 66]))
         + rr("edge.example.net", 1, bytes([192, 0, 2, 67])))
    inner = MACS + b"\x08\x00" + ip4(srv, cli, 17, udp_dgram(srv, cli, 53, 40000 + c.idx, w))
    mid = MACS + b"\x08\x00" + ip4(o3, o4, 17, udp_dgram(o3, o4, 50001, 4789, vxlan(inner)))
    outer = MACS + b"\x08\x00" + ip4(o1, o2, 17, udp_dgram(o1, o2, 50002, 6081, geneve_eth(mid)))
    send_frame(c, outer)
    c.cut = 8
    c.want = {("vxcut.example.com.", "CNAME", "IN", ("edge.example.net.",), "answer"),
              ("edge.example.net.", "A", "IN", ("192.0.2.66",), "answer")}
    c.drops = {"drop.dns_truncated": 1, "dns_partial": 1}
    c.fields = {"dns.a": ["192.0.2.66"]}


@case
def gre_within_gre(c):
    """Zeek Traces/tunnels/gre-within-gre.pcap: GRE (RFC 2784) carrying IPv4
    that carries GRE again, transparent Ethernet bridging inside (protocol
    0x6558), then a response; and GRE with a key and a sequence number
    (RFC 2890) carrying IPv6.  Both responses are kept."""
    srv, cli = c.addrs()
    o1, o2, o3, o4 = (bytes([203, 0, 113, x]) for x in (9, 10, 11, 12))
    w = a_resp(0xd601, "gre2.example.com", 8)
    inner = MACS + b"\x08\x00" + ip4(srv, cli, 17, udp_dgram(srv, cli, 53, 40000 + c.idx, w))
    g2 = struct.pack("!HH", 0, 0x6558) + inner
    g1 = struct.pack("!HH", 0, 0x0800) + ip4(o3, o4, 47, g2)
    send_frame(c, MACS + b"\x08\x00" + ip4(o1, o2, 47, g1))
    w2 = a_resp(0xd602, "gre6.example.com", 9)
    s6, d6 = v6(0x53), v6(c.idx, 0x66)
    g3 = struct.pack("!HHII", 0x3000, 0x86DD, 77, 1) + ip6(s6, d6, 17, udp_dgram(s6, d6, 53, 40000, w2))
    send_frame(c, MACS + b"\x08\x00" + ip4(o1, o2, 47, g3))
    c.want = {a_want("gre2.example.com", 8), a_want("gre6.example.com", 9)}


@case
def ipv6_ah_zero_length(c):
    """Zeek Traces/ipv6_zero_len_ah.trace: an IPv6 packet whose AH (RFC 4302)
    says Payload Len 0.  2.2: the field is AH's length in 32-bit words
    minus 2, and AH's fixed part (next header, length, reserved, SPI,
    sequence number) is 3 words, so no AH is shorter than a value of 1; a
    0 leaves nothing to find the upper layer by: lookback counts the
    packet ip_bad_header (it used to read on 8 octets in, taking the
    sequence number for UDP ports); tshark reads UDP from port 0 to port 1
    there, no DNS either.  Then a well-formed AH (length 4: 12 octets and a
    12-octet ICV, HMAC-SHA-1-96) before a response, which is kept."""
    s6, d6 = v6(0x53), v6(c.idx, 0x66)
    w = a_resp(0xd701, "ah0.example.com", 10)
    u = udp_dgram(s6, d6, 53, 40000 + c.idx, w)
    ah0 = struct.pack("!BBHII", 17, 0, 0, 0x100, 1)
    send_frame(c, MACS + b"\x86\xdd" + ip6(s6, d6, 51, ah0 + u))
    w2 = a_resp(0xd702, "ah4.example.com", 11)
    u2 = udp_dgram(s6, d6, 53, 40000 + c.idx, w2)
    ah4 = struct.pack("!BBHII", 17, 4, 0, 0x100, 2) + bytes(range(12))
    send_frame(c, MACS + b"\x86\xdd" + ip6(s6, d6, 51, ah4 + u2))
    c.want = {a_want("ah4.example.com", 11)}
    c.drops = {"drop.ip_bad_header": 1}


def gtpu(inner):
    """A GTP-U G-PDU (3GPP TS 29.281 5.1): version 1, PT 1, no optional
    fields, message type 255, length, TEID."""
    return struct.pack("!BBHI", 0x30, 0xFF, len(inner), 0x00c0ffee) + inner


@case
def gtpu_outer_fragments(c):
    """Zeek Traces/tunnels/gtp/gtp1_gn_normal_incl_fragmentation.pcap and
    gtp7_ipv6.pcap: GTP-U (UDP 2152) whose outer IPv4 datagram is sent in
    two fragments (RFC 791 3.2: reassembled before UDP is read), carrying
    an IPv4 DNS response; and one carrying IPv6.  Both responses are
    kept."""
    srv, cli = c.addrs()
    o1, o2 = bytes([203, 0, 113, 13]), bytes([203, 0, 113, 14])
    w = a_resp(0xd801, "gtpfrag.example.com", 12)
    inner = ip4(srv, cli, 17, udp_dgram(srv, cli, 53, 40000 + c.idx, w))
    u = udp_dgram(o1, o2, 2152, 2152, gtpu(inner))
    cut = 48  # a multiple of 8 (RFC 791 3.1: the offset counts 8-octet blocks)
    c.send_ip(ip4(o1, o2, 17, u[:cut], ident=0x4242, frag=0x2000))
    c.send_ip(ip4(o1, o2, 17, u[cut:], ident=0x4242, frag=cut // 8))
    w2 = a_resp(0xd802, "gtp6.example.com", 13)
    s6, d6 = v6(0x53), v6(c.idx, 0x66)
    inner6 = ip6(s6, d6, 17, udp_dgram(s6, d6, 53, 40000 + c.idx, w2))
    c.send_ip(ip4(o1, o2, 17, udp_dgram(o1, o2, 2152, 2152, gtpu(inner6))))
    c.want = {a_want("gtpfrag.example.com", 12), a_want("gtp6.example.com", 13)}


@case
def tagged_frames_in_tunnels(c):
    """Zeek Traces/tunnels/geneve-tagged-udp-packet.pcap and
    gre-erspan3-dot1q.pcap: a Geneve-carried Ethernet frame with an 802.1Q
    tag (RFC 8926 3.4: the payload is the whole frame, tags included), and
    an ERSPAN type III (GRE protocol 0x22EB, draft-foschiano-erspan 3.3:
    12-octet header, no platform subheader) mirrored frame with an 802.1Q
    tag.  Both responses are kept."""
    srv, cli = c.addrs()
    o1, o2 = bytes([203, 0, 113, 15]), bytes([203, 0, 113, 16])
    tagged = []
    for k in range(2):
        w = a_resp(0xd901 + k, "tag%d.example.com" % k, 14 + k)
        ip = ip4(srv, cli, 17, udp_dgram(srv, cli, 53, 40000 + c.idx, w))
        tagged.append(MACS + b"\x81\x00" + struct.pack("!H", 30 + k) + b"\x08\x00" + ip)
    send_frame(c, MACS + b"\x08\x00" + ip4(o1, o2, 17, udp_dgram(o1, o2, 50003, 6081, geneve_eth(tagged[0]))))
    erspan3 = struct.pack("!HHIHH", 0x2000, 0x0042, 0x12345678, 0, 0) + tagged[1]
    gre = struct.pack("!HHI", 0x1000, 0x22EB, 5) + erspan3
    send_frame(c, MACS + b"\x08\x00" + ip4(o1, o2, 47, gre))
    c.want = {a_want("tag0.example.com", 14), a_want("tag1.example.com", 15)}


@case
def lookups_own_tcp_connections(c):
    """gopassivedns data/100_tcp_lookups.pcap, ns.pcap and mx.pcap (main_test.go:
    four NS answers for a zone, five MX), go-dnscollector
    tests/testsdata/pcap/dnsdump_udp+tcp.pcap: the NS lookup over UDP, then
    the MX lookup and an A lookup each over a TCP connection of its own
    (handshake, framed query and response, RFC 7766 6.2.1: one exchange
    and close), the MX exchanges compressed against the question (RFC 1035
    4.1.4).  Every RRset is kept, once."""
    zone = "tcplook.example"
    ns = header(0xda01, ANSWER, 1, 4, 0, 0) + question(zone, 2)
    for k in range(4):
        ns += rr(PTR_Q, 2, name("ns%d.%s" % (k + 1, zone)), ttl=21581)
    c.send(ns)
    mx = header(0xda02, ANSWER, 1, 5, 0, 0) + question(zone, 15)
    for k in range(5):
        mx += rr(PTR_Q, 15, struct.pack("!H", 10 * (k + 1)) + bytes([4]) + b"alt%d" % k + PTR_Q, ttl=567)
    for k, (q, resp) in enumerate(((header(0xda02, 0x0100, 1, 0, 0, 0) + question(zone, 15), mx),
                                   (header(0xda03, 0x0100, 1, 0, 0, 0) + question("www." + zone, 1),
                                    a_resp(0xda03, "www." + zone, 16)))):
        t = TcpFlow(c, handshake=False)  # a new client port and new ISNs each time
        t.cport, t.seq = 40000 + c.idx + 1000 * k, [1000 + 7919 * k, 5000 + 104729 * k]
        t.pkt(0, SYN, adv=1)
        t.pkt(1, SYN | ACK, adv=1)
        t.data(0, framed(q))
        t.data(1, framed(resp))
        t.close()
    c.want = {(zone + ".", "NS", "IN", tuple("ns%d.%s." % (k + 1, zone) for k in range(4)), "answer"),
              (zone + ".", "MX", "IN", tuple("%d alt%d.%s." % (10 * (k + 1), k, zone) for k in range(5)),
               "answer"),
              a_want("www." + zone, 16)}


if __name__ == "__main__":
    sys.exit(ut.main(CASES))
