#!/usr/bin/python3
"""DNS over TCP and over IP fragments: lookback's reassembly against tshark's.
(And the same exchanges inside the UDP tunnels tshark decodes by port,
Geneve, GTP-U, L2TP (v2, and v3 over UDP and over IP), VXLAN-GPE, AYIYA,
TZSP, MPLS in UDP, LISP, CAPWAP data, AMT and jmirror, inside PPTP's enhanced GRE,
EtherIP and MPLS in IP, and over the less common link types: PPP in HDLC-like
framing (with a direction byte too), PPPoE without Ethernet, ATM LLC, Cisco
HDLC, 802.11 without radiotap, behind radiotap with its data pad, PPI or AVS,
OpenBSD pflog, IP over IEEE 1394; responses quoted whole in ICMP and ICMPv6
errors; fragments given up after their timeout; pcapng simple packet blocks;
an OPT record not owned by the root; DNS over SCTP; IXFRs in several TCP
messages; TZSP frames the sniffer cut; the port guess on ports tshark gives
to other dissectors.)  The builders are in reasm_lib.py.

Each case below writes its own small pcap (Ethernet, checksums filled in) of
DNS responses built with dnspython and cut into TCP segments or IP fragments
in some awkward way: the length prefix split, several messages per segment,
reordering, duplicates, overlaps, holes, wraparound, no SYN, messages
packed into full-size segments (no segment starting on a boundary), RST, 1-byte
segments, fragments in any order, IPv6 fragment headers, fragmented TCP.
Every message of a case has its own names, so which messages came out is
told by the names in the output.

Three things are compared per case, over the whole case (a reassembled
message is reported at the frame that completes it, and which frame that is
differs between the two decoders and is not what is tested):
  - lookback's RRsets (owner, type, class; values of A AAAA CNAME MX TXT SOA)
    and negative answers (qname, qtype, rcode) with the ones of the messages
    the case says a correct decoder recovers (`want`: by RFC 9293 for TCP,
    RFC 791 / RFC 8200 / RFC 5722 for fragments, RFC 1035 4.2.2 / RFC 7766 for
    the framing, or lookback's documented policy where the RFCs leave it open);
  - tshark's, extracted as tshark_compare.py does (same fields, same rules),
    with the same, unless the case documents why tshark differs (`tshark`).
tshark reads all cases written one after another into one pcapng file (an
interface per link type; each case on
its own addresses, so no flow or datagram is shared; tshark's start-up is
most of its time); lookback reads each case's own file.  tshark runs with
tshark_compare.py's settings (its defaults: TCP and IP reassembly on), and
again with tcp.reassemble_out_of_order on, which tshark 4.0 leaves off:
without it tshark drops every message not in order, so the cases that reorder
segments (`ooo`) are compared with that run.  (With it on, tshark never gives
up a hole, so the cases with a lost segment use the first run.)

Prints TAP, one line per case and decoder.  REASM_KEEP=DIR keeps the pcaps.
"""
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tshark_compare as tc  # noqa: E402

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.rrset  # noqa: E402

from reasm_lib import *  # noqa: E402,F401,F403

# ---- the cases ----

@case()
def tcp_prefix_split(c):
    """The 2-byte length prefix split across segments (one byte in each)."""
    t = Tcp(c)
    for _ in range(3):
        t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    t.segs(1, [0, b[1] + 1, b[2] + 1, len(t.stream[1])])
    t.close()


@case()
def tcp_many_per_segment(c):
    """Several messages in one segment, the last of them cut in two."""
    t = Tcp(c)
    for _ in range(5):
        t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    t.segs(1, [0, b[4] + 7, b[5]])
    t.close()


@case()
def tcp_three_segments(c):
    """A 1.2 KB message spread over four segments, with small ones around it."""
    t = Tcp(c)
    t.add_pair(c.msg())
    t.add_pair(c.msg(big=True))
    t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    t.segs(1, [0, b[1] + 300, b[1] + 700, b[1] + 1100, len(t.stream[1])])
    t.close()


@case()
def tcp_out_of_order(c):
    """Segments reordered: the third and second before the first."""
    t = Tcp(c)
    for _ in range(4):
        t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    cut = [0, b[1] + 5, b[2] + 20, b[3] - 3, b[4]]
    for k in (2, 1, 0, 3):
        t.seg(1, cut[k], cut[k + 1])
    t.close()
    c.ooo = True


@case()
def tcp_duplicates(c):
    """Every segment retransmitted: at once, and again after later ones."""
    t = Tcp(c)
    for _ in range(3):
        t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    cut = [0, b[1] + 4, b[2] + 9, b[3]]
    for k in (0, 0, 1, 0, 1, 2, 1, 2):
        t.seg(1, cut[k], cut[k + 1])
    t.close()


@case()
def tcp_overlap_same(c):
    """A retransmission that spans two earlier segments (same bytes), and one
    that starts inside a held out-of-order segment."""
    t = Tcp(c)
    for _ in range(4):
        t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    n = len(t.stream[1])
    t.seg(1, 0, b[1] + 10)
    t.seg(1, b[2] + 10, b[3] + 10)       # ahead: held
    t.seg(1, b[2] - 20, b[3] - 30)        # ahead, overlapping the held one
    t.seg(1, b[1] - 5, b[2] + 30)         # fills the hole, overlaps both sides
    t.seg(1, b[3], n)                     # overlaps what was delivered
    t.seg(1, 5, n - 5)                    # all again
    t.close()
    c.ooo = True


@case()
def tcp_hole_then_fin(c):
    """A segment lost in the middle of the second message; the next segment
    starts on a message boundary; then FIN.  The first and the messages after
    the hole are whole in the capture (RFC 7766 framing resumes at a segment
    that starts a message); the second cannot be."""
    t = Tcp(c)
    for _ in range(4):
        t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    t.seg(1, 0, b[1] + 30)
    # [b1+30, b2) never captured
    t.seg(1, b[2], b[3])
    t.seg(1, b[3], b[4])
    t.close()
    c.want = [0, 2, 3]


@case()
def tcp_seq_wrap(c):
    """Server ISN just below 2^32: the sequence numbers wrap inside a message,
    and a segment across the wrap comes out of order."""
    t = Tcp(c, isn_c=0xFFFFFFF0, isn_s=0xFFFFFF80)
    for _ in range(4):
        t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    cut = [0, 0x70, 0x90, b[3], b[4]]    # 0x7f bytes in: the wrap
    for k in (0, 2, 1, 3):
        t.seg(1, cut[k], cut[k + 1])
    t.close()
    c.ooo = True


@case()
def tcp_no_syn(c):
    """The capture starts mid-connection, on message boundaries (no handshake)."""
    t = Tcp(c, isn_c=77777, isn_s=999999)
    for _ in range(3):
        t.add_pair(c.msg())
    qb, b = t.bounds(0), t.bounds(1)
    # the first query/response pair went before the capture started
    t.seg(0, qb[1], qb[2])
    t.seg(1, b[1], b[2])
    t.seg(0, qb[2], qb[3])
    t.seg(1, b[2], b[2] + 11)
    t.seg(1, b[2] + 11, b[3])
    t.close()
    c.want = [1, 2]


@case()
def tcp_both_directions(c):
    """Pipelined queries and responses, both directions cut and interleaved."""
    t = Tcp(c)
    for _ in range(4):
        t.add_pair(c.msg())
    t.handshake()
    qb, b = t.bounds(0), t.bounds(1)
    t.seg(0, 0, qb[1] + 3)
    t.seg(1, 0, 1)
    t.seg(0, qb[1] + 3, qb[3])
    t.seg(1, 1, b[1] + 2)
    t.seg(0, qb[3], qb[4])
    t.seg(1, b[1] + 2, b[3] - 1)
    t.fin(0)
    t.seg(1, b[3] - 1, b[4])
    t.fin(1)


@case()
def tcp_rst_server(c):
    """The server resets in the middle of its second response: the first
    stands, the second is cut (RFC 9293 3.10.7.4: nothing follows a RST)."""
    t = Tcp(c)
    for _ in range(3):
        t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    t.seg(1, 0, b[1] + 40)
    t.pkt(1, t.isn[1] + 1 + b[1] + 40, RST | ACK)
    t.seg(1, b[1] + 40, b[3])  # after the RST: not part of any stream
    c.want = [0]
    c.tshark = ([0, 1, 2], "tshark goes on reassembling the reset direction's "
                "later bytes; RFC 9293 3.10.7.4: a RST closes the connection, and bytes "
                "at or past the RST's sequence number were never part of the stream")


