#!/usr/bin/python3
"""Part 3 of upstream_tshark.py: DNS messages modelled on the test captures
of DNS-OARC (dnsjit), google/gopacket, Zeek's traces outside Traces/dns
and suricata-verify's bug tests, which parts 1 and 2 did not survey.

The same three checks as upstream_tshark.py (its docstring says what they
are), the same builders and the same runner: each case names the upstream
capture it rebuilds and says, by the RFCs, what a correct decoder makes of
it and where tshark differs.  Prints TAP.  UPSTREAM_KEEP=DIR keeps the
pcaps.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import upstream_tshark as ut  # noqa: E402
from upstream_tshark import (ANSWER, AUTH, PTR_Q, a_resp, a_want, header, name,  # noqa: E402
                             opt, question, rr, soa_rdata, soa_text)
from reasm_tshark import ip4, udp_dgram  # noqa: E402

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def ecs(family, source, scope, addr):
    """An EDNS Client Subnet option (RFC 7871 6)."""
    data = struct.pack("!HBB", family, source, scope) + addr
    return struct.pack("!HH", 8, len(data)) + data


@case
def ecs_malformed(c):
    """zeek dns-edns-ecs-bad.pcap and dns-edns-ecs-weirds.pcap: responses
    whose OPT holds a Client Subnet option Zeek flags: an IPv4 source prefix
    of 33 (RFC 7871 6: at most 32), an address longer than the prefix needs
    (6: ceil(prefix/8) octets, no more), and an unknown family.  The option
    is the OPT's business alone (RFC 6891 6.1.2: options are end to end);
    the answers are whole records and kept.  tshark decodes the options
    without complaint."""
    bad = (ecs(1, 33, 0, bytes([192, 0, 2, 0, 1])),
           ecs(1, 8, 0, bytes([198, 51, 100, 0])),
           ecs(3, 16, 0, b"\x01\x02"))
    for k, o in enumerate(bad):
        c.send(header(0xc001 + k, ANSWER, 1, 1, 0, 1) + question("ecs%d.example.com" % k, 1)
               + rr(PTR_Q, 1, bytes([192, 0, 2, 40 + k])) + opt(options=o))
    c.want = {a_want("ecs%d.example.com" % k, 40 + k) for k in range(3)}
    c.fields = {"dns.opt.client.family": ["1", "1", "3"],
                "dns.opt.client.netmask": ["16", "33", "8"]}


@case
def ede_and_padding(c):
    """DNS-OARC dnsjit/dsc dnspad.pcap's kin and RFC 8914: a stale answer
    (EDE info-code 3, Stale Answer, with EXTRA-TEXT) padded to a block
    (RFC 7830 Padding, option 12, zero octets: RFC 8467 block size 468), and
    a SERVFAIL carrying EDE 6 (DNSSEC Bogus) and no records.  The A is kept;
    the SERVFAIL is a negative observation of the name and type, as lookback
    keeps every SERVFAIL (REFERENCE.md: NXDOMAIN and SERVFAIL are the
    negative data set), the EDE notwithstanding: RFC 8914 3 makes it
    information, no change to the RCODE's meaning."""
    ede = struct.pack("!HHH", 15, 2 + 5, 3) + b"stale"
    msg = (header(0xc101, ANSWER, 1, 1, 0, 1) + question("stale.example.com", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 50])))
    pad = 468 - (len(msg) + 11 + len(ede) + 4) % 468
    c.send(msg + opt(options=ede + struct.pack("!HH", 12, pad) + bytes(pad)))
    c.send(header(0xc102, 0x8182, 1, 0, 0, 1) + question("bogus.example.com", 1)
           + opt(options=struct.pack("!HHH", 15, 2, 6)))
    c.want = {a_want("stale.example.com", 50)}
    c.negs = {("bogus.example.com.", "A", "SERVFAIL")}
    c.fields = {"dns.opt.ext_error.info_code": ["3", "6"], "dns.opt.ext_error.extra_text": ["stale"]}


