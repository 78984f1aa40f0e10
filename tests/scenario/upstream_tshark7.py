#!/usr/bin/python3
"""Part 7 of upstream_tshark.py: DNS traffic modelled on test captures
parts 1 to 6 did not look inside: nDPI's DNS pcaps (tests/cfgs/default/pcap,
described by their tests/cfgs/default/result/*.out files), Wireshark's own
test captures (test/captures: dns_port.pcap as test/lua/verify_dissector.lua
spells it out, dns-mdns.pcap, dns+icmp.pcapng), the rest of Arkime's
tests/pcap/dns-*.pcap (their .test files) and dns-stats/compactor's
test-scripts (their .info statistics).

The same three checks as upstream_tshark.py (its docstring says what they
are), the same builders and the same runner, and a fourth: the drop
counters `no_drops` names (lookback prints only the ones that are not
zero) must be absent, where a case's point is that nothing is refused.
Each case names the upstream file it rebuilds and says, by the RFCs, what a
correct decoder makes of it and where tshark differs.  Prints TAP.
UPSTREAM_KEEP=DIR keeps the pcaps.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import upstream_tshark as ut  # noqa: E402
from upstream_tshark import (ANSWER, AUTH, PTR_Q, a_resp, a_want, framed, header,  # noqa: E402
                             name, opt, question, rr, soa_rdata, soa_text)
from reasm_lib import csum, l4_csum, ip4, ip6, udp_dgram, tcp_seg, SYN, PSH, ACK, FIN  # noqa: E402

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


ut.Case.no_drops = ()  # drop counters that must stay at zero (absent from --stats)

_check = ut.check


def check(c, lookback, path, pkts):
    """ut.check, and the counters of `no_drops` absent (zero)."""
    problems = _check(c, lookback, path, pkts)
    if c.no_drops:
        _, _, stats = ut.lookback_case(lookback, path, c.ports)
        for k in c.no_drops:
            if k in stats:
                problems.append("lookback %s is %d, want 0" % (k, stats[k]))
    return problems


ut.check = check

ALL_DNS_DROPS = ("drop.dns_truncated", "drop.dns_bad_pointer", "drop.dns_bad_label",
                 "drop.dns_name_too_long", "drop.dns_bad_rdata", "drop.dns_not_dns",
                 "drop.dns_too_many_records", "drop.dns_trailing_bytes", "drop.dns_bad_record",
                 "drop.dns_other")


def txt_text(*strings):
    """RFC 1035 5.1 presentation of a TXT of plain printable strings."""
    return " ".join('"%s"' % s for s in strings)


def txt_rdata(*strings):
    return b"".join(bytes([len(s)]) + s.encode() for s in strings)


# ---- opcodes other than QUERY ----

@case
def iquery_and_status(c):
    """nDPI tests/cfgs/default/pcap/dns_invert_query.pcapng (its .out: one
    flow, "DNS Error Code NOTIMP", the host name an IPv4 address): an
    inverse query (opcode 1, RFC 1035 6.4: an empty question and one answer
    "<anyname> A 192.0.2.4"), a response of RFC 1035 6.4.2's form (the
    names found in the question section, the answer echoed) and one of RFC
    3425's (IQUERY obsolete: NOTIMP, the answer echoed); then a response of
    opcode 2 (STATUS, assigned by RFC 1035 4.1.1, never specified) holding
    an A.  None is an answer to a query (lookback keeps observations of
    opcode QUERY only, docs/ARCHITECTURE.md), none is a denial, and none is
    traffic that is not DNS: opcodes 1 and 2 are assigned (RFC 6895 2.2),
    so no drop counter moves.  tshark prints the echoed records."""
    inv = rr(".", 1, bytes([192, 0, 2, 4]))
    c.send(header(0xe101, 0x0800, 0, 1, 0, 0) + inv, sport=40000 + c.idx, dport=53)
    c.send(header(0xe101, 0x8c00, 1, 1, 0, 0) + question("inv.example.com", 1) + inv)
    c.send(header(0xe102, 0x8804, 0, 1, 0, 0) + inv)
    c.send(header(0xe103, 0x9400, 1, 1, 0, 0) + question("status.example.com", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 5])))
    c.drops = {"negatives": 0, "rrsets": 0}
    c.no_drops = ALL_DNS_DROPS
    c.tshark_only = {(".", 1, 1), ("status.example.com.", 1, 1)}
    c.fields = {"dns.flags.opcode": ["1", "1", "1", "2"]}


@case
def update_responses(c):
    """Arkime tests/pcap/dns-update.pcap (its .test: opcode UPDATE, zone
    SOA, status NOTIMPL; the response as long as the request: it echoes
    it): an UPDATE (opcode 5, RFC 2136 2) with a prerequisite "name is in
    use" (2.4.4: class ANY, type ANY, no RDATA) and three updates - delete
    an RRset (2.5.2: class ANY, no RDATA), delete one RR (2.5.4: class
    NONE) and add one - answered NOTIMP with all of it echoed, then
    NXDOMAIN (3.2.5: the prerequisite failed) and NOERROR with the zone
    section alone.  An UPDATE's sections are prerequisites and changes,
    not answers (docs/ARCHITECTURE.md): nothing is kept, the NXDOMAIN
    denies no name, and the class NONE/ANY records of no RDATA are well
    formed (no dns_bad_record).  tshark files them under Prerequisites and
    Updates, which it does not call answers either."""
    zone = question("upd.example", 6)
    body = (rr("host.upd.example", 255, b"", ttl=0, rclass=255)
            + rr("host.upd.example", 1, b"", ttl=0, rclass=255)
            + rr("host.upd.example", 1, bytes([192, 0, 2, 61]), ttl=0, rclass=254)
            + rr("host.upd.example", 1, bytes([192, 0, 2, 60])))
    c.send(header(0xe201, 0x2800, 1, 1, 3, 0) + zone + body, sport=40000 + c.idx, dport=53)
    c.send(header(0xe201, 0xa804, 1, 1, 3, 0) + zone + body)
    c.send(header(0xe202, 0xa803, 1, 0, 0, 0) + zone)
    c.send(header(0xe203, 0xa800, 1, 0, 0, 0) + zone)
    c.drops = {"negatives": 0, "rrsets": 0}
    c.no_drops = ALL_DNS_DROPS
    c.fields = {"dns.flags.opcode": ["5", "5", "5", "5"], "dns.flags.rcode": ["0", "3", "4"],
                "dns.count.updates": ["3", "3", "0", "0"]}


# ---- ports ----

@case
def dns_port_65333(c):
    """Wireshark test/captures/dns_port.pcap (test/lua/verify_dissector.lua
    lists it: a query from 65282 to 65333 for us.pool.ntp.org A, transaction
    43, and its response of 15 answers, 6 authority and 2 additional
    records), and one more response between two other high ports.  No
    --ports: neither port is a DNS port, and lookback reads both responses
    by its port guess (docs/ARCHITECTURE.md "Capture decisions": each is
    one whole response to one IN question, QR set, opcode QUERY, every
    record of class IN and nothing after the last), counted in
    udp_port_guess; the query is not guessed (not_dns_port: a query gives
    no observation).  tshark 4.0 reads them with its heuristic DNS
    dissector ("tshark -G heuristic-decodes": udp dns, enabled): the two
    agree."""
    q = "us.pool.ntp.org"
    c.send(header(43, 0x0100, 1, 0, 0, 0) + question(q, 1), sport=65282, dport=65333)
    ns = ["%s.ntpns.org" % x for x in "abcdef"]
    w = (header(43, ANSWER, 1, 15, 6, 2) + question(q, 1)
         + b"".join(rr(PTR_Q, 1, bytes([198, 51, 100, 10 + k])) for k in range(15))
         + b"".join(rr("pool.ntp.org", 2, name(n), ttl=86400) for n in ns)
         + rr(ns[0], 1, bytes([203, 0, 113, 1]), ttl=86400)
         + rr(ns[1], 1, bytes([203, 0, 113, 2]), ttl=86400))
    c.send(w, sport=65333, dport=65282)
    c.send(a_resp(0xe301, "random-ports.example", 9), sport=27634, dport=53792)
    c.want = {(q + ".", "A", "IN", tuple(sorted("198.51.100.%d" % (10 + k) for k in range(15))),
               "answer"),
              ("pool.ntp.org.", "NS", "IN", tuple(sorted(n + "." for n in ns)), "authority"),
              (ns[0] + ".", "A", "IN", ("203.0.113.1",), "additional"),
              (ns[1] + ".", "A", "IN", ("203.0.113.2",), "additional"),
              a_want("random-ports.example", 9)}
    c.drops = {"drop.not_dns_port": 1, "udp_port_guess": 2}
    c.no_drops = ALL_DNS_DROPS
    c.fields = {"dns.count.answers": ["0", "1", "15"], "dns.count.auth_rr": ["0", "0", "6"]}


# the flows of nDPI's dns_on_random_ports.pcap (its .out): client, server
NDPI_RANDOM_PORTS = [
    ("2001:db8:7215:15a9::b5fc", 53792, "2001:db8:e19d:ec02::b66d", 27634),
    ("2001:db8:5058:64c9::1b47", 43131, "2001:db8:2815:51a5::8cd0", 60794),
    ("2001:db8:d422:9949::7c79", 44554, "2001:db8:be3f:13cc::c471", 22153),
    ("198.51.100.135", 26501, "203.0.113.233", 10168),
    ("2001:db8:24fc:d09f::f667", 13922, "2001:db8:1b8f:8c6::a290", 13936),
    ("2001:db8:dc21:9333::bdb8", 31256, "2001:db8:4fa6:1ca6::a249", 23784),
    ("192.0.2.207", 36565, "203.0.113.125", 50318),
    ("203.0.113.179", 3604, "203.0.113.83", 3005),
    ("198.51.100.104", 21395, "203.0.113.205", 44523),
    ("203.0.113.150", 51827, "203.0.113.43", 55050),
]


@case
def dns_on_random_ports(c):
    """nDPI tests/cfgs/default/pcap/dns_on_random_ports.pcap (its .out: ten
    UDP flows, five over IPv6 and five over IPv4, each one query and one
    response between two ports no protocol owns, names such as velismaa,
    tnmpfa, smguodv; nDPI calls all ten Unknown).  Rebuilt with the flows'
    addresses and ports and answers of several types: AAAA, a CNAME chain
    to an A, MX, TXT, NS with glue, an NXDOMAIN with its SOA, PTR, SRV, two
    A records, and an A with EDNS.  lookback reads every response by its
    port guess (udp_port_guess 10), the NXDOMAIN a denial as on port 53,
    and no query (not_dns_port 10); tshark's heuristic reads the same
    records."""
    import ipaddress

    def addr(a):
        return ipaddress.ip_address(a).packed

    # per flow: question name and type, answer records, additional records
    # (None: an NXDOMAIN with the zone's SOA in authority)
    answers = [
        ("velismaa.example", 28, [rr(PTR_Q, 28, addr("2001:db8::51"))], []),
        ("tnmpfa.example", 1, [rr(PTR_Q, 5, name("cdn.tnmpfa.example")),
                               rr("cdn.tnmpfa.example", 1, bytes([192, 0, 2, 52]))], []),
        ("smguodv.example", 15, [rr(PTR_Q, 15, b"\0\x0a" + name("mx.smguodv.example"))], []),
        ("example", 16, [rr(PTR_Q, 16, b"\x0bv=spf1 -all")], []),
        ("utiwggep.example", 2, [rr(PTR_Q, 2, name("ns1.utiwggep.example"))],
         [rr("ns1.utiwggep.example", 1, bytes([192, 0, 2, 55]))]),
        ("rzsuiic.example", 1, None, []),
        ("56.2.0.192.in-addr.arpa", 12, [rr(PTR_Q, 12, name("gunjyrk.example"))], []),
        ("_sip._udp.example", 33, [rr(PTR_Q, 33, struct.pack("!HHH", 10, 5, 5060)
                                      + name("sip.example"))], []),
        ("uzljmw.example", 1, [rr(PTR_Q, 1, bytes([192, 0, 2, 58])),
                               rr(PTR_Q, 1, bytes([192, 0, 2, 59]))], []),
        ("edns.example", 1, [rr(PTR_Q, 1, bytes([192, 0, 2, 60]))], [opt()]),
    ]
    for k, ((cli, cport, srv, sport), (qn, qt, an, ar)) in enumerate(zip(NDPI_RANDOM_PORTS, answers)):
        ident = 0xe310 + k
        edns = ar == [opt()]  # the query has EDNS too
        qmsg = (header(ident, 0x0100, 1, 0, 0, 1 if edns else 0) + question(qn, qt)
                + (opt() if edns else b""))
        if an is None:
            rmsg = (header(ident, 0x8183, 1, 0, 1, 0) + question(qn, qt)
                    + rr("example", 6, soa_rdata("example")))
        else:
            rmsg = (header(ident, ANSWER, 1, len(an), 0, len(ar)) + question(qn, qt)
                    + b"".join(an) + b"".join(ar))
        v = 6 if ":" in cli else 4
        ca, sa = addr(cli), addr(srv)
        mk = ip6 if v == 6 else ip4
        c.send_ip(mk(ca, sa, 17, udp_dgram(ca, sa, cport, sport, qmsg)), ipver=v)
        c.send_ip(mk(sa, ca, 17, udp_dgram(sa, ca, sport, cport, rmsg)), ipver=v)
    c.want = {("velismaa.example.", "AAAA", "IN", ("2001:db8::51",), "answer"),
              ("tnmpfa.example.", "CNAME", "IN", ("cdn.tnmpfa.example.",), "answer"),
              ("cdn.tnmpfa.example.", "A", "IN", ("192.0.2.52",), "answer"),
              ("smguodv.example.", "MX", "IN", ("10 mx.smguodv.example.",), "answer"),
              ("example.", "TXT", "IN", ('"v=spf1 -all"',), "answer"),
              ("utiwggep.example.", "NS", "IN", ("ns1.utiwggep.example.",), "answer"),
              ("ns1.utiwggep.example.", "A", "IN", ("192.0.2.55",), "additional"),
              ("example.", "SOA", "IN", (soa_text("example"),), "authority"),
              ("56.2.0.192.in-addr.arpa.", "PTR", "IN", ("gunjyrk.example.",), "answer"),
              ("_sip._udp.example.", "SRV", "IN", ("10 5 5060 sip.example.",), "answer"),
              ("uzljmw.example.", "A", "IN", ("192.0.2.58", "192.0.2.59"), "answer"),
              ("edns.example.", "A", "IN", ("192.0.2.60",), "answer")}
    c.negs = {("rzsuiic.example.", "A", "NXDOMAIN")}
    c.drops = {"drop.not_dns_port": 10, "udp_port_guess": 10}
    c.no_drops = ALL_DNS_DROPS


@case
def port_guess_refuses_junk(c):
    """What tshark's heuristic DNS dissector takes on any UDP port and
    lookback's port guess refuses (docs/ARCHITECTURE.md "Capture
    decisions"), each between two ports that are no DNS port: a response
    with seven octets after its last record (on port 53 the message is
    used and the octets counted, dns_trailing_bytes; on another port they
    say it may not be DNS at all), a response with no question (tshark
    takes QDCOUNT 0 or 1 in a response), a CH-class version.bind TXT (the
    guess wants class IN: the store keeps IN only, and a CHAOS answer is a
    server's self-description), a response whose first A has five octets
    of rdata (tshark prints it and the next A), and one that claims two
    answers and holds one (tshark prints the one and flags the frame
    Malformed).  A heuristic that takes such datagrams would store whatever
    happens to fit a DNS header; lookback counts each as not_dns_port.
    `tshark_only`: every record tshark shows here."""
    c.send(header(0xe320, ANSWER, 1, 1, 0, 0) + question("trail.example", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 100])) + bytes(range(1, 8)), sport=30000, dport=31000)
    c.send(header(0xe321, ANSWER, 0, 1, 0, 0) + rr("noq.example", 1, bytes([192, 0, 2, 101])),
           sport=30001, dport=31001)
    c.send(header(0xe322, ANSWER, 1, 1, 0, 0) + question("version.bind", 16, 3)
           + rr(PTR_Q, 16, b"\x05hello", rclass=3), sport=30002, dport=31002)
    c.send(header(0xe323, ANSWER, 1, 2, 0, 0) + question("bad.example", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 103, 9])) + rr(PTR_Q, 1, bytes([192, 0, 2, 104])),
           sport=30003, dport=31003)
    c.send(header(0xe324, ANSWER, 1, 2, 0, 0) + question("short.example", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 105])), sport=30004, dport=31004)
    c.drops = {"drop.not_dns_port": 5, "udp_port_guess": 0, "rrsets": 0}
    c.tshark_only = {("trail.example.", 1, 1), ("noq.example.", 1, 1), ("version.bind.", 16, 3),
                     ("bad.example.", 1, 1), ("short.example.", 1, 1)}
    c.malformed = True


# ---- TCP ----

class Tcp6:
    """One IPv6 TCP connection of a case, client 40000 + idx to server port 53."""

    def __init__(self, c):
        self.c, self.seq = c, [7000, 90000]
        self.srv = bytes.fromhex("20010db8000000000000000000000053")
        self.cli = bytes.fromhex("20010db80000000000000000000000%02x" % c.idx)
        self.cport = 40000 + c.idx
        self.pkt(0, SYN, adv=1)
        self.pkt(1, SYN | ACK, adv=1)

    def seg(self, d, flags, data, seq):
        src, dst = (self.cli, self.srv) if d == 0 else (self.srv, self.cli)
        sp, dp = (self.cport, 53) if d == 0 else (53, self.cport)
        s = tcp_seg(src, dst, sp, dp, seq, self.seq[1 - d], flags, data)
        self.c.send_ip(ip6(src, dst, 6, s), ipver=6)

    def pkt(self, d, flags, data=b"", adv=0):
        self.seg(d, flags, data, self.seq[d])
        self.seq[d] += len(data) + adv

    def data(self, d, data, mss=1440):
        for k in range(0, len(data), mss):
            self.pkt(d, PSH | ACK, data[k:k + mss])


@case
def tcp_max_message(c):
    """nDPI tests/cfgs/default/pcap/dns_tcp_other_ip.pcap (its .out: DNS Id
    0x1234 for example.com, 6 packets one way and 48 of 1514 octets the
    other, 68 KB: a response as large as DNS over TCP allows; and flows over
    IPv6): over IPv6, a response of 65535 octets, the most its 2-octet
    length can say (RFC 1035 4.2.2, RFC 7766 8), in 46 segments of 1440:
    245 TXT records of example.com; then a small response on the same
    connection.  Both whole and kept."""
    t = Tcp6(c)
    t.data(0, framed(header(0x1234, 0x0100, 1, 0, 0, 0) + question("example.com", 16)))
    texts, rrs = [], []
    for k in range(244):
        s = ("%03d" % k) + "abcdefghijklmnopqrstuvwxyz"[k % 26] * 252
        texts.append(s)
        rrs.append(rr(PTR_Q, 16, txt_rdata(s)))
    last = ("%03d" % 244) + "z" * 98
    texts.append(last)
    rrs.append(rr(PTR_Q, 16, txt_rdata(last)))
    w = header(0x1234, ANSWER, 1, len(rrs), 0, 0) + question("example.com", 16) + b"".join(rrs)
    assert len(w) == 65535, len(w)
    t.data(1, framed(w))
    t.data(0, framed(header(0x1235, 0x0100, 1, 0, 0, 0) + question("after.example.com", 1)))
    t.data(1, framed(a_resp(0x1235, "after.example.com", 35)))
    t.pkt(0, FIN | ACK, adv=1)
    t.pkt(1, FIN | ACK, adv=1)
    c.want = {("example.com.", "TXT", "IN", tuple(sorted('"%s"' % s for s in texts)), "answer"),
              a_want("after.example.com", 35)}
    c.no_drops = ALL_DNS_DROPS + ("drop.tcp_memory_limit", "drop.tcp_junk", "drop.tcp_gap")
    c.fields = {"dns.length": ["29", "65535", "35", "51"]}


def soa_serial(zone, serial):
    return (name("ns1." + zone) + name("hostmaster." + zone)
            + struct.pack("!IIIII", serial, 7200, 3600, 1209600, 300))


def soa_serial_text(zone, serial):
    return "ns1.%s. hostmaster.%s. %d 7200 3600 1209600 300" % (zone, zone, serial)


@case
def ixfr_differences(c):
    """SIDN entrada's src/test/resources/pcap/sidnlabs-test-tcp-ixfr.pcap
    (PcapReaderTest.testTCPIxfrOk: an IXFR query and its response over TCP)
    and packetlife's dns-zone-transfer-ixfr.cap: IXFR responses (RFC 1995
    4) in their three forms.  The differences - the current SOA, then per
    version an SOA, the records deleted, an SOA, the records added - hold
    no RRset: deleted records are out of the zone, added ones are parts of
    RRsets whose other records the response leaves out, and the zone's SOA
    comes once per version.  Of them only the first SOA (serial 3, the
    zone's current one) is observed (ixfr_changes counts the 9 others; the
    old decoder stored an SOA RRset of three serials and www A of a deleted
    and an added address, a set no version of the zone held).  The
    up-to-date form (the SOA alone) and the whole-zone form (AXFR's: the
    zone between two copies of its SOA, one message) are the zone's
    RRsets, kept.  A later message of a transfer (its answer opening
    without the SOA, RFC 5936 2.2) cannot be told to be differences or
    zone: not observed (ixfr_changes 2).  tshark prints every record."""
    t = ut.TcpFlow(c)
    z1, z2, z3, z4 = ("ixfr%d.example" % k for k in range(1, 5))

    def ixfr_query(ident, zone, serial):
        return framed(header(ident, 0x0000, 1, 0, 1, 0) + question(zone, 251)
                      + rr(zone, 6, soa_serial(zone, serial)))
    t.data(0, ixfr_query(0xe701, z1, 1))
    diffs = [rr(z1, 6, soa_serial(z1, 3)),
             rr(z1, 6, soa_serial(z1, 1)), rr("www." + z1, 1, bytes([192, 0, 2, 1])),
             rr(z1, 6, soa_serial(z1, 2)), rr("www." + z1, 1, bytes([192, 0, 2, 2])),
             rr("new." + z1, 1, bytes([192, 0, 2, 5])),
             rr(z1, 6, soa_serial(z1, 2)),
             rr(z1, 6, soa_serial(z1, 3)), rr(z1, 15, b"\x00\x0a" + name("mail." + z1)),
             rr(z1, 6, soa_serial(z1, 3))]
    t.data(1, framed(header(0xe701, AUTH, 1, len(diffs), 0, 0) + question(z1, 251) + b"".join(diffs)))
    t.data(0, ixfr_query(0xe702, z2, 7))
    t.data(1, framed(header(0xe702, AUTH, 1, 1, 0, 0) + question(z2, 251) + rr(z2, 6, soa_serial(z2, 7))))
    t.data(0, ixfr_query(0xe703, z3, 1))
    zone = [rr(z3, 6, soa_serial(z3, 4)), rr(z3, 2, name("ns1." + z3)),
            rr("ns1." + z3, 1, bytes([192, 0, 2, 53])), rr("www." + z3, 1, bytes([192, 0, 2, 80])),
            rr(z3, 6, soa_serial(z3, 4))]
    t.data(1, framed(header(0xe703, AUTH, 1, len(zone), 0, 0) + question(z3, 251) + b"".join(zone)))
    t.data(0, ixfr_query(0xe704, z4, 1))
    later = [rr("www." + z4, 1, bytes([192, 0, 2, 9])), rr(z4, 6, soa_serial(z4, 5))]
    t.data(1, framed(header(0xe704, AUTH, 1, len(later), 0, 0) + question(z4, 251) + b"".join(later)))
    t.close()
    c.want = {(z1 + ".", "SOA", "IN", (soa_serial_text(z1, 3),), "answer"),
              (z2 + ".", "SOA", "IN", (soa_serial_text(z2, 7),), "answer"),
              (z3 + ".", "SOA", "IN", (soa_serial_text(z3, 4),), "answer"),
              (z3 + ".", "NS", "IN", ("ns1.%s." % z3,), "answer"),
              ("ns1.%s." % z3, "A", "IN", ("192.0.2.53",), "answer"),
              ("www.%s." % z3, "A", "IN", ("192.0.2.80",), "answer")}
    c.drops = {"drop.ixfr_changes": 11, "negatives": 0}
    c.tshark_only = {("www.%s." % z1, 1, 1), ("new.%s." % z1, 1, 1), (z1 + ".", 15, 1),
                     ("www.%s." % z4, 1, 1), (z4 + ".", 6, 1)}
    c.fields = {"dns.count.answers": ["0", "0", "0", "0", "10", "1", "5", "2"]}


# ---- multicast DNS ----

@case
def mdns_ipv6_reverse_and_owner_option(c):
    """Wireshark test/captures/dns-mdns.pcap (frame 22: an mDNS reverse PTR
    query for a link-local IPv6 address; announcements carrying an OPT
    pseudo-record; an HINFO answer; TXT records of several hundred octets):
    over IPv6 to ff02::fb, port 5353 both ways, a response to the reverse
    lookup of fe80::... (RFC 3596 2.5: 32 nibble labels under ip6.arpa),
    then an announcement of the host's AAAA, its HINFO (RFC 1035 3.3.2: two
    character-strings) and a DNS-SD TXT (RFC 6763 6: several strings, one of
    them empty, over 300 octets), all with the cache-flush bit (RFC 6762
    10.2: not part of the class) and an OPT with the EDNS0 Owner option
    (option 4, draft-cheshire-edns0-owner-option; RFC 6762 does not forbid
    EDNS(0) in multicast responses).  All kept as class IN; the OPT is
    never stored."""
    ll = "fe800000000000000211 22fffe334455".replace(" ", "")
    rev = ".".join(reversed(ll)) + ".ip6.arpa"
    c.send(header(0, 0x8400, 0, 1, 0, 0) + rr(rev, 12, name("host7.local"), ttl=120, rclass=0x8001),
           sport=5353, dport=5353, ipver=6)
    strings = ["txtvers=1", "", "model=" + "M" * 200, "osxvers=21", "note=" + "n" * 100]
    owner = struct.pack("!HH", 4, 8) + bytes([0, 1]) + bytes.fromhex("001122334455")
    w = (header(0, 0x8400, 0, 3, 0, 1)
         + rr("host7.local", 28, bytes.fromhex(ll), ttl=120, rclass=0x8001)
         + rr("host7.local", 13, b"\x05ARM64\x05Linux", ttl=4500, rclass=0x8001)
         + rr("host7._device-info._tcp.local", 16, txt_rdata(*strings), ttl=4500, rclass=0x8001)
         + opt(size=1440, options=owner))
    c.send(w, sport=5353, dport=5353, ipver=6)
    c.want = {(rev + ".", "PTR", "IN", ("host7.local.",), "answer"),
              ("host7.local.", "AAAA", "IN", ("fe80::211:22ff:fe33:4455",), "answer"),
              ("host7.local.", "HINFO", "IN", ('"ARM64" "Linux"',), "answer"),
              ("host7._device-info._tcp.local.", "TXT", "IN", (txt_text(*strings),), "answer")}
    c.no_drops = ALL_DNS_DROPS
    c.fields = {"dns.opt.code": ["4"], "dns.hinfo.cpu": ["ARM64"], "dns.hinfo.os": ["Linux"]}


# ---- negative answers ----

ROOT_SOA = (name("a.root-servers.net") + name("nstld.verisign-grs.com")
            + struct.pack("!IIIII", 2024010101, 1800, 900, 604800, 86400))
ROOT_SOA_TEXT = "a.root-servers.net. nstld.verisign-grs.com. 2024010101 1800 900 604800 86400"


@case
def wiresharkrepo_lookups(c):
    """Arkime tests/pcap/dns-wiresharkrepo.pcap (Wireshark's sample dns.cap;
    its .test lists twelve lookups): an AAAA for www.google.com answered
    with a CNAME to www.l.google.com and l.google.com's SOA, no AAAA -
    RFC 2308 2.2 NODATA of the CNAME's target (RFC 6604 2.1: the denial is
    of the chain's last name), the CNAME itself kept; a LOC for google.com,
    NOERROR, no answer, google.com's SOA: NODATA; an ANY for www.isc.org
    answered with an AAAA and an A - answered, no denial (RFC 8482 does not
    make ANY a denial either); an MX with six exchanges and their addresses
    as additional records; an AAAA for www.example.notginh, NXDOMAIN with
    the root's SOA (a TLD that does not exist)."""
    c.send(header(0x1032, ANSWER, 1, 1, 1, 0) + question("www.google.com", 28)
           + rr(PTR_Q, 5, name("www.l.google.com"), ttl=633)
           + rr("l.google.com", 6, soa_rdata("l.google.com"), ttl=60))
    c.send(header(0x1033, ANSWER, 1, 0, 1, 0) + question("google.com", 29)
           + rr(PTR_Q, 6, soa_rdata("google.com"), ttl=60))
    c.send(header(0x1034, ANSWER, 1, 2, 0, 0) + question("www.isc.org", 255)
           + rr(PTR_Q, 28, bytes.fromhex("200104f800000002000000000000000d"), ttl=600)
           + rr(PTR_Q, 1, bytes([204, 152, 184, 88]), ttl=600))
    mx = ["smtp%d.google.com" % k for k in range(1, 7)]
    c.send(header(0x1035, ANSWER, 1, 6, 0, 6) + question("google.com", 15)
           + b"".join(rr(PTR_Q, 15, struct.pack("!H", 10 if k < 4 else 40) + name(m), ttl=552)
                      for k, m in enumerate(mx))
           + b"".join(rr(m, 1, bytes([216, 239, 37, 20 + k]), ttl=600) for k, m in enumerate(mx)))
    c.send(header(0x1036, 0x8183, 1, 0, 1, 0) + question("www.example.notginh", 28)
           + rr(".", 6, ROOT_SOA, ttl=10800))
    isc6 = "2001:4f8:0:2::d"
    c.want = {("www.google.com.", "CNAME", "IN", ("www.l.google.com.",), "answer"),
              ("l.google.com.", "SOA", "IN", (soa_text("l.google.com"),), "authority"),
              ("google.com.", "SOA", "IN", (soa_text("google.com"),), "authority"),
              ("www.isc.org.", "AAAA", "IN", (isc6,), "answer"),
              ("www.isc.org.", "A", "IN", ("204.152.184.88",), "answer"),
              ("google.com.", "MX", "IN", tuple(sorted("%d %s." % (10 if k < 4 else 40, m)
                                                       for k, m in enumerate(mx))), "answer"),
              (".", "SOA", "IN", (ROOT_SOA_TEXT,), "authority")}
    c.want |= {(m + ".", "A", "IN", ("216.239.37.%d" % (20 + k),), "additional")
               for k, m in enumerate(mx)}
    c.negs = {("www.l.google.com.", "AAAA", "NOERROR"), ("google.com.", "LOC", "NOERROR"),
              ("www.example.notginh.", "AAAA", "NXDOMAIN")}