@case()
def tcp_rst_client(c):
    """The client resets while the server's second response is in flight:
    the client's RST closes the client's direction only (lookback's policy,
    tcp.c and docs/ARCHITECTURE.md); the server's bytes already sent still
    arrive and frame the response - what the server did answer."""
    t = Tcp(c)
    for _ in range(2):
        t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    t.seg(1, 0, b[1] + 40)
    t.pkt(0, t.isn[0] + 1 + len(t.stream[0]), RST | ACK)
    t.seg(1, b[1] + 40, b[2])


@case()
def tcp_mss1(c):
    """1-byte segments in both directions."""
    t = Tcp(c)
    for _ in range(2):
        t.add_pair(c.msg())
    t.handshake()
    t.segs(0, list(range(0, len(t.stream[0]) + 1)))
    t.segs(1, list(range(0, len(t.stream[1]) + 1)))
    t.close()


@case(ipver=6)
def tcp6_ooo_dup(c):
    """IPv6: reordered and duplicated segments, the prefix split."""
    t = Tcp(c)
    for _ in range(3):
        t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    cut = [0, b[1] + 1, b[2] - 4, b[3]]
    for k in (1, 1, 2, 0, 2):
        t.seg(1, cut[k], cut[k + 1])
    t.close()
    c.ooo = True


@case()
def tcp_no_syn_reordered(c):
    """No handshake, and the first two segments captured swapped: the first
    one seen starts inside a message."""
    t = Tcp(c, isn_c=4242, isn_s=31337)
    for _ in range(4):
        t.add_pair(c.msg())
    b = t.bounds(1)
    t.seg(1, b[1] + 20, b[2])
    t.seg(1, b[1], b[1] + 20)
    t.seg(1, b[2], b[4])
    t.close()
    # With no SYN the stream starts at the first byte seen, a message boundary
    # taken on trust (tcp.c): the first segment seen starts inside m1, whose
    # bytes there do not read as a length prefix and a DNS header, so that
    # segment is dropped and the next one tried: it starts m2.  m1's start
    # comes later, behind the stream's start, as if retransmitted: m1 is lost.
    # No RFC says where a stream seen from its middle has its boundaries.
    c.want = [2, 3]
    c.tshark = ([], "tshark takes the first segment's start as a boundary: m1's bytes there read "
                "as a length prefix that takes m2 and m3 in (RFC 7766 8: senders pass a message and its "
                "prefix to TCP at once, so segments start on boundaries, and one that does not "
                "start with a plausible header is not one)")
    c.ooo = True


@case()
def tcp_keepalive_fin_early(c):
    """Keep-alive probes (one old byte, RFC 9293 3.8.4) between responses, and
    the last data segment, FIN set, captured before the one in front of it."""
    t = Tcp(c)
    for _ in range(3):
        t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    t.seg(1, 0, b[1])
    t.pkt(1, t.isn[1] + b[1], ACK, b"\0")
    t.seg(1, b[2], b[3], PSH | ACK | FIN)
    t.seg(1, b[1], b[2])
    t.pkt(1, t.isn[1] + b[3], ACK, b"\0")
    t.fin(0)
    c.ooo = True


@case()
def tcp_port_reuse(c):
    """Two connections one after the other on the same addresses and ports
    (new SYN, new initial sequence numbers)."""
    t = Tcp(c, isn_c=100, isn_s=200)
    t.add_pair(c.msg())
    t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    t.segs(1, [0, b[1] + 3, b[2]])
    t.close()
    u = Tcp(c, isn_c=90000, isn_s=70000)
    u.add_pair(c.msg())
    u.add_pair(c.msg())
    u.handshake()
    u.query_all()
    b = u.bounds(1)
    u.segs(1, [0, 1, b[2]])
    u.close()


@case()
def tcp_syn_data(c):
    """TCP Fast Open (RFC 7413): the query rides on the SYN."""
    t = Tcp(c)
    t.add_pair(c.msg())
    t.add_pair(c.msg())
    t.pkt(0, t.isn[0], SYN, t.stream[0])
    t.pkt(1, t.isn[1], SYN | ACK)
    t.seg(1, 0, len(t.stream[1]))
    t.close()


@case()
def tcp_reversed_tiny(c):
    """A response in 1-byte segments captured in reverse order (more
    segments than lookback holds out of order)."""
    t = Tcp(c)
    t.add_pair(c.msg())
    t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    for k in reversed(range(b[1])):
        t.seg(1, k, k + 1)
    t.seg(1, b[1], b[2])
    t.close()
    c.ooo = True


@case()
def tcp_window_after_loss(c):
    """A 60 KB response in 45 segments, the second lost before the capture
    point and retransmitted after the rest of the window; a small response
    behind it."""
    t = Tcp(c)
    t.add_pair(c.msg(kind="huge"))
    t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    n = len(t.stream[1])
    cut = list(range(0, n, 1400)) + [n]
    for k in [0] + list(range(2, len(cut) - 1)) + [1]:
        t.seg(1, cut[k], cut[k + 1])
    t.close()
    c.ooo = True


@case()
def tcp_hole_mid_message(c):
    """A lost segment holding the end of one response and the start of the
    next; the segment after the hole starts inside a message."""
    t = Tcp(c)
    t.add_pair(c.msg())
    t.add_pair(c.msg(big=True))
    t.add_pair(c.msg())
    t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    t.seg(1, 0, b[0] + 20)
    # [20, b1 + 100) lost
    t.seg(1, b[1] + 100, b[2])
    t.seg(1, b[2], b[3])
    t.seg(1, b[3], b[4])
    t.close()
    # After a hole, framing restarts at the next segment that reads as a
    # length prefix and a DNS header (tcp.c, docs/ARCHITECTURE.md): the one
    # after the hole is inside m1's TXT data and is dropped; the next one
    # starts m2.  m0 and m1, across the hole, are lost.
    c.want = [2, 3]
    c.tshark = ([], "tshark restarts at the segment after the hole: m1's TXT data there reads as "
                "a 30840-byte length prefix that swallows m2 and m3 (the FIN then cuts it)")


def first_found(b, lo, hi):
    """The index of the first message starting inside the segment [lo, hi)
    whose end is confirmed in it (tcp.c find_boundary): the segment's end, or
    at least a prefix and a header (14 bytes) of the next message; None."""
    for i in range(len(b) - 1):
        if lo < b[i] < hi and b[i + 1] <= hi and (b[i + 1] == hi or hi - b[i + 1] >= 14):
            return i
    return None


PACKED_TSHARK = ("tshark takes the segment's start for a boundary: the bytes there, inside a "
                 "message, read as a length that swallows the messages behind it")


@case()
def tcp_no_syn_packed(c):
    """The capture starts mid-connection on a stream whose sender packed its
    messages into full-size segments (here 600 bytes): no segment starts on a
    boundary.  The first one seen starts inside a message; the first message
    that starts in it and ends in it (confirmed by the next one's header) is
    where framing begins, and every message from there is recovered."""
    t = Tcp(c, isn_c=31000, isn_s=424242)
    for _ in range(14):
        t.add_pair(c.msg())
    b = t.bounds(1)
    n = len(t.stream[1])
    cuts = list(range(0, n, 600)) + [n]
    t.segs(1, cuts[1:])  # the first segment went before the capture started
    t.close()
    f = first_found(b, cuts[1], cuts[2])
    assert f is not None and all(cuts[k] not in b for k in range(1, len(cuts) - 1))
    c.want = list(range(f, 14))
    c.tshark = ([], PACKED_TSHARK)


@case()
def tcp_hole_packed(c):
    """A packed stream (400-byte segments) with one segment lost: the messages
    before the hole, and after it from the first message that starts and ends
    in the segment after the hole; the one across the hole, and the one the
    hole ends in, are lost."""
    t = Tcp(c)
    for _ in range(20):
        t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    n = len(t.stream[1])
    cuts = list(range(0, n, 400)) + [n]
    for k in range(len(cuts) - 1):
        if k != 2:  # [800, 1200) lost
            t.seg(1, cuts[k], cuts[k + 1])
    t.close()
    f = first_found(b, cuts[3], cuts[4])
    assert f is not None and all(cuts[k] not in b for k in range(1, len(cuts) - 1))
    c.want = [i for i in range(20) if b[i + 1] <= cuts[2]] + list(range(f, 20))
    # tshark agrees, by the message's structure: the segment after the hole
    # starts at the RDLENGTH of m13's last record (its SOA), which reads as a
    # length prefix ending where m14 starts; tcp.c's check rejects that place
    # (its "header", the SOA's names, has an unassigned opcode)


