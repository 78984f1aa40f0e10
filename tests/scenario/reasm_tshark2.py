"""More of reasm_tshark.py's cases (it runs them): DNS over SCTP, IXFRs in
several TCP messages, and the port guess on ports tshark gives to other
dissectors.  The builders are in reasm_lib.py.
"""
import dns.message  # noqa: F401
import dns.rrset  # noqa: F401

from reasm_lib import *  # noqa: F401,F403


# ---- the port guess ----

@case()
def port_guess_registered_ports(c):
    """Whole DNS responses from servers on no DNS port (the port guess):
    5300 (a forwarder's), 5060 and 161, where tshark's SIP and SNMP refuse
    the bytes and its DNS heuristic takes them, and Consul's 8600 and 123,
    where tshark's ASTERIX and NTP dissectors take whatever comes on their
    port (so do its TFTP, syslog, DHCP, ISAKMP, OpenVPN, CoAP, DTLS, DIS
    ones): lookback reads DNS on all five, a whole response being no
    ASTERIX or NTP message."""
    for port in (5300, 5060, 161, 8600, 123):
        i = c.msg()
        c.frame(ip4(c.srv, c.cli, 17, udp_dgram(c.srv, c.cli, port, 45000, c.msgs[i].to_wire()),
                    1 + i))
    c.tshark = ([0, 1, 2], "tshark gives 8600 and 123 to ASTERIX and NTP, which take the bytes")


# ---- zone transfers in several messages ----

def ixfr_msg(c, zone, rrs, question=True, ident=0x4242):
    """An IXFR response message of `rrs` (owner, type, rdata) in its answer;
    without the question for a transfer's later message (RFC 5936 2.2)."""
    q = dns.message.make_query(zone, "IXFR")
    q.id = ident
    r = dns.message.make_response(q)
    if not question:
        r.question = []
    for owner, t, rd in rrs:
        r.answer.append(dns.rrset.from_text(owner, 300, "IN", t, rd))
    c.msgs.append(r)
    return r


@case()
def tcp_ixfr_later_messages(c):
    """IXFRs in several messages over TCP.  Differences (the current SOA, the
    old one, deletions; more deletions in a message without question or SOA,
    as BIND sends it; an SOA, an addition, the current SOA): only the current
    SOA is observed - the question-less middle message was read as a zone's
    and its deleted records stored.  A zone in AXFR's form whose second
    message repeats the question and opens with a record that is no SOA: all
    observed - that message gave nothing.  tshark prints every record."""
    zone = "ixfr.example."
    soa = lambda serial: "ns1.%s h.%s %d 7200 3600 1209600 300" % (zone, zone, serial)
    sent = [
        ixfr_msg(c, zone, [(zone, "SOA", soa(3)), (zone, "SOA", soa(1)),
                           ("old1." + zone, "A", "192.0.2.11")]),
        ixfr_msg(c, zone, [("old2." + zone, "A", "192.0.2.12"), ("old3." + zone, "A", "192.0.2.13")],
                 question=False),
        ixfr_msg(c, zone, [(zone, "SOA", soa(1)), ("new." + zone, "A", "192.0.2.14"),
                           (zone, "SOA", soa(3))], question=False),
    ]
    t = Tcp(c)
    for r in sent:
        t.add(1, r.to_wire())
    t.handshake()
    t.segs(1, t.bounds(1))
    zsent = [
        ixfr_msg(c, "z" + zone, [("z" + zone, "SOA", soa(7)), ("a.z" + zone, "A", "192.0.2.21")],
                 ident=0x4343),
        ixfr_msg(c, "z" + zone, [("b.z" + zone, "A", "192.0.2.22"), ("z" + zone, "SOA", soa(7))],
                 ident=0x4343),
    ]
    t = Tcp(c, cport=41999)
    for r in zsent:
        t.add(1, r.to_wire())
    t.handshake()
    t.segs(1, t.bounds(1))
    ixfr_msg(c, zone, [(zone, "SOA", soa(3))])  # 5: what is observed of the first
    c.want = [3, 4, 5]
    c.tshark = ([0, 1, 2, 3, 4], "tshark prints an IXFR's differences too")

# ---- DNS over SCTP ----

def sctp_case(c):
    """A query and its response in one DATA chunk each; two responses bundled
    after a SACK; one in an I-DATA chunk (RFC 8260); one unordered (U);
    one with Diameter's PPI (46; tshark's Diameter refuses it and its DNS
    takes it by the port) and one with M3UA's (3), which tshark shows as
    M3UA: lookback reads DNS on port 53 whatever the PPI.  Last a response
    in three fragments (B, a middle one, E: consecutive TSNs, RFC 9260
    6.9), each in its packet: both reassemble it."""
    def send(chunks, up=False):
        src, dst = (c.cli, c.srv) if up else (c.srv, c.cli)
        ports = (40000 + c.idx, 53) if up else (53, 40000 + c.idx)
        c.frame(c.ip(src, dst, 132, sctp_pkt(ports[0], ports[1], chunks)))
    i = c.msg()
    send(sctp_data(c.queries[i], 1), up=True)
    send(sctp_data(c.msgs[i].to_wire(), 1))
    w = [c.msgs[c.msg()].to_wire() for _ in range(2)]
    send(sctp_sack(1) + sctp_data(w[0], 2) + sctp_data(w[1], 3))
    send(sctp_data(c.msgs[c.msg()].to_wire(), 4, idata=True))
    send(sctp_data(c.msgs[c.msg()].to_wire(), 5, flags=7))
    send(sctp_data(c.msgs[c.msg()].to_wire(), 6, ppi=46))
    send(sctp_data(c.msgs[c.msg()].to_wire(), 7, ppi=3))
    big = c.msgs[c.msg(big=True)].to_wire()
    send(sctp_data(big[:600], 8, flags=2, ssn=8))
    send(sctp_data(big[600:900], 9, flags=0, ssn=8))
    send(sctp_data(big[900:], 10, flags=1, ssn=8))
    c.tshark = ([0, 1, 2, 3, 4, 5, 7], "tshark shows a chunk of M3UA's PPI as M3UA")


@case()
def sctp_ipv4(c):
    sctp_case(c)


@case(ipver=6)
def sctp_ipv6(c):
    sctp_case(c)


sctp_ipv4.__doc__ = sctp_ipv6.__doc__ = "DNS over SCTP port 53 (IPv4, IPv6): " + sctp_case.__doc__