@case
def refused_iterative(c):
    """Arkime tests/pcap/dns-flags0000.pcap (its .test: a query with flags
    0x0000 - no RD - for flashservice.adobe.com A, answered 0x8005, REFUSED,
    the question echoed): a REFUSED to the name (lookback records REFUSED
    as a negative of the question, docs/ARCHITECTURE.md), then a REFUSED
    and a FORMERR with QDCOUNT 0 (RFC 1035 4.1.1 lets a server's error
    response leave the question out): no question, no name denied, nothing
    refused as malformed."""
    c.send(header(0xb2b5, 0x0000, 1, 0, 0, 0) + question("flashservice.adobe.com", 1),
           sport=40000 + c.idx, dport=53)
    c.send(header(0xb2b5, 0x8005, 1, 0, 0, 0) + question("flashservice.adobe.com", 1))
    c.send(header(0xb2b6, 0x8005, 0, 0, 0, 0))
    c.send(header(0xb2b7, 0x8001, 0, 0, 0, 0))
    c.negs = {("flashservice.adobe.com.", "A", "REFUSED")}
    c.no_drops = ALL_DNS_DROPS
    c.fields = {"dns.flags.rcode": ["5", "5", "1"]}


# ---- LLMNR ----

@case
def llmnr_tentative(c):
    """RFC 4795 2.1.1: an LLMNR response with the T (tentative) bit - the
    bit DNS calls RD - comes from a responder that has not yet verified its
    name is unique; its querier discards it (unless it answers the
    responder's own uniqueness query: then it reports a conflict).  A
    passive sensor records what was answered on the wire, not what a
    querier went on to use: the name was answered with that address, so
    the answer is kept, as tshark shows it (and as suricata-verify's
    tests/llmnr/*/create_pcap.py responses, built with scapy's DNS()
    whose defaults set RD, are answers).  Here, on port 5355: a response
    with T and C set, one with C alone (RFC 4795 2.1.1: the name is not
    unique - still an answer), one with neither; then a DNS response from
    port 53 to a client whose port is 5355, RD and AA set.  All four kept;
    tshark prints all four and reads the flags as LLMNR's."""
    c.send(header(0xe401, 0x8500, 1, 1, 0, 0) + question("lltent", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 41]), ttl=30), sport=5355)
    c.send(header(0xe402, 0x8400, 1, 1, 0, 0) + question("llconf", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 42]), ttl=30), sport=5355)
    c.send(header(0xe403, 0x8000, 1, 1, 0, 0) + question("llplain", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 43]), ttl=30), sport=5355)
    c.send(a_resp(0xe404, "dns-to-5355.example", 44, flags=AUTH), sport=53, dport=5355)
    c.want = {("lltent.", "A", "IN", ("192.0.2.41",), "answer"),
              ("llconf.", "A", "IN", ("192.0.2.42",), "answer"),
              ("llplain.", "A", "IN", ("192.0.2.43",), "answer"),
              a_want("dns-to-5355.example", 44)}
    c.fields = {"dns.flags.tentative": ["0", "0", "1"], "dns.flags.conflict": ["0", "1", "1"]}