@case()
def tcp_hole_lookalike(c):
    """After a hole, the segment starts inside a TXT record holding what reads
    as a length prefix, a DNS header, a name and a class - a made-up message -
    whose end is not followed by another message's header: it is not taken
    for a boundary (tcp.c find_boundary wants that second one), nothing is
    made of it; framing comes back at the next message."""
    t = Tcp(c)
    i0 = c.msg("a")
    fake = (b"\x00\x24" + bytes.fromhex("abcd81800001000000000000") + b"\x04fake\x07example\x00\x00\x01\x00\x01"
            + b"z" * 50)
    name = "m1.%s.example." % c.name.replace("_", "-")
    q = dns.message.make_query(name, "TXT")
    q.id = 0x1000 + 16 * c.idx + 1
    r = dns.message.make_response(q)
    r.answer.append(dns.rrset.from_text(name, 300, "IN", "TXT", '"%s"' % ("y" * 200),
                                        '"%s"' % "".join("\\%03d" % x for x in fake)))
    c.queries.append(q.to_wire())
    c.msgs.append(r)
    i2 = c.msg("a")
    for i in (i0, 1, i2):
        t.add_pair(i)
    t.handshake()
    t.query_all()
    b = t.bounds(1)
    at = t.stream[1].index(fake)
    t.seg(1, 0, b[1] + 30)
    # [b1 + 30, at - 3) lost: the next segment starts 3 bytes before the fake
    t.seg(1, at - 3, b[3])
    t.close()
    c.want = [i0, i2]


@case()
def tcp_axfr_many_records(c):
    """A zone transfer (RFC 5936) in one 57 KB message of 2602 records, more
    than 2048 (once lookback's count limit) and 310 KB of names uncompressed
    (once past its 256 KiB bound), in full-size segments, then a small
    response (RFC 1035 4.2.2: a TCP message may be 65535 bytes)."""
    t = Tcp(c)
    t.add_pair(c.msg("axfr"))
    t.add_pair(c.msg("a"))
    t.handshake()
    t.query_all()
    n = len(t.stream[1])
    t.segs(1, list(range(0, n, 1448)) + [n])
    t.close()


@case()
def udp_tc_cut_at_512(c):
    """RFC 1035 4.2.1: a response over 512 bytes "truncated and the TC bit
    set" - cut at 512 bytes, its answer count left at 40 A records: the 29
    whole ones in the datagram are the message's, as tshark shows them (the
    RRset, maybe without its rest, is marked truncated and not stored)."""
    name = "m0.udp-tc-cut-at-512.example."
    q = dns.message.make_query(name, "A")
    q.id = 0x1000 + 16 * c.idx
    r = dns.message.make_response(q)
    r.answer.append(dns.rrset.from_text(name, 300, "IN", "A", *["192.0.2.%d" % i for i in range(1, 41)]))
    w = bytearray(r.to_wire())
    w[2] |= 0x02  # TC
    hq = 12 + len(q.question[0].name.to_wire()) + 4
    whole = (512 - hq) // 16  # each A: owner pointer, 10 bytes, 4 of rdata
    got = dns.message.make_response(q)
    got.answer.append(dns.rrset.from_text(name, 300, "IN", "A", *[
        ".".join(str(x) for x in w[hq + 16 * i + 12:hq + 16 * i + 16]) for i in range(whole)]))
    c.msgs.append(got)
    c.queries.append(q.to_wire())
    c.frame(ip4(c.srv, c.cli, 17, udp_dgram(c.srv, c.cli, 53, 41000 + c.idx, bytes(w[:512])), 1))


@case()
def frag4_in_order(c):
    i = c.msg(big=True)
    c.frame(ip4(c.cli, c.srv, 17, udp_query(c, i), 1))
    p = udp_resp(c, i)
    frag4(c, c.srv, c.cli, 17, p, cuts8(len(p), 400), [0, 1, 2, 3], 0x4242)


@case()
def frag4_reversed(c):
    i = c.msg(big=True)
    p = udp_resp(c, i)
    pcs = cuts8(len(p), 400)
    frag4(c, c.srv, c.cli, 17, p, pcs, reversed(range(len(pcs))), 0x4243)


@case()
def frag4_duplicated(c):
    i = c.msg(big=True)
    p = udp_resp(c, i)
    pcs = cuts8(len(p), 400)
    frag4(c, c.srv, c.cli, 17, p, pcs, [0, 0, 2, 1, 2], 0x4244, dup=[3, 1])


@case()
def frag4_overlap_same(c):
    """Overlapping fragments that agree on the shared bytes."""
    i = c.msg(big=True)
    p = udp_resp(c, i)
    n = len(p)
    frag4(c, c.srv, c.cli, 17, p, [(0, 512), (256, 512), (600, 400), (800, n - 800)],
          [0, 2, 1, 3], 0x4245)


@case()
def frag4_udp_header_alone(c):
    """The first fragment carries the UDP header and nothing else; the DNS
    header starts the second (8 bytes: the smallest non-last fragment)."""
    i = c.msg()
    p = udp_resp(c, i)
    frag4(c, c.srv, c.cli, 17, p, [(0, 8), (8, 16), (24, len(p) - 24)], [1, 0, 2], 0x4246)


@case()
def frag4_two_datagrams(c):
    """Two fragmented responses interleaved (ids differ), and a third whose
    fragments all came twice in a row."""
    i, j, k = c.msg(big=True), c.msg(big=True), c.msg()
    p, q = udp_resp(c, i), udp_resp(c, j)
    r = udp_resp(c, k)
    pp, qp = cuts8(len(p), 512), cuts8(len(q), 512)
    for x in range(3):
        frag4(c, c.srv, c.cli, 17, p, pp, [x], 0x5000)
        frag4(c, c.srv, c.cli, 17, q, qp, [2 - x], 0x5001)
    frag4(c, c.srv, c.cli, 17, r, [(0, 40), (40, len(r) - 40)], [0, 0, 1, 1], 0x5002)


@case()
def frag4_overlap_conflict(c):
    """Overlapping IPv4 fragments that disagree: lookback gives the datagram
    up (frag.c: conflicts are dropped; RFC 791 leaves it open, RFC 5722 drops
    any overlap for IPv6); a second datagram's agreeing overlap is kept."""
    i, j = c.msg(big=True), c.msg()
    p = udp_resp(c, i)
    bad = bytearray(p)
    bad[300] ^= 0xFF
    frag4(c, c.srv, c.cli, 17, p, [(0, 512)], [0], 0x7000)
    frag4(c, c.srv, c.cli, 17, bytes(bad), [(256, 512), (768, len(p) - 768)], [0, 1], 0x7000)
    q = udp_resp(c, j)
    frag4(c, c.srv, c.cli, 17, q, [(0, 48), (40, len(q) - 40)], [1, 0], 0x7001)
    c.want = [1]
    c.tshark = ([0, 1], "tshark reassembles a datagram whose overlapping fragments "
                "conflict (it flags the overlap and keeps one copy); lookback cannot tell "
                "which copy is the sender's and gives it up, the choice RFC 5722 makes "
                "for IPv6 and RFC 1858 / RFC 3128 motivate for IPv4")


@case(ipver=6)
def frag6_overlap(c):
    """IPv6 fragments overlapping: RFC 5722 drops the datagram; lookback keeps
    an overlap whose bytes agree (retransmitted fragments, frag.c's stated
    policy) and drops one that conflicts."""
    i, j = c.msg(big=True), c.msg(big=True)
    p = udp_resp(c, i)
    frag6(c, c.srv, c.cli, 17, p, [(0, 512), (256, 512), (768, len(p) - 768)], [0, 1, 2], 0x1000)
    q = udp_resp(c, j)
    bad = q[:300] + bytes([q[300] ^ 0xFF]) + q[301:]
    frag6(c, c.srv, c.cli, 17, q, [(0, 512)], [0], 0x1001)
    frag6(c, c.srv, c.cli, 17, bad, [(256, 512), (768, len(q) - 768)], [0, 1], 0x1001)
    c.want = [0]
    c.tshark = ([0, 1], "tshark reassembles the conflicting datagram too; RFC 5722 4: "
                "a datagram with overlapping fragments MUST be discarded")