@case
def root_referral(c):
    """gopacket layers/dns_test.go testBlankNameRootQuery: a referral to the
    root (0 answers, NS records owned by the root in the authority section,
    their owner the single zero octet, RFC 1035 3.1) with glue A records
    whose owners point into the NS RDATA (RFC 1035 4.1.4: a pointer to any
    earlier name).  A referral is no negative answer (RFC 2308 2.2: it has
    NS and no SOA); the NS RRset and the glue are kept."""
    msg = header(0xc201, 0x8100, 1, 0, 3, 3) + question("nx.glue.example", 1)
    offs = []
    for letter in "abc":
        offs.append(len(msg) + 11)  # past the owner octet and the fixed part: the NS name
        msg += rr(".", 2, name(letter + ".root-servers.net"), ttl=518400)
    for k, o in enumerate(offs):
        msg += rr(struct.pack("!H", 0xC000 | o), 1, bytes([198, 41, 0, 4 + k]), ttl=518400)
    c.send(msg)
    c.want = {(".", "NS", "IN", tuple("%s.root-servers.net." % x for x in "abc"), "authority")}
    for k, x in enumerate("abc"):
        c.want.add(("%s.root-servers.net." % x, "A", "IN", ("198.41.0.%d" % (4 + k),), "additional"))


@case
def mixed_case_0x20(c):
    """dns-0x20 (draft-vixie-dnsext-dns0x20; what suricata-verify's and
    Zeek's captures of Unbound/PowerDNS resolvers show): a question in mixed
    case, the answer's owner a pointer to it, a CNAME target and an MX
    exchange in mixed case too.  Names compare without case (RFC 4343 3);
    lookback reports them in lower case, tshark as sent (tshark_compare
    compares without case)."""
    msg = (header(0xc301, ANSWER, 1, 2, 0, 0) + question("wWw.ExAmPlE.CoM", 15)
           + rr(PTR_Q, 5, name("MaIl.ExAmPlE.CoM"))
           + rr(b"\xc0\x2d", 15, struct.pack("!H", 10) + name("Mx1.Example.COM")))
    c.send(msg)
    c.want = {("www.example.com.", "CNAME", "IN", ("mail.example.com.",), "answer"),
              ("mail.example.com.", "MX", "IN", ("10 mx1.example.com.",), "answer")}
    c.fields = {"dns.qry.name": ["wWw.ExAmPlE.CoM"], "dns.cname": ["MaIl.ExAmPlE.CoM"],
                "dns.mx.mail_exchange": ["Mx1.Example.COM"]}


@case
def compression_into_rdata(c):
    """Compression edge cases (RFC 1035 4.1.4 allows a pointer to any
    earlier name, the tail of one included): an owner that points to the
    tail of an SOA's RNAME inside RDATA, and a name whose pointer lands on
    another pointer (a chain, each step backwards).  Both decoders follow
    them to the same names."""
    zone = "chain.example"
    msg = header(0xc401, AUTH, 1, 1, 0, 2) + question("q." + zone, 6)
    soa_at = len(msg) + 2 + 10
    msg += rr(b"\xc0\x0e", 6, soa_rdata(zone))  # the owner: the question's name past "q."
    rname_tail = soa_at + len(name("ns1." + zone)) + 1 + len("hostmaster")  # "chain.example" in RNAME
    own1 = len(msg)
    msg += rr(b"\x03www" + struct.pack("!H", 0xC000 | rname_tail), 1, bytes([192, 0, 2, 60]))
    msg += rr(b"\x04www2" + struct.pack("!H", 0xC000 | (own1 + 4)), 1, bytes([192, 0, 2, 61]))
    c.send(msg)
    c.want = {(zone + ".", "SOA", "IN", (soa_text(zone),), "answer"),
              ("www." + zone + ".", "A", "IN", ("192.0.2.60",), "additional"),
              ("www2." + zone + ".", "A", "IN", ("192.0.2.61",), "additional")}