# ---- ICMP ----

def icmp4(typ, code, body, ext=b"", length_words=0):
    m = struct.pack("!BBHBBH", typ, code, 0, 0, length_words, 0) + body + ext
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def icmp6(src, dst, typ, code, body):
    m = struct.pack("!BBHI", typ, code, 0, 0) + body
    return m[:2] + struct.pack("!H", l4_csum(src, dst, 58, m)) + m[4:]


def ip4_opts(src, dst, proto, payload, opts):
    """IPv4 with options (RFC 791 3.1: IHL counts 32-bit words)."""
    hl = 20 + len(opts)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, 0, hl + len(payload), 0x77, 0, 64, proto,
                      0, src, dst) + opts
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


@case
def icmp_unreachable_codes(c):
    """dns-stats/compactor test-scripts/nsd-live.info and knot-live.info
    (their "ICMP DEST UNREACHABLE" tables: codes 1, 3 and 13; ICMPv6 codes
    1, 3 and 4, from a live authoritative server) and teststats.pcap (three
    port unreachables quoting queries), and Wireshark test/captures/
    dns+icmp.pcapng: responses that came back to their server quoted whole
    in ICMP errors (RFC 792; RFC 4443 3.1), each a message lookback reads
    with the quoted addresses (docs/ARCHITECTURE.md): administratively
    prohibited (3/13), host unreachable (3/1) quoting an IPv4 header with
    options (a Router Alert, RFC 2113), port unreachable (3/3) with an RFC
    4884 extension (the quote padded to 128 octets, its length in the ICMP
    header, then an extension structure), and ICMPv6 administratively
    prohibited (1/1) and address unreachable (1/3); and a port unreachable
    quoting a query (nothing to keep).  tshark decodes each quote too and
    keeps the same records."""
    srv, cli = c.addrs()
    r1 = a_resp(0xe501, "prohib.example.com", 51)
    c.send_ip(ip4(cli, srv, 1, icmp4(3, 13, ip4(srv, cli, 17, udp_dgram(srv, cli, 53, 41001, r1)))))
    r2 = a_resp(0xe502, "hostunr.example.com", 52)
    q2 = ip4_opts(srv, cli, 17, udp_dgram(srv, cli, 53, 41002, r2), b"\x94\x04\x00\x00")
    c.send_ip(ip4(cli, srv, 1, icmp4(3, 1, q2)))
    r3 = a_resp(0xe503, "rfc4884.example.com", 53)
    q3 = ip4(srv, cli, 17, udp_dgram(srv, cli, 53, 41003, r3))
    assert len(q3) < 128
    # version 2, checksum; one MPLS label stack object (RFC 4950: class 1, c-type 1)
    ext = struct.pack("!BBH", 0x20, 0, 0) + struct.pack("!HBBI", 8, 1, 1, (16 << 12) | 0x100 | 1)
    ext = ext[:2] + struct.pack("!H", csum(ext)) + ext[4:]
    c.send_ip(ip4(cli, srv, 1, icmp4(3, 3, q3.ljust(128, b"\0"), ext, length_words=32)))
    s6 = bytes.fromhex("20010db8000000000000000000000053")
    d6 = bytes.fromhex("20010db80000000000000000000000%02x" % c.idx)
    for k, code in enumerate((1, 3)):
        r = a_resp(0xe504 + k, "v6code%d.example.com" % code, 54 + k)
        q6 = ip6(s6, d6, 17, udp_dgram(s6, d6, 53, 41004 + k, r))
        c.send_ip(ip6(d6, s6, 58, icmp6(d6, s6, 1, code, q6)), ipver=6)
    qq = header(0xe506, 0x0100, 1, 0, 0, 0) + question("query.example.com", 1)
    c.send_ip(ip4(srv, cli, 1, icmp4(3, 3, ip4(cli, srv, 17, udp_dgram(cli, srv, 41006, 53, qq)))))
    names = ["prohib", "hostunr", "rfc4884", "v6code1", "v6code3"]
    c.want = {a_want("%s.example.com" % n, 51 + k) for k, n in enumerate(names)}
    c.no_drops = ALL_DNS_DROPS + ("drop.ip_truncated", "drop.not_udp_tcp", "drop.udp_bad_length")
    c.fields = {"dns.a": ["192.0.2.%d" % (51 + k) for k in range(5)],
                "icmp.ext.class": ["1"]}