@case(ipver=6)
def frag6_basic(c):
    """IPv6 fragment header (RFC 8200 4.5), fragments out of order."""
    i = c.msg(big=True)
    p = udp_resp(c, i)
    frag6(c, c.srv, c.cli, 17, p, cuts8(len(p), 504), [1, 0, 2], 0x11223344)


FRAG_TSHARK = "tshark's IP reassembly has no time limit"


@case(ipver=6)
def frag6_timeout_60s(c):
    """RFC 8200 4.5: an IPv6 datagram is given up 60 s after its first
    fragment (it was 30 s, IPv4's): the last fragments of one come 45 s after
    its first (reassembled), of another 61 s after (given up)."""
    firsts = []
    for k in range(2):
        i = c.msg(big=True)
        p = udp_resp(c, i)
        pieces = cuts8(len(p), 640)
        frag6(c, c.srv, c.cli, 17, p, pieces, [0], 0x6000 + k)
        firsts.append((p, pieces))
    for k, skew in ((0, 45), (1, 61)):
        c.skew = skew
        p, pieces = firsts[k]
        frag6(c, c.srv, c.cli, 17, p, pieces, range(1, len(pieces)), 0x6000 + k)
    c.want = [0]
    c.tshark = ([0, 1], FRAG_TSHARK)


@case()
def frag4_timeout_30s(c):
    """IPv4 keeps lookback's 30 s (RFC 791's 15 s timer is a lower bound to
    raise; Linux gives 30 s): the last fragments of one datagram come 29 s
    after its first (reassembled), of another 31 s after (given up)."""
    firsts = []
    for k in range(2):
        i = c.msg(big=True)
        p = udp_resp(c, i)
        pieces = cuts8(len(p), 640)
        frag4(c, c.srv, c.cli, 17, p, pieces, [0], 0x4000 + k)
        firsts.append((p, pieces))
    for k, skew in ((0, 29), (1, 31)):
        c.skew = skew
        p, pieces = firsts[k]
        frag4(c, c.srv, c.cli, 17, p, pieces, range(1, len(pieces)), 0x4000 + k)
    c.want = [0]
    c.tshark = ([0, 1], FRAG_TSHARK)


@case(ipver=6)
def frag6_after_dest_opts(c):
    """IPv6: a destination options header before the fragment header (part
    of the unfragmentable part in every fragment), last fragment first."""
    i = c.msg(big=True)
    p = udp_resp(c, i)
    dopt = struct.pack("!BB", 44, 0) + b"\x01\x04\x00\x00\x00\x00"  # PadN
    frag6(c, c.srv, c.cli, 17, p, cuts8(len(p), 600), [2, 1, 0], 0x55667788, pre=dopt, pre_nh=60)


@case()
def frag4_tcp(c):
    """A TCP segment (two responses) in IPv4 fragments; the first fragment
    (16 bytes) cuts the TCP header."""
    t = Tcp(c)
    t.add_pair(c.msg(big=True))
    t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    seg = tcp_seg(c.srv, c.cli, 53, t.cport, t.isn[1] + 1, t.isn[0] + 1, PSH | ACK, t.stream[1])
    pcs = [(0, 16)] + [(o, min(496, len(seg) - o)) for o in range(16, len(seg), 496)]
    frag4(c, c.srv, c.cli, 6, seg, pcs, [0, 2, 1] + list(range(3, len(pcs))), 0x6000)
    t.close()


@case(ipver=6)
def frag6_tcp(c):
    """A TCP segment in IPv6 fragments, the message's second half in its own
    (unfragmented) segment."""
    t = Tcp(c)
    t.add_pair(c.msg(big=True))
    t.handshake()
    t.query_all()
    half = len(t.stream[1]) // 2
    seg = tcp_seg(c.srv, c.cli, 53, t.cport, t.isn[1] + 1, t.isn[0] + 1, PSH | ACK, t.stream[1][:half])
    frag6(c, c.srv, c.cli, 6, seg, cuts8(len(seg), 256), [0, 2, 1], 0x6001)
    t.seg(1, half, len(t.stream[1]))
    t.close()


# ---- tunnels: the same exchanges inside UDP tunnels tshark decodes by port ----

def tcp_exchange(c, n=1):
    """A TCP connection: handshake, n queries, their responses in one segment, close."""
    t = Tcp(c)
    for _ in range(n):
        t.add_pair(c.msg())
    t.handshake()
    t.query_all()
    t.seg(1, 0, len(t.stream[1]))
    t.close()


OUT_A, OUT_B = bytes([203, 0, 113, 1]), bytes([203, 0, 113, 2])


def geneve(proto, inner, opts=b""):
    """Geneve (RFC 8926): version 0, Opt Len in 4-byte words, protocol type, VNI."""
    return struct.pack("!BBHI", len(opts) // 4, 0, proto, 0x123400) + opts + inner


def gtpu(inner, seq=None, exts=()):
    """A GTP-U G-PDU (TS 29.281): flags (version 1, PT 1, E, S), type 255, length,
    TEID; sequence, N-PDU and next extension type when E or S; then each
    extension header (its content padded to 4n-2 bytes) and the packet."""
    flags = 0x30 | (0x04 if exts else 0) | (0x02 if seq is not None else 0)
    opt = b""
    if exts or seq is not None:
        opt = struct.pack("!HBB", seq or 0, 0, exts[0][0] if exts else 0)
    for k, (_, content) in enumerate(exts):
        nxt = exts[k + 1][0] if k + 1 < len(exts) else 0
        body = content + b"\0" * (-(len(content) + 2) % 4)
        opt += bytes([(len(body) + 2) // 4]) + body + bytes([nxt])
    return struct.pack("!BBHI", flags, 0xFF, len(opt) + len(inner), 0x11223344) + opt + inner


def over_udp(port, payload, sport=None):
    return 4, ip4(OUT_A, OUT_B, 17, udp_dgram(OUT_A, OUT_B, sport or 50000, port, payload))


@case()
def tunnel_geneve_ethernet(c):
    """Geneve with an option, Ethernet inside: UDP responses and a TCP exchange."""
    c.wrap = lambda ip: over_udp(6081, geneve(0x6558, eth(4, ip), b"\x01\x08\x01\x01\xde\xad\xbe\xef"))
    i = c.msg()
    c.frame(ip4(c.cli, c.srv, 17, udp_query(c, i), 1))
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, i), 2))
    tcp_exchange(c, 2)


@case(ipver=6)
def tunnel_geneve_ipv6(c):
    """Geneve carrying IPv6 directly (protocol type 0x86DD)."""
    c.wrap = lambda ip: over_udp(6081, geneve(0x86DD, ip))
    for _ in range(2):
        c.frame(c.ip(c.srv, c.cli, 17, udp_resp(c, c.msg())))


@case()
def tunnel_gtpu(c):
    """GTP-U G-PDUs, plain and with a sequence number and two extension headers
    (a PDU session container, then one of two words); an echo request between
    them carries no packet."""
    plain = lambda ip: over_udp(2152, gtpu(ip), 2152)
    ext = lambda ip: over_udp(2152, gtpu(ip, seq=7, exts=[(0x85, b"\x00\x09"), (0x40, b"\0" * 6)]), 2152)
    c.wrap = plain
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 1))
    c.wrap = lambda ip: over_udp(2152, struct.pack("!BBHIHBB", 0x32, 1, 4, 0, 1, 0, 0), 2152)
    c.frame(b"")
    c.wrap = ext
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 2))
    tcp_exchange(c)


def pptp(ver, ip, seq=1, ack=None, hdlc=True):
    """PPTP's enhanced GRE (RFC 2637 4.1): version 1, protocol 0x880B, key
    (payload length, call id), sequence and acknowledgment numbers; a PPP
    frame, with HDLC address and control or not."""
    ppp = (b"\xff\x03" if hdlc else b"") + (b"\x00\x21" if ver == 4 else b"\x00\x57") + ip
    flags = 0x2001 | (0x1000 if seq is not None else 0) | (0x0080 if ack is not None else 0)
    return (struct.pack("!HHHH", flags, 0x880B, len(ppp), 0x0101) +
            (struct.pack("!I", seq) if seq is not None else b"") +
            (struct.pack("!I", ack) if ack is not None else b"") + ppp)