@case
def ethernet_trailer_udp_short(c):
    """DNS-OARC dnsjit src/test/46vs45.pcap (test_padding.gold: one octet of
    padding after the payload) and suricata-verify
    bug-5693-invalid-length-padded-packet: a small response in a frame
    padded to Ethernet's 60-octet minimum (IEEE 802.3; the IP total length
    says where the packet ends, RFC 791), and a datagram whose UDP length is
    one octet short of the IP payload (RFC 768: the length is the
    datagram's; what follows is not DNS).  Both responses are read to their
    own ends."""
    srv, cli = c.addrs()
    w1 = header(0xc501, ANSWER, 1, 1, 0, 0) + question("p", 1) + rr(PTR_Q, 1, bytes([192, 0, 2, 70]))
    c.send_ip(ip4(srv, cli, 17, udp_dgram(srv, cli, 53, 40000 + c.idx, w1)) + bytes(3))
    w2 = a_resp(0xc502, "pad2.example.com", 71)
    c.send_ip(ip4(srv, cli, 17, udp_dgram(srv, cli, 53, 40000 + c.idx, w2) + b"\xff"))
    c.want = {("p.", "A", "IN", ("192.0.2.70",), "answer"), a_want("pad2.example.com", 71)}


def txt(*strings):
    return b"".join(bytes([len(s)]) + s for s in strings)


@case
def dnssd_browse(c):
    """zeek Traces/dns/mdns.pcap and wikipedia.pcap's mDNS, Arkime's and
    Zeek's DNS-SD traffic: a multicast response to a service browse (RFC
    6763 4, 9, 6): PTR from _services._dns-sd._udp.local and from
    _ipp._tcp.local to an instance whose label holds spaces and a dot
    (RFC 6763 4.3: any UTF-8; a dot is \\. in presentation form, RFC 4343
    2.1), its SRV and TXT (key=value strings, one empty: RFC 6763 6.1) with
    the cache-flush bit (RFC 6762 10.2), and an mDNS NSEC in the additional
    section (RFC 6762 6.1: only types below 256 in its bitmap).  Owners
    are reported in lower case (RFC 4343); the NSEC's next name keeps its
    case, as RFC 6840 5.1 took NSEC out of RFC 4034 6.2's lower-cased list
    (lookback's rdata.c)."""
    inst = b"\x0fLab Printer 2.0\x04_ipp\x04_tcp\x05local\x00"
    inst_text = "lab\\032printer\\0322\\.0._ipp._tcp.local."
    host = name("lab-printer.local")
    msg = header(0, 0x8400, 0, 4, 0, 1)
    msg += rr("_services._dns-sd._udp.local", 12, name("_ipp._tcp.local"), ttl=4500)
    msg += rr("_ipp._tcp.local", 12, inst, ttl=4500)
    msg += rr(inst, 33, struct.pack("!HHH", 0, 0, 631) + host, ttl=120, rclass=0x8001)
    msg += rr(inst, 16, txt(b"txtvers=1", b"rp=ipp/print", b""), ttl=4500, rclass=0x8001)
    msg += rr(inst, 47, inst + bytes([0, 5, 0, 0, 0x80, 0, 0x40]), ttl=120, rclass=0x8001)
    c.send(msg, sport=5353, dport=5353, multicast=True)
    c.want = {("_services._dns-sd._udp.local.", "PTR", "IN", ("_ipp._tcp.local.",), "answer"),
              ("_ipp._tcp.local.", "PTR", "IN", (inst_text,), "answer"),
              (inst_text, "SRV", "IN", ("0 0 631 lab-printer.local.",), "answer"),
              (inst_text, "TXT", "IN", ('"txtvers=1" "rp=ipp/print" ""',), "answer"),
              (inst_text, "NSEC", "IN", (inst_text.replace("lab", "Lab").replace("printer", "Printer")
                                         + " TXT SRV",), "additional")}