# ---- ports and protocols lookback does not read ----

@case
def doh_cleartext_http(c):
    """nDPI tests/cfgs/default/pcap/doh.pcapng and dns_doh.pcap (DNS over
    HTTPS, RFC 8484), here as the one form a capture can read: HTTP/1.1 on
    port 80, a POST of application/dns-message and its 200 response with
    the DNS response as body (RFC 8484 4.1, 4.2).  RFC 8484 8.1 wants
    HTTPS, and a port-53 sensor reads DNS on DNS ports only: lookback
    reads neither (not_dns_port).  tshark decodes the body by its media
    type: `tshark_only`."""
    srv, cli = c.addrs()
    q = header(0, 0x0100, 1, 0, 0, 0) + question("doh.example.com", 1)
    r = a_resp(0, "doh.example.com", 61)
    req = (b"POST /dns-query HTTP/1.1\r\nHost: doh.example\r\nContent-Type: application/dns-message\r\n"
           b"Accept: application/dns-message\r\nContent-Length: %d\r\n\r\n" % len(q)) + q
    resp = (b"HTTP/1.1 200 OK\r\nContent-Type: application/dns-message\r\nCache-Control: max-age=300\r\n"
            b"Content-Length: %d\r\n\r\n" % len(r)) + r
    t = ut.TcpFlow(c, port=80)
    t.data(0, req)
    t.data(1, resp)
    t.close()
    c.tshark_only = {("doh.example.com.", 1, 1)}
    c.fields = {"http.content_type": ["application/dns-message", "application/dns-message"]}