def l2tp(ver, ip, flags=0x0002):
    """An L2TPv2 data message (RFC 2661 3.1): flags and version, length when L,
    tunnel and session ids, Ns and Nr when S; a PPP frame with HDLC address
    and control."""
    ppp = b"\xff\x03" + (b"\x00\x21" if ver == 4 else b"\x00\x57") + ip
    rest = struct.pack("!HH", 7, 9) + (struct.pack("!HH", 1, 2) if flags & 0x0800 else b"") + ppp
    if flags & 0x4000:
        return struct.pack("!HH", flags, 4 + len(rest)) + rest
    return struct.pack("!H", flags) + rest


@case()
def tunnel_pptp(c):
    """PPTP (RFC 2637): the client's traffic in enhanced GRE, PPP with and
    without HDLC address and control, an acknowledgment alone between them:
    UDP responses and a TCP exchange."""
    c.wrap = lambda ip: (4, ip4(OUT_A, OUT_B, 47, pptp(4, ip, seq=c.t, ack=c.t)))
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 1))
    c.wrap = lambda ip: (4, ip4(OUT_A, OUT_B, 47, struct.pack("!HHHHI", 0x2081, 0x880B, 0, 0x0101, 5)))
    c.frame(b"")
    c.wrap = lambda ip: (4, ip4(OUT_A, OUT_B, 47, pptp(4, ip, seq=c.t, hdlc=False)))
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 2))
    tcp_exchange(c)


@case(ipver=6)
def tunnel_l2tp(c):
    """L2TPv2 on UDP 1701 (RFC 2661): data messages without and with the length
    and sequence fields, IPv6 inside."""
    c.wrap = lambda ip: over_udp(1701, l2tp(6, ip), 1701)
    c.frame(c.ip(c.srv, c.cli, 17, udp_resp(c, c.msg())))
    c.wrap = lambda ip: over_udp(1701, l2tp(6, ip, 0x4802), 1701)
    c.frame(c.ip(c.srv, c.cli, 17, udp_resp(c, c.msg())))
    tcp_exchange(c)


def l2tpv3(ver, ip, cookie=b"", sub=False, udp=False):
    """An L2TPv3 data message (RFC 3931 4.1) carrying an Ethernet pseudowire
    (RFC 4719): over UDP, flags and version 3 and 2 reserved bytes first; the
    session id, the cookie, the default L2-Specific Sublayer (RFC 3931 4.6: S,
    a sequence number) when `sub`, the frame."""
    return ((struct.pack("!HH", 0x0003, 0) if udp else b"") + struct.pack("!I", 0xC0FFEE) + cookie
            + (struct.pack("!I", 0x40000007) if sub else b"") + eth(ver, ip))


L2TPV3_TSHARK = ("tshark's cookie size and sublayer are 'Detect', which without the session's "
                 "control messages is neither: it finds no frame behind a cookie or a sublayer "
                 "(lookback looks 0, 4, 8 and 12 bytes in)")


@case()
def tunnel_l2tpv3_ip(c):
    """L2TPv3 over IP, protocol 115 (RFC 3931 4.1.1): an Ethernet pseudowire
    without cookie and sublayer, a control message (session id 0) carrying no
    packet, then with an 8-byte cookie and the sublayer; UDP responses and a
    TCP exchange.  tshark runs with the pseudowire type taken as Ethernet
    (-d l2tp.pw_type==0,eth: it learns it from the control connection, which
    the case does not have)."""
    plain = lambda ip: (4, ip4(OUT_A, OUT_B, 115, l2tpv3(4, ip)))
    c.wrap = plain
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 1))
    c.wrap = lambda ip: (4, ip4(OUT_A, OUT_B, 115, struct.pack("!IHHIHH", 0, 0xC803, 12, 0, 0, 0)))
    c.frame(b"")
    c.wrap = lambda ip: (4, ip4(OUT_A, OUT_B, 115, l2tpv3(4, ip, b"\xc0\x0c\xbb\x1e\x01\x02\x03\x04", True)))
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 2))
    c.wrap = plain
    tcp_exchange(c)
    c.tshark = ([0, 2], L2TPV3_TSHARK)


@case(ipver=6)
def tunnel_l2tpv3_udp(c):
    """L2TPv3 over UDP 1701 (RFC 3931 4.1.2): the same pseudowire, IPv6 in
    it, without a cookie and with a 4-byte one."""
    plain = lambda ip: over_udp(1701, l2tpv3(6, ip, udp=True), 1701)
    c.wrap = plain
    c.frame(c.ip(c.srv, c.cli, 17, udp_resp(c, c.msg())))
    c.wrap = lambda ip: over_udp(1701, l2tpv3(6, ip, b"\x11\x22\x33\x44", udp=True), 1701)
    c.frame(c.ip(c.srv, c.cli, 17, udp_resp(c, c.msg())))
    c.wrap = plain
    tcp_exchange(c)
    c.tshark = ([0, 2], L2TPV3_TSHARK)


def vxlan_gpe(nxt, inner):
    """VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe 3.2): flags I and P, version 0,
    reserved, Next Protocol (1 IPv4, 2 IPv6, 3 Ethernet), VNI, reserved."""
    return struct.pack("!BHBI", 0x0C, 0, nxt, 0x123400) + inner


@case()
def tunnel_vxlan_gpe(c):
    """VXLAN-GPE on UDP 4790: IPv4 directly (Next Protocol 1) and in an
    Ethernet frame (3); UDP responses and a TCP exchange."""
    c.wrap = lambda ip: over_udp(4790, vxlan_gpe(1, ip))
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 1))
    c.wrap = lambda ip: over_udp(4790, vxlan_gpe(3, eth(4, ip)))
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 2))
    tcp_exchange(c)


@case(ipver=6)
def tunnel_vxlan_gpe_ipv6(c):
    """VXLAN-GPE carrying IPv6 directly (Next Protocol 2)."""
    c.wrap = lambda ip: over_udp(4790, vxlan_gpe(2, ip))
    for _ in range(2):
        c.frame(c.ip(c.srv, c.cli, 17, udp_resp(c, c.msg())))
    tcp_exchange(c)


def ayiya(nh, inner, op=1):
    """An AYIYA message (draft-massar-v6ops-ayiya): identity length 2^4 and
    type integer, signature length 5 words and hash SHA-1, authentication by
    shared secret and the operation (1: Forward), the next header (41 IPv6, 4
    IPv4, 59 none), the epoch, a 16-byte identity and a 20-byte signature;
    then the packet.  What SixXS's AICCU and PoPs send."""
    return (struct.pack("!BBBBI", 0x41, 0x52, 0x10 | op, nh, T0) + bytes(range(16))
            + bytes(range(100, 120)) + inner)


@case(ipver=6)
def tunnel_ayiya(c):
    """AYIYA on UDP 5072 (SixXS's tunnels): IPv6 in Forward messages from the
    PoP (source port 5072) and to it, a heartbeat (operation 0, no next
    header) between them; UDP responses and a TCP exchange."""
    c.wrap = lambda ip: over_udp(40000, ayiya(41, ip), 5072)
    c.frame(c.ip(c.srv, c.cli, 17, udp_resp(c, c.msg())))
    c.wrap = lambda ip: over_udp(5072, ayiya(59, b"", op=0), 40000)
    c.frame(b"")
    c.wrap = lambda ip: over_udp(5072, ayiya(41, ip), 40000)
    c.frame(c.ip(c.srv, c.cli, 17, udp_resp(c, c.msg())))
    tcp_exchange(c)


@case()
def tunnel_ayiya_ipv4(c):
    """AYIYA carrying IPv4 (next header 4)."""
    c.wrap = lambda ip: over_udp(40000, ayiya(4, ip), 5072)
    for _ in range(2):
        c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 1))
    tcp_exchange(c)


def tzsp(frame, encap=1, tags=b""):
    """A TZSP message (TaZmen Sniffer Protocol): version 1, type 0 (a
    received packet), the encapsulation (1 Ethernet, 18 802.11), tags, the
    end tag, the frame.  MikroTik's sniffer streams them to UDP 37008."""
    return struct.pack("!BBH", 1, 0, encap) + tags + b"\x01" + frame