@case
def llmnr_unicast(c):
    """zeek scripts/base/protocols/dns/generate-unicast-mdns-llmnr.py: bare
    headers of opcode 15 (unassigned, RFC 6895 2.2) sent unicast to the mDNS
    and LLMNR ports, then an LLMNR response (RFC 4795 2.1.1: the C, TC, T
    flags; port 5355).  The headers hold no records; the LLMNR answer is
    kept."""
    c.send(header(0, 0x7800, 0, 0, 0, 0), sport=40000 + c.idx, dport=5353)
    c.send(header(0, 0x7800, 0, 0, 0, 0), sport=40000 + c.idx, dport=5355)
    c.send(header(0xc701, 0x8000, 1, 1, 0, 0) + question("wpad", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 80]), ttl=30), sport=5355)
    c.want = {("wpad.", "A", "IN", ("192.0.2.80",), "answer")}


@case
def mdns_known_answers_and_probe(c):
    """zeek Traces/dns/mdns.pcap's queries and RFC 6762's: an mDNS query
    (QR 0) asking for unicast replies (the QU bit, 5.4) with a known answer
    in its answer section (7.1: a record the querier already holds, so the
    responder stays quiet), and a probe (8.1, 8.2) with the SRV it means to
    claim in its authority section.  Neither is an answer from the name's
    responder: a known answer is the querier's cached copy and a probe's
    record is tentative until no one objects.  lookback observes responses
    only and keeps neither; tshark lists both records."""
    q = (header(0, 0, 1, 1, 0, 0) + question("_ipp._tcp.local", 12, 0x8001)
         + rr(PTR_Q, 12, name("old._ipp._tcp.local"), ttl=4000))
    c.send(q, sport=5353, dport=5353, multicast=True)
    probe = (header(0, 0, 1, 0, 1, 0) + question("new._ipp._tcp.local", 255, 0x8001)
             + rr(PTR_Q, 33, struct.pack("!HHH", 0, 0, 631) + name("new-host.local"), ttl=120))
    c.send(probe, sport=5353, dport=5353, multicast=True)
    c.tshark_only = {("_ipp._tcp.local.", 12, 1), ("new._ipp._tcp.local.", 33, 1)}


@case
def http_on_port_53(c):
    """gopacket layers/dns_test.go testDNSMalformedPacket: a line of HTTP
    ("GET / HTTP/1.1", Host) sent over UDP to port 53.  Read as DNS its
    flags "T " hold opcode 10, which no RFC assigns (RFC 6895 2.2), and its
    counts claim thousands of records: lookback stops at the opcode and
    counts the datagram dns_not_dns; tshark reads on until the first name
    runs past the end (RFC 1035 4.1.4) and marks the frame Malformed.
    Neither finds a record."""
    c.send(b"GET / HTTP/1.1\r\nHost: www\r\n\r\n", sport=40000 + c.idx, dport=53)
    c.drops = {"drop.dns_not_dns": 1}
    c.malformed = True


@case
def opt_misplaced_or_twice(c):
    """Zeek's and tcpdump's EDNS traces (dns-edns-*, edns-opts) push OPT
    handling; here the two placements RFC 6891 6.1.1 forbids: an OPT in the
    answer section, and two OPTs in the additional section (a request like
    that earns FORMERR; a response is still its records).  The OPT is no
    data (a pseudo-RR, 6.1.1); each A is kept, by both decoders."""
    c.send(header(0xc801, ANSWER, 1, 2, 0, 0) + question("optans.example.com", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 90])) + opt())
    c.send(header(0xc802, ANSWER, 1, 1, 0, 2) + question("opt2.example.com", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 91])) + opt() + opt(size=512))
    c.want = {a_want("optans.example.com", 90), a_want("opt2.example.com", 91)}


@case
def mdns_legacy_unicast(c):
    """The mDNS responses of Zeek's mdns.pcap and wikipedia.pcap answer on
    5353; a legacy unicast reply (RFC 6762 6.7) goes from 5353 to the
    querier's own port, echoes its question, here with the QU bit set in
    the question's class (5.4), and sets the cache-flush bit on its answer
    (10.2).  Both bits leave the class IN; the A is kept."""
    c.send(header(0xc901, 0x8400, 1, 1, 0, 0) + question("qu.local", 1, 0x8001)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 92]), rclass=0x8001), sport=5353)
    c.want = {("qu.local.", "A", "IN", ("192.0.2.92",), "answer")}


if __name__ == "__main__":
    sys.exit(ut.main(CASES))