# ---- data that looks odd and is data ----

@case
def exfil_labels_and_blocked_answers(c):
    """nDPI tests/cfgs/default/pcap/dns-exf.pcap (its .out: a name of
    underscores and labels ending in a hyphen, "DNS Record with zero TTL")
    and dns2.pcap (www.github.com answered 0.0.0.0, as a blocking resolver
    does): labels outside the host-name rules (RFC 2181 11: any octets;
    RFC 952's letters-digits-hyphen is for host names only), a TTL of 0
    (RFC 1035 3.2.1: use, do not cache - still an observation), and the
    null answers a filtering resolver gives (A 0.0.0.0, AAAA ::): all
    data, kept as sent."""
    ex = "4sicn03_2qaa3rlc3qudhh0aavjycxwakjehelu5klueow0zjxulgage-.4s2fgaaaa__-.test.txt"
    c.send(header(0xffd5, ANSWER, 1, 1, 0, 0) + question(ex, 1)
           + rr(PTR_Q, 1, bytes([10, 0, 0, 1]), ttl=0))
    c.send(header(0xe601, ANSWER, 1, 1, 0, 0) + question("www.github.com", 1)
           + rr(PTR_Q, 1, bytes(4), ttl=10))
    c.send(header(0xe602, ANSWER, 1, 1, 0, 0) + question("www.github.com", 28)
           + rr(PTR_Q, 28, bytes(16), ttl=10))
    c.want = {(ex + ".", "A", "IN", ("10.0.0.1",), "answer"),
              ("www.github.com.", "A", "IN", ("0.0.0.0",), "answer"),
              ("www.github.com.", "AAAA", "IN", ("::",), "answer")}
    c.no_drops = ALL_DNS_DROPS
    c.fields = {"dns.resp.ttl": ["0", "10", "10"]}


if __name__ == "__main__":
    sys.exit(ut.main(CASES))