@case()
def tunnel_tzsp(c):
    """TZSP on UDP 37008 (a remote sniffer's stream): Ethernet frames with
    and without tags (pad, sensor MAC), an 802.11 one, a keepalive between
    them; UDP responses and a TCP exchange."""
    c.wrap = lambda ip: over_udp(37008, tzsp(eth(4, ip)))
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 1))
    c.wrap = lambda ip: over_udp(37008, struct.pack("!BBH", 1, 4, 0))
    c.frame(b"")
    c.wrap = lambda ip: over_udp(37008, tzsp(eth(4, ip), tags=b"\x00\x3c\x06\x00\x0c\x42\x01\x02\x03"))
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 2))
    c.wrap = lambda ip: over_udp(37008, tzsp(LINK[105](4, ip), encap=18))
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 3))
    c.wrap = lambda ip: over_udp(37008, tzsp(eth(4, ip)))
    tcp_exchange(c)


@case()
def tunnel_tzsp_cut(c):
    """TZSP frames the sniffer cut (MikroTik's only-headers, a size limit):
    a response cut in its additional A record with the original length tag
    (41) saying how long the frame was, another cut without the tag, both
    read up to the cut as a capture's snapshot length (the MX RRset before
    it kept); a third whose tag says the frame is whole though its IP
    header claims more: malformed, dropped (tshark shows its records)."""
    for k, tag in enumerate((True, False, "whole")):
        i = c.msg("mx")
        f = eth(4, ip4(c.srv, c.cli, 17, udp_resp(c, i), 1 + k))
        f = f[:-3]  # inside the A record's address
        tags = struct.pack("!BBH", 41, 2, len(f) + 3 if tag != "whole" else len(f)) if tag else b""
        c.wrap = lambda ip, f=f, tags=tags: over_udp(37008, tzsp(f, tags=tags), 40001)
        c.frame(b"")
        r = dns.message.from_wire(c.msgs[i].to_wire())
        r.additional = []
        c.msgs[i] = r
    c.want = [0, 1]
    c.tshark = ([0, 1, 2], "tshark shows the records of a malformed packet up to where it ends")


def mpls_label(label, bos=True):
    return struct.pack("!I", label << 12 | (0x100 if bos else 0) | 64)


@case()
def tunnel_mpls_udp(c):
    """MPLS in UDP (RFC 7510, destination port 6635, source port the
    sender's entropy): one label and IPv4, two labels, an Ethernet
    pseudowire behind its control word; UDP responses and a TCP exchange."""
    c.wrap = lambda ip: over_udp(6635, mpls_label(100) + ip, 49152 + c.t)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 1))
    c.wrap = lambda ip: over_udp(6635, mpls_label(16, False) + mpls_label(2000) + ip, 61000)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 2))
    c.wrap = lambda ip: over_udp(6635, mpls_label(300) + b"\0\0\0\0" + eth(4, ip), 61001)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 3))
    c.wrap = lambda ip: over_udp(6635, mpls_label(100) + ip, 49152 + c.t)
    tcp_exchange(c)


@case(ipver=6)
def tunnel_mpls_udp_ipv6(c):
    """MPLS in UDP carrying IPv6 (explicit null label 2)."""
    c.wrap = lambda ip: over_udp(6635, mpls_label(2) + ip, 50000)
    for _ in range(2):
        c.frame(c.ip(c.srv, c.cli, 17, udp_resp(c, c.msg())))
    tcp_exchange(c)


@case(ipver=6)
def tunnel_etherip_mpls_ip(c):
    """EtherIP (RFC 3378, IP protocol 97: version 3, an Ethernet frame) and
    MPLS in IP (RFC 4023, IP protocol 137: a label stack): UDP responses and
    a TCP exchange, IPv6 inside."""
    c.wrap = lambda ip: (4, ip4(OUT_A, OUT_B, 97, b"\x30\x00" + eth(6, ip)))
    c.frame(c.ip(c.srv, c.cli, 17, udp_resp(c, c.msg())))
    c.wrap = lambda ip: (4, ip4(OUT_A, OUT_B, 137, mpls_label(16, False) + mpls_label(2) + ip))
    c.frame(c.ip(c.srv, c.cli, 17, udp_resp(c, c.msg())))
    c.wrap = lambda ip: (4, ip4(OUT_A, OUT_B, 97, b"\x30\x00" + eth(6, ip)))
    tcp_exchange(c)


@case()
def tunnel_lisp(c):
    """LISP data plane (RFC 9300 5.1, UDP 4341): the 8-byte header (nonce
    and instance id; locator-status bits alone), IPv4 inside; UDP responses
    and a TCP exchange."""
    c.wrap = lambda ip: over_udp(4341, struct.pack("!II", 0x88ABCDEF, 0x00012301) + ip, 50123)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 1))
    c.wrap = lambda ip: over_udp(4341, struct.pack("!II", 0x40000000, 3) + ip, 4341)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 2))
    tcp_exchange(c)


@case(ipver=6)
def tunnel_lisp_ipv6(c):
    """LISP data plane carrying IPv6."""
    c.wrap = lambda ip: over_udp(4341, struct.pack("!II", 0x80000001, 0) + ip, 50124)
    for _ in range(2):
        c.frame(c.ip(c.srv, c.cli, 17, udp_resp(c, c.msg())))
    tcp_exchange(c)


def capwap(frame, t=False, wbid=1, mac=b"", info=b"", flags=0):
    """A CAPWAP data message (RFC 5415 4.3): preamble 0, HLEN (4-byte words,
    preamble included), radio id 1, WBID, T, flags (M and W when a radio MAC
    or wireless info is given, each padded to 4 bytes), fragment id and
    offset, then the frame."""
    opt = b""
    if mac:
        opt += bytes([len(mac)]) + mac
        opt += b"\0" * (-(8 + len(opt)) % 4)
        flags |= 0x10
    if info:
        opt += bytes([len(info)]) + info
        opt += b"\0" * (-(8 + len(opt)) % 4)
        flags |= 0x20
    hlen = (8 + len(opt)) // 4
    return struct.pack("!BBBBI", 0, hlen << 3, 1 << 6 | wbid << 1 | int(t), flags, 0) + opt + frame


def wlan_tods(ver, ip, swap):
    """An 802.11 data frame to the DS, LLC/SNAP; the frame control's two bytes
    swapped when `swap` (what some access points send)."""
    return ((b"\x01\x08" if swap else b"\x08\x01") + b"\0\0" + bytes(range(1, 19)) + b"\x30\x12"
            + b"\xaa\xaa\x03\x00\x00\x00" + et(ver) + ip)


@case()
def tunnel_capwap(c):
    """CAPWAP data (RFC 5415, UDP 5247) between an access point and its
    controller: 802.3 frames (T clear), one with a radio MAC from the
    controller's port; 802.11 frames (RFC 5416, WBID 1) with the frame
    control swapped - tshark's default reading (capwap.swap_fc) -
    and, with wireless info, as it stands; a keep-alive between them; UDP
    responses and a TCP exchange over 802.3."""
    c.wrap = lambda ip: over_udp(5247, capwap(eth(4, ip)), 12222)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 1))
    c.wrap = lambda ip: over_udp(12222, capwap(eth(4, ip), mac=b"\x00\x1b\x2c\x3d\x4e\x5f"), 5247)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 2))
    c.wrap = lambda ip: over_udp(5247, capwap(b"\0\x0a\x00\x00", flags=0x08), 12222)
    c.frame(b"")
    c.wrap = lambda ip: over_udp(5247, capwap(wlan_tods(4, ip, True), t=True), 12222)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 3))
    c.wrap = lambda ip: over_udp(5247, capwap(wlan_tods(4, ip, False), t=True,
                                              info=b"\xc4\x1e\x00\x36"), 12222)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 4))
    c.wrap = lambda ip: over_udp(5247, capwap(eth(4, ip)), 12222)
    tcp_exchange(c)
    c.tshark = ([0, 1, 2, 4], "tshark swaps every 802.11 frame control in CAPWAP by default "
                "(capwap.swap_fc): a frame control as RFC 5416 sends it reads to tshark as no data frame")


@case()
def tunnel_capwap_fragments(c):
    """CAPWAP data frames sent in fragments (RFC 5415 4.3: F, Fragment ID,
    offset in 8-byte units, L on the last), as for a frame longer than the
    path's MTU: three fragments in order, three out of order; tshark
    reassembles them by default (capwap.reassemble)."""
    for fid, order in ((11, (0, 1, 2)), (12, (2, 0, 1))):
        frame = eth(4, ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), fid))
        cuts = [0, 40, 80, len(frame)]
        for k in order:
            last = k == 2
            piece = frame[cuts[k]:cuts[k + 1]]
            hdr = struct.pack("!BBBBHH", 0, 2 << 3, 1 << 6 | 1 << 1, 0x80 | (0x40 if last else 0),
                              fid, (cuts[k] // 8) << 3)
            c.wrap = lambda ip, b=hdr + piece: over_udp(5247, b, 12222)
            c.frame(b"")


@case()
def tunnel_amt(c):
    """AMT (RFC 7450, UDP 2268): Multicast Data messages from the relay's
    port carry the packet after one reserved byte; a Request from the
    gateway between them carries none."""
    c.wrap = lambda ip: over_udp(40001, b"\x06\x00" + ip, 2268)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 1))
    c.wrap = lambda ip: over_udp(2268, struct.pack("!BBHI", 3, 0, 0, 0x12345678), 40001)
    c.frame(b"")
    c.wrap = lambda ip: over_udp(40001, b"\x06\x00" + ip, 2268)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 2))


@case(ipver=6)
def tunnel_amt_ipv6(c):
    """AMT Multicast Data carrying IPv6."""
    c.wrap = lambda ip: over_udp(40001, b"\x06\x00" + ip, 2268)
    for _ in range(2):
        c.frame(c.ip(c.srv, c.cli, 17, udp_resp(c, c.msg())))



@case()
def tunnel_lower_port_first(c):
    """The tunnel of the lower UDP port first, then the higher port's when
    the lower refuses the bytes (tshark's order): MPLS in UDP and LISP data
    sent from their own ports to a higher one; AMT from 2268 to MPLS's 6635;
    VXLAN from GTP-U's port and GTP-U from L2TP's (GTP-U and L2TP refuse
    what is not their header); MPLS from an entropy port that is Teredo's."""
    c.wrap = lambda ip: over_udp(50000, mpls_label(100) + ip, 6635)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 1))
    c.wrap = lambda ip: over_udp(50001, struct.pack("!II", 0x88000001, 0) + ip, 4341)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 2))
    c.wrap = lambda ip: over_udp(6635, b"\x06\x00" + ip, 2268)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 3))
    c.wrap = lambda ip: over_udp(4789, struct.pack("!II", 0x08000000, 0x100) + eth(4, ip), 2152)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 4))
    c.wrap = lambda ip: over_udp(2152, gtpu(ip), 1701)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 5))
    c.wrap = lambda ip: over_udp(6635, mpls_label(100) + ip, 3544)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 6))
    c.tshark = ([0, 1, 2, 3, 4], "tshark's Teredo takes whatever comes from or to 3544 and finds "
                "no IPv6 in MPLS; lookback's refuses it and MPLS (the higher port) decodes it")


@case()
def tunnel_versions(c):
    """AMT Multicast Data of version 1 and 15, EtherIP of version 4 and with
    the version in the wrong nibble (0x0300): RFC 7450 and RFC 3378 define
    no other version; tshark decodes the packet whatever the version."""
    c.wrap = lambda ip: over_udp(40001, b"\x16\x00" + ip, 2268)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 1))
    c.wrap = lambda ip: over_udp(2268, b"\xf6\x00" + ip, 40001)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 2))
    c.wrap = lambda ip: (4, ip4(OUT_A, OUT_B, 97, b"\x40\x00" + eth(4, ip)))
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 3))
    c.wrap = lambda ip: (4, ip4(OUT_A, OUT_B, 97, b"\x03\x00" + eth(4, ip)))
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 4))
    tcp_exchange(c)

@case()
def tunnel_jmirror(c):
    """Juniper's packet mirror (UDP 30030): the 8-byte header (mirror and
    session ids), then the mirrored IPv4 packet, or PPP in HDLC-like framing;
    UDP responses and a TCP exchange."""
    c.wrap = lambda ip: over_udp(30030, struct.pack("!II", 0x1234, 0x0100AA55) + ip, 50000)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 1))
    c.wrap = lambda ip: over_udp(30030, struct.pack("!II", 0x1234, 7) + b"\xff\x03\x00\x21" + ip, 50000)
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 2))
    c.wrap = lambda ip: over_udp(30030, struct.pack("!II", 0x1234, 0x0100AA55) + ip, 50000)
    tcp_exchange(c)


@case(ipver=6)
def tunnel_jmirror_ipv6(c):
    """jmirror carrying IPv6 (no flow label: tshark's test for IPv6)."""
    c.wrap = lambda ip: over_udp(30030, struct.pack("!II", 1, 2) + ip, 50000)
    for _ in range(2):
        c.frame(c.ip(c.srv, c.cli, 17, udp_resp(c, c.msg())))
    tcp_exchange(c)


# ---- DNS datagrams quoted in ICMP errors ----

def icmp_error(c, typ, code, quoted):
    """An ICMP (IPv4) or ICMPv6 error from the client back to the server, quoting
    `quoted` (the server's datagram as it arrived)."""
    if c.ipver == 4:
        m = struct.pack("!BBHI", typ, code, 0, 0) + quoted
        m = m[:2] + struct.pack("!H", csum(m)) + m[4:]
        return ip4(c.cli, c.srv, 1, m, 0x77)
    m = struct.pack("!BBHI", typ, code, 0, 0) + quoted
    m = m[:2] + struct.pack("!H", l4_csum(c.cli, c.srv, 58, m)) + m[4:]
    return ip6(c.cli, c.srv, 58, m)


@case()
def icmp4_port_unreachable(c):
    """A late response comes back to its server quoted whole in an ICMP port
    unreachable (the client's socket had closed), another in a time exceeded;
    the responses themselves are not in the capture (one direction seen)."""
    for typ, code in ((3, 3), (11, 0)):
        i = c.msg()
        c.frame(icmp_error(c, typ, code, ip4(c.srv, c.cli, 17, udp_resp(c, i), 0x100 + i)))


@case(ipver=6)
def icmp6_port_unreachable(c):
    """The same over IPv6: ICMPv6 destination unreachable (port) and packet too big."""
    for typ, code in ((1, 4), (2, 0)):
        i = c.msg()
        c.frame(icmp_error(c, typ, code, ip6(c.srv, c.cli, 17, udp_resp(c, i))))


@case()
def icmp4_quote_odd_port(c):
    """A late response from a server on port 5300 (no DNS port: the port
    guess takes it) quoted whole in an ICMP port unreachable; tshark's
    heuristic reads the quote too.  A second quote, from LISP's data port
    4341, is DNS to neither: lookback never guesses a tunnel's port, tshark
    gives the datagram to its LISP dissector, which takes it (no IP inside)."""
    i = c.msg()
    c.frame(icmp_error(c, 3, 3, ip4(c.srv, c.cli, 17,
                                    udp_dgram(c.srv, c.cli, 5300, 40000, c.msgs[i].to_wire()), 0x100 + i)))
    i = c.msg()
    c.frame(icmp_error(c, 3, 3, ip4(c.srv, c.cli, 17,
                                    udp_dgram(c.srv, c.cli, 4341, 40000, c.msgs[i].to_wire()), 0x100 + i)))
    c.want = [0]


# ---- pcapng simple packet blocks; EDNS ----

@case()
def pcapng_simple_packets(c):
    """pcapng simple packet blocks (block type 3, no time): the case is read
    from a pcapng file; its first frame is one (no time seen yet: lookback
    counts it as frame_no_time and does not decode it), then an enhanced
    packet block, then two more simple ones (the time of the packet before)."""
    c.frame_spb(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 1))
    c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 2))
    for k in range(2):
        c.frame_spb(ip4(c.srv, c.cli, 17, udp_resp(c, c.msg()), 3 + k))
    c.want = [1, 2, 3]
    c.tshark = ([0, 1, 2, 3], "tshark decodes a simple packet with no time before it too, "
                "and shows it without a time")
    epb = c.frames[1][0]

    def times(objs):
        """Every observation at the enhanced packet's time (0 is the store's
        "no time": lookback gave simple packets that before)."""
        bad = sorted({(o.get("rrname") or o.get("qname"), o["time"]) for o in objs
                      if abs(o["time"] - epb) > 1e-6}, key=str)
        return ["observations not at the time of the packet before: %s" % bad[:3]] if bad else []
    c.check = times


class OptOwnedByQname:
    """A dnspython message whose wire form has its OPT (the last record) owned
    by the question's name (a pointer to offset 12) instead of the root."""

    def __init__(self, m):
        self.m = m

    def __getattr__(self, k):
        return getattr(self.m, k)

    def to_wire(self):
        w = self.m.to_wire()
        assert w[-11:-8] == b"\x00\x00\x29" and w[-2:] == b"\x00\x00", "OPT is not last"
        return w[:-11] + b"\xc0\x0c" + w[-10:]


@case()
def edns_opt_owner_not_root(c):
    """An OPT owned by the qname, not the root (RFC 6891 6.1.1 says the root):
    its extended rcode still counts - BADVERS (16: header 0, OPT 1) and BADMODE
    (19: header 3, OPT 1) with an empty answer and an SOA are neither a NODATA
    nor an NXDOMAIN (lookback read the header's 0 and 3 alone); their SOA is
    kept."""
    for rc in (dns.rcode.BADVERS, dns.rcode.BADMODE):
        i = c.msg("nx")
        r = c.msgs[i]
        r.use_edns(0)
        r.set_rcode(rc)
        c.msgs[i] = OptOwnedByQname(r)
        c.frame(ip4(c.srv, c.cli, 17, udp_resp(c, i), 1 + i))


def link_case(lt):
    def fn(c):
        c.lt = lt
        for _ in range(2):
            c.frame(c.ip(c.srv, c.cli, 17, udp_resp(c, c.msg())))
        tcp_exchange(c)
    return fn


for _lt, _name in ((50, "ppp_serial"), (104, "cisco_hdlc"), (105, "ieee802_11"), (117, "pflog"),
                   (127, "radiotap_datapad"), (192, "ppi"), (163, "avs"), (204, "ppp_with_dir"),
                   (51, "ppp_ether"), (100, "atm_rfc1483"), (138, "ip_over_ieee1394")):
    for _ver in (4, 6):
        _f = link_case(_lt)
        _f.__name__ = "link_%s_ipv%d" % (_name, _ver)
        _f.__doc__ = "Link type %d: UDP responses and a TCP exchange over IPv%d." % (_lt, _ver)
        case(ipver=_ver)(_f)


import reasm_tshark2  # noqa: E402,F401 (more cases: SCTP, IXFR, the port guess)


# ---- running ----

def write_pcap(path, frames, lt=1):
    with open(path, "wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, lt))
        for ts, f in frames:
            sec = int(ts)
            fh.write(struct.pack("<IIII", sec, int(round((ts - sec) * 1e6)), len(f), len(f)) + f)


def write_pcapng(path, frames):
    """frames = [(ts, bytes, link type, simple)]: one interface per link type;
    a simple packet block (no time, interface 0) when `simple`."""
    def block(t, body):
        body += b"\0" * (-len(body) % 4)
        return struct.pack("<II", t, len(body) + 12) + body + struct.pack("<I", len(body) + 12)
    ifs = {}
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    for _, _, lt, _ in frames:
        if lt not in ifs:
            ifs[lt] = len(ifs)
            out += block(1, struct.pack("<HHI", lt, 0, 65535))
    for ts, f, lt, simple in frames:
        us = int(round(ts * 1e6))
        if simple:
            assert ifs[lt] == 0, "a simple packet is on interface 0"
            out += block(3, struct.pack("<I", len(f)) + f)
        else:
            out += block(6, struct.pack("<IIIII", ifs[lt], us >> 32, us & 0xFFFFFFFF, len(f), len(f)) + f)
    with open(path, "wb") as fh:
        fh.write(out)


def union(frames, lo=None, hi=None):
    rrs, vals, negs = set(), set(), set()
    for fr, v in frames.items():
        if lo is not None and not lo <= fr < hi:
            continue
        if isinstance(v, tuple):
            rrs |= v[0]
            vals |= v[1]
        else:
            negs |= v
    return rrs, vals, negs


def diff(what, want, got):
    d = []
    for name, w, g in zip(("rrs", "values", "negatives"), want, got):
        if w - g:
            d.append("%s lacks %s %s" % (what, name, sorted(w - g, key=str)[:3]))
        if g - w:
            d.append("%s has extra %s %s" % (what, name, sorted(g - w, key=str)[:3]))
    return d


def main():
    lookback = os.environ["LOOKBACK"]
    cases = []
    for idx, (fn, ipver) in enumerate(CASES):
        c = Case(idx, fn.__name__, ipver)
        fn(c)
        c.doc = " ".join((fn.__doc__ or "").split())
        cases.append(c)
    keep = os.environ.get("REASM_KEEP")
    with tempfile.TemporaryDirectory() as tmp:
        d = keep or tmp
        os.makedirs(d, exist_ok=True)
        allframes, first = [], []
        for c in cases:
            first.append(len(allframes) + 1)
            allframes += [(ts, f, c.lt, k in c.spb) for k, (ts, f) in enumerate(c.frames)]
            if c.spb:  # lookback reads it from pcapng too (a ".pcap" name: it tells by the magic)
                write_pcapng(os.path.join(d, c.name + ".pcap"),
                             [(ts, f, c.lt, k in c.spb) for k, (ts, f) in enumerate(c.frames)])
            else:
                write_pcap(os.path.join(d, c.name + ".pcap"), c.frames, c.lt)
        first.append(len(allframes) + 1)
        allpath = os.path.join(d, "all.pcapng")
        write_pcapng(allpath, allframes)
        tsh = {}
        for ooo in ("FALSE", "TRUE"):
            # -d: L2TPv3's pseudowire type is learnt from its control connection
            # (tunnel_l2tpv3_ip), here none; Ethernet, as lookback takes it
            raw = tc.tshark_out(["-o", "tcp.reassemble_out_of_order:" + ooo,
                                 "-d", "l2tp.pw_type==0,eth",
                                 "-Y", "dns.flags.response==1", "-T", "json", "-J", "frame dns"],
                                allpath).decode("utf-8", errors="replace")
            pkts = tc.json.loads(raw, object_pairs_hook=tc.Pairs) if raw.strip() else []
            tsh[ooo == "TRUE"] = (tc.tshark_rows(pkts), tc.tshark_negatives(pkts))
        n = failed = 0
        for k, c in enumerate(cases):
            want_idx = c.want if c.want is not None else range(len(c.msgs))
            want = expected([c.msgs[i] for i in want_idx])
            try:
                o_rows, o_negs = tc.lookback_rows(lookback, os.path.join(d, c.name + ".pcap"), "")
                ours = union(o_rows)[:2] + (union(o_negs)[2],)
                ours = ({(nm, tc.IANA.get(tp, tp), cl) for nm, tp, cl in ours[0]}, ours[1], ours[2])
                problems = diff("lookback", want, ours)
                if c.check:
                    p = subprocess.run([lookback, "capture", "-q", "-r", os.path.join(d, c.name + ".pcap"),
                                        "--jsonl"], stdout=subprocess.PIPE, check=True)
                    problems += c.check([tc.json.loads(x) for x in p.stdout.decode().splitlines()])
            except Exception as e:  # a crash is a failure
                problems = ["lookback: %s" % e]
            n += 1
            if problems:
                failed += 1
                print("not ok %d - %s: lookback differs from the messages sent (%s)" % (n, c.name, c.doc))
                for x in problems:
                    print("#   " + x)
            else:
                print("ok %d - %s: lookback recovers messages %s of %d" % (
                    n, c.name, list(want_idx), len(c.msgs)))
            t_rows, t_negs = tsh[c.ooo]
            theirs = union(t_rows, first[k], first[k + 1])[:2] + (union(t_negs, first[k], first[k + 1])[2],)
            t_want, why = want, ""
            if c.tshark is not None:
                t_want = expected([c.msgs[i] for i in c.tshark[0]])
                why = " (expected: %s)" % c.tshark[1]
            problems = diff("tshark", t_want, theirs)
            n += 1
            if problems:
                failed += 1
                print("not ok %d - %s: tshark differs%s" % (n, c.name, why))
                for x in problems:
                    print("#   " + x)
            else:
                print("ok %d - %s: tshark agrees%s" % (n, c.name, why))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
