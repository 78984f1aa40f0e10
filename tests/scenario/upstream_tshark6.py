#!/usr/bin/python3
"""Part 6 of upstream_tshark.py: DNS traffic modelled on the suricata-verify
tests/dns (and tests/7.0) tests parts 1-5 did not rebuild and whose captures
../shared/data/captures does not copy, and on the test material of DNS-OARC's
dnsperf (src/test: datafiles, update file, blobs), dsc (src/test datasets)
and PacketQ (src/test/test8: the RFC 1035 escape capture).  Each case names
the upstream test it follows and builds traffic of that shape of our own.

The same three checks as upstream_tshark.py (its docstring says what they
are), the same builders and the same runner; a drop counter a case lists
as 0 must not have been counted at all.  Prints TAP.  UPSTREAM_KEEP=DIR
keeps the pcaps.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import upstream_tshark as ut  # noqa: E402
from upstream_tshark import (ANSWER, AUTH, PTR_Q, TcpFlow, a_resp, a_want, framed,  # noqa: E402
                             header, name, opt, question, rr, soa_rdata, soa_text, svc_param,
                             alpn)
from reasm_tshark import ip4, ip6, udp_dgram  # noqa: E402

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


@case
def query_carrying_answers(c):
    """suricata-verify tests/dns/dns-answer-name (dns-udp-request-with-
    answer.pcap: a request made with Scapy to hold an answer, then a real
    server's response): a query (QR 0, RFC 1035 4.1.1) whose answer count
    is 1, its record an A for a name of the client's choosing, then the
    response.  A query states nothing about the zone: only the response's
    record is kept.  tshark prints the query's record too."""
    cport = 40000 + c.idx
    c.send(header(0xe101, 0x0100, 1, 1, 0, 0) + question("www.oisf.example", 1)
           + rr("planted.oisf.example", 1, bytes([192, 0, 2, 66])), sport=cport, dport=53)
    c.send(a_resp(0xe101, "www.oisf.example", 67))
    c.want = {a_want("www.oisf.example", 67)}
    c.drops = {"dns_queries": 1, "dns_responses": 1}
    c.tshark_only = {("planted.oisf.example.", 1, 1)}


@case
def https_alias_service_and_ddr(c):
    """suricata-verify tests/dns/dns-eve-log-https-only (and its 7.0 and v2
    forms; Redmine 4751's capture of HTTPS lookups): HTTPS records in both
    modes (RFC 9460 2.4): AliasMode at a zone apex (priority 0, a target,
    no SvcParams), ServiceMode with mandatory, alpn, no-default-alpn and
    port (RFC 9460 7, 8: keys in increasing order, mandatory not listing
    itself), and the SVCB records of a DDR lookup (RFC 9462 4:
    _dns.resolver.arpa) with dohpath (RFC 9461 5, key 7) and ohttp (RFC
    9540 4, key 8, no value).  All kept, in BIND's presentation.  tshark
    4.0 takes key 8 for the draft odohconfig and key 7 for an unknown key;
    the `fields` hold what it decodes of the rest."""
    c.send(header(0xe201, ANSWER, 1, 1, 0, 0) + question("example.org", 65)
           + rr(PTR_Q, 65, struct.pack("!H", 0) + name("cdn.example.net")))
    svc = (struct.pack("!H", 1) + b"\0" + svc_param(0, struct.pack("!HH", 1, 3))
           + svc_param(1, alpn("h2", "h3")) + svc_param(2, b"") + svc_param(3, struct.pack("!H", 8443)))
    c.send(header(0xe202, ANSWER, 1, 1, 0, 0) + question("svc.example.org", 65) + rr(PTR_Q, 65, svc))
    doh = (struct.pack("!H", 1) + name("doh.example.net") + svc_param(1, alpn("h2"))
           + svc_param(3, struct.pack("!H", 443)) + svc_param(7, b"/dns-query{?dns}"))
    odoh = (struct.pack("!H", 2) + name("doh.example.net") + svc_param(1, alpn("h3"))
            + svc_param(7, b"/dns-query{?dns}") + svc_param(8, b""))
    c.send(header(0xe203, ANSWER, 1, 2, 0, 0) + question("_dns.resolver.arpa", 64)
           + rr(PTR_Q, 64, doh) + rr(PTR_Q, 64, odoh))
    c.want = {("example.org.", "HTTPS", "IN", ("0 cdn.example.net.",), "answer"),
              ("svc.example.org.", "HTTPS", "IN",
               ('1 . mandatory=alpn,port alpn="h2,h3" no-default-alpn port=8443',), "answer"),
              ("_dns.resolver.arpa.", "SVCB", "IN",
               ('1 doh.example.net. alpn="h2" port=443 dohpath="/dns-query{?dns}"',
                '2 doh.example.net. alpn="h3" dohpath="/dns-query{?dns}" ohttp'), "answer")}
    c.fields = {"dns.svcb.svcpriority": ["0", "1", "1", "2"],
                "dns.svcb.svcparam.mandatory.key": ["1", "3"],
                "dns.svcb.svcparam.port": ["443", "8443"]}


TEREDO_SRV = bytes.fromhex("20010db8000000000000000000000053")
TEREDO_CLI = bytes.fromhex("20010000c633640000000000cb007164")  # 2001::/32, RFC 4380 4


@case
def teredo_origin_and_auth(c):
    """suricata-verify tests/7.0/decode-teredo-01 (Zeek's Traces/tunnels/
    Teredo.pcap): IPv6 in UDP from the Teredo port 3544 (RFC 4380 5.1).
    Three responses: bare; after an origin indication (5.1.1: 0x0000, the
    obfuscated port and address, 8 octets); after an authentication header
    (5.1.1: 0x0001, ID-len 4, AU-len 0, a client identifier, the 8-octet
    nonce and the confirmation octet) and an origin indication.  Then a
    bubble (an IPv6 header, Next Header 59, no payload: 5.2.6) carrying
    nothing.  The three answers are kept; tshark decodes them too."""
    srv4, cli4 = c.addrs()
    origin = b"\x00\x00" + struct.pack("!H", 0xFFFF ^ 40000) + bytes(b ^ 0xFF for b in cli4)
    auth = b"\x00\x01\x04\x00" + b"cli1" + bytes(range(8)) + b"\x00"
    for k, pre in enumerate((b"", origin, auth + origin)):
        wire = a_resp(0xe301 + k, "teredo%d.example.com" % k, 121 + k)
        inner = ip6(TEREDO_SRV, TEREDO_CLI, 17, udp_dgram(TEREDO_SRV, TEREDO_CLI, 53, 41000, wire))
        c.send_ip(ip4(srv4, cli4, 17, udp_dgram(srv4, cli4, 3544, 40000 + c.idx, pre + inner)))
    bubble = ip6(TEREDO_SRV, TEREDO_CLI, 59, b"")
    c.send_ip(ip4(srv4, cli4, 17, udp_dgram(srv4, cli4, 3544, 40000 + c.idx, bubble)))
    c.want = {a_want("teredo%d.example.com" % k, 121 + k) for k in range(3)}
    c.fields = {"teredo.auth.idlen": ["4"], "teredo.auth.aulen": ["0"],
                "teredo.orig.port": ["40000", "40000"]}


def tsig(key, alg, error=0, mac=bytes(32), other=b"", orig=0):
    """A TSIG record (RFC 8945 4.2): class ANY, TTL 0, last in the message."""
    rd = (name(alg) + struct.pack("!HIH", 0, 1710000000, 300) + struct.pack("!H", len(mac)) + mac
          + struct.pack("!HHH", orig, error, len(other)) + other)
    return rr(key, 250, rd, ttl=0, rclass=255)


@case
def update_request_and_response(c):
    """DNS-OARC dnsperf src/test/updatefile (test2.sh: dnsperf -u with each
    -y hmac-*): a dynamic update (opcode 5, RFC 2136) of example.com: the
    zone section's SOA question; prerequisites "require a" (2.4.4: type and
    class ANY), "require a A" (2.4.1: class ANY, no RDATA) and "prohibit x"
    (2.4.5: class NONE, type ANY); updates "add x 3600 A" (2.5.1: class IN),
    "delete y A <addr>" (2.5.4: class NONE, TTL 0), "delete z A" (2.5.2:
    class ANY) and "delete w" (2.5.3: type and class ANY); a TSIG last
    (RFC 8945 4.2).  Then the server's NOERROR and, to a second update, its
    YXDOMAIN (RFC 2136 2.2: a prerequisite failed), both signed.  A request
    for changes is no answer to a query and an UPDATE response carries no
    data: nothing is kept, no denial.  tshark lists the sections as Zone,
    Prerequisites and Updates, which tshark_compare does not read."""
    cport = 40000 + c.idx
    key = "test"
    req = (header(0xe401, 0x2800, 1, 3, 4, 1) + question("example.com", 6)
           + rr("a.example.com", 255, b"", ttl=0, rclass=255)
           + rr("a.example.com", 1, b"", ttl=0, rclass=255)
           + rr("x.example.com", 255, b"", ttl=0, rclass=254)
           + rr("x.example.com", 1, bytes([192, 0, 2, 131]), ttl=3600)
           + rr("y.example.com", 1, bytes([192, 0, 2, 132]), ttl=0, rclass=254)
           + rr("z.example.com", 1, b"", ttl=0, rclass=255)
           + rr("w.example.com", 255, b"", ttl=0, rclass=255)
           + tsig(key, "hmac-sha256", orig=0xe401))
    c.send(req, sport=cport, dport=53)
    c.send(header(0xe401, 0xA800, 1, 0, 0, 1) + question("example.com", 6)
           + tsig(key, "hmac-sha256", orig=0xe401))
    c.send(header(0xe402, 0x2800, 1, 1, 1, 1) + question("example.com", 6)
           + rr("v.example.com", 255, b"", ttl=0, rclass=254)
           + rr("v.example.com", 1, bytes([192, 0, 2, 133]), ttl=3600)
           + tsig(key, "hmac-sha256", orig=0xe402), sport=cport, dport=53)
    c.send(header(0xe402, 0xA806, 1, 0, 0, 1) + question("example.com", 6)
           + tsig(key, "hmac-sha256", orig=0xe402))
    c.drops = {"dns_queries": 2, "dns_responses": 2, "drop.dns_bad_record": 0}
    c.fields = {"dns.flags.opcode": ["5", "5", "5", "5"],
                "dns.tsig.algorithm_name": ["hmac-sha256"] * 4,
                "dns.flags.rcode": ["0", "6"]}


@case
def meta_classes_outside_update(c):
    """The update's deletions out of place: a response of opcode QUERY
    whose answer holds an A of class ANY and an AAAA of class NONE, both
    without RDATA (the shapes of RFC 2136 2.5.2 and 2.4.1, which give them
    meaning in an UPDATE alone; RFC 6895 3.2: ANY and NONE are QCLASSes,
    no data is of them), then the A of class IN.  An A is 4 octets, an
    AAAA 16 (RFC 1035 3.4.1, RFC 3596 2.2): the two are bad records
    (dns_bad_record), the IN A is kept.  tshark prints all three."""
    owner = "del.example.com"
    c.send(header(0xe501, ANSWER, 1, 3, 0, 0) + question(owner, 1)
           + rr(PTR_Q, 1, b"", rclass=255) + rr(PTR_Q, 28, b"", rclass=254)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 141])))
    c.want = {a_want(owner, 141)}
    c.drops = {"drop.dns_bad_record": 2}
    c.tshark_only = {(owner + ".", 1, 255), (owner + ".", 28, 254)}


@case
def tsig_signed_and_errors(c):
    """DNS-OARC dnsperf -y hmac-sha256 (test2.sh): TSIG-signed traffic (RFC
    8945).  A signed answer: an OPT, then the TSIG, which must be last
    (4.2); a NOTAUTH (rcode 9) with TSIG error BADSIG (16) and no MAC
    (5.3.2: the reply to a bad signature is unsigned); a NOTAUTH with
    BADTIME (18), signed, the server's time in Other Data (5.2.3).  TSIG
    is a meta-RR (RFC 6895 3.1), never data; NOTAUTH is no denial of the
    name (RFC 2845 / 8945: a key problem), so no negative.  The A is
    kept."""
    c.send(header(0xe601, ANSWER, 1, 1, 0, 2) + question("signed.example.com", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 151])) + opt()
           + tsig("test", "hmac-sha256", orig=0xe601))
    c.send(header(0xe602, 0x8189, 1, 0, 0, 1) + question("badsig.example.com", 1)
           + tsig("test", "hmac-sha256", error=16, mac=b"", orig=0xe602))
    c.send(header(0xe603, 0x8189, 1, 0, 0, 1) + question("badtime.example.com", 1)
           + tsig("test", "hmac-sha256", error=18, other=struct.pack("!HI", 0, 1710009999),
                  orig=0xe603))
    c.want = {a_want("signed.example.com", 151)}
    c.fields = {"dns.tsig.error": ["0", "16", "18"]}


def frag4(c, src, dst, payload, ident, piece=1480, last_off=None):
    """An IPv4 datagram of protocol UDP sent as fragments of `piece` octets;
    `last_off` moves the last fragment (in 8-octet units) elsewhere."""
    offs = list(range(0, len(payload), piece))
    for k, off in enumerate(offs):
        more = k + 1 < len(offs)
        at = off if more or last_off is None else last_off
        c.send_ip(ip4(src, dst, 17, payload[off:off + piece], ident,
                      (0x2000 if more else 0) | (at // 8)))


@case
def largest_udp_over_ipv4(c):
    """DNS-OARC dnsperf src/test/largestudp.blob (test7.sh: the largest
    message UDP carries over IPv4): a response of 65507 octets (RFC 791:
    Total Length 65535, less 20 for the IP header and 8 for UDP; RFC 6891
    6.2.5 lets EDNS ask for up to 65535) with 4000 A records and a
    padding option (RFC 7830) to fill it, in 45 fragments.  Reassembled,
    its one RRset of 4000 addresses is kept.  Then a datagram whose last
    fragment would end past octet 65535 (the "ping of death" shape, RFC
    791: impossible): given up (frag_bad); tshark does not reassemble it
    either."""
    srv, cli = c.addrs()
    qn = "big.example.com"
    msg = header(0xe701, ANSWER, 1, 4000, 0, 1) + question(qn, 1)
    for k in range(4000):
        msg += rr(PTR_Q, 1, bytes([198, 18 + (k >> 16), (k >> 8) & 0xFF, k & 0xFF]))
    pad = 65507 - len(msg) - 11 - 4
    msg += opt(size=65535, options=struct.pack("!HH", 12, pad) + bytes(pad))
    assert len(msg) == 65507
    frag4(c, srv, cli, udp_dgram(srv, cli, 53, 40000 + c.idx, msg), 0x6501)
    small = udp_dgram(srv, cli, 53, 40000 + c.idx, a_resp(0xe702, "pod.example.com", 161))
    frag4(c, srv, cli, small + bytes(16 - len(small) % 8) + bytes(8), 0x6502,
          piece=len(small) + 16 - len(small) % 8, last_off=65520)
    c.want = {(qn + ".", "A", "IN",
               tuple(sorted("198.%d.%d.%d" % (18 + (k >> 16), (k >> 8) & 0xFF, k & 0xFF)
                            for k in range(4000))), "answer")}
    c.drops = {"drop.frag_bad": 1}


@case
def largest_tcp_message(c):
    """DNS-OARC dnsperf src/test/largesttcp.blob (test7.sh: too large for
    UDP, "at least it should not crash"): a DNS over TCP response of 65535
    octets, the most its 2-octet length prefix can say (RFC 1035 4.2.2,
    RFC 7766 8), 4000 A records and a padding option filling it, in
    segments of 1448 octets, then a small response on the same
    connection.  Both are kept: the length prefix is read as unsigned and
    the framing goes on after the largest message."""
    qn = "bigtcp.example.com"
    msg = header(0xec01, ANSWER, 1, 4000, 0, 1) + question(qn, 1)
    for k in range(4000):
        msg += rr(PTR_Q, 1, bytes([198, 19, k >> 8, k & 0xFF]))
    pad = 65535 - len(msg) - 11 - 4
    msg += opt(size=65535, options=struct.pack("!HH", 12, pad) + bytes(pad))
    assert len(msg) == 65535
    t = TcpFlow(c)
    t.data(0, framed(header(0xec01, 0x0100, 1, 0, 0, 0) + question(qn, 1)))
    stream = framed(msg) + framed(a_resp(0xec02, "after.example.com", 191))
    for off in range(0, len(stream), 1448):
        t.data(1, stream[off:off + 1448])
    t.close()
    c.want = {(qn + ".", "A", "IN", tuple(sorted("198.19.%d.%d" % (k >> 8, k & 0xFF)
                                                 for k in range(4000))), "answer"),
              a_want("after.example.com", 191)}


@case
def empty_and_short_payloads(c):
    """DNS-OARC dnsperf src/test/emptypayload.blob and shortpayload.blob
    (test7.sh: sent, no answer expected - "weird blobs which do not even
    have DNS header"): a UDP datagram to port 53 with no payload and one
    with two octets, and the same from port 53, then a response on the
    same ports.  None of the four is a message (RFC 1035 4.1.1: a 12-octet
    header); each is counted (dns_truncated) and passed over; the answer
    is kept.  tshark shows no DNS for the empty ones and flags the short
    ones Malformed."""
    cport = 40000 + c.idx
    c.send(b"", sport=cport, dport=53)
    c.send(b"\xec\x10", sport=cport, dport=53)
    c.send(b"")
    c.send(b"\xec\x10")
    c.send(a_resp(0xec10, "short.example.com", 192))
    c.want = {a_want("short.example.com", 192)}
    c.drops = {"drop.dns_truncated": 4}
    c.malformed = True


# PacketQ src/test/test8.gold: the qnames of sample-rfc1035escape.pcap
ESCAPES = [(b"'", "'"), (b'"', '\\"'), (b"$", "\\$"), (b"\\", "\\\\"), (b"\x00", "\\000"),
           (b"\xff", "\\255"), (b"@", "\\@"), (b"(;)", "\\(\\;\\)")]


@case
def rfc1035_escaped_owners(c):
    """DNS-OARC PacketQ src/test/test8.sh (pcap/sample-rfc1035escape.pcap,
    test8.gold with --rfc1035): answers whose owners are one-label names
    of the octets a master file must escape or that are no text - a quote,
    "$", a backslash, NUL, 0xff, "@", "(;)" - beside "'", which needs none,
    and a first label holding a dot ("dot.embeded" then in.a.label.test).
    RFC 1035 5.1 and 3.1: any octet may be in a label; lookback writes
    "\\X" for the specials and "\\DDD" for the others (BIND's set), so the
    label with a dot is "dot\\.embeded", one label, not two.  tshark prints
    the dot and backslash bare (tshark_compare reads its names that way),
    and names the owner that is one NUL octet "<Root>" (its question
    "\\000"): that record is lookback's alone by name."""
    for k, (lab, _) in enumerate(ESCAPES):
        c.send(header(0xe801 + k, ANSWER, 1, 1, 0, 0) + bytes([len(lab)]) + lab + b"\0"
               + struct.pack("!HH", 1, 1) + rr(PTR_Q, 1, bytes([192, 0, 2, 170 + k])))
    dotted = b"\x0bdot.embeded" + name("in.a.label.test")
    c.send(header(0xe8f0, ANSWER, 1, 1, 0, 0) + dotted + struct.pack("!HH", 1, 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 180])))
    c.want = {(text + ".", "A", "IN", ("192.0.2.%d" % (170 + k),), "answer")
              for k, (_, text) in enumerate(ESCAPES)}
    c.want.add(("dot\\.embeded.in.a.label.test.", "A", "IN", ("192.0.2.180",), "answer"))
    c.lookback_only = {("\x00.", 1, 1)}


ROOT_SOA = (name("a.root-servers.net") + name("nstld.verisign-grs.com")
            + struct.pack("!IIIII", 2024031000, 1800, 900, 604800, 86400))


@case
def nxdomain_escaped_qnames(c):
    """DNS-OARC dnsperf src/test/datafile6 (test6.sh: 26 lookups, "NXDOMAIN
    26"): names of one or two labels holding a quote, 0x01 and "!" (\\",
    \\001, \\!\\"a\\", a\\001a.a\\001a), each answered NXDOMAIN with the
    root's SOA (RFC 2308 3).  Each denial is of its own name, written with
    RFC 1035 5.1's escapes ("!" needs none); the root SOA is one RRset."""
    labels = [[b'"'], [b"\x01"], [b'!"a"'], [b"a\x01a", b"a\x01a"], [b'a"', b'a"']]
    texts = ['\\".', "\\001.", '!\\"a\\".', "a\\001a.a\\001a.", 'a\\".a\\".']
    for k, labs in enumerate(labels):
        qn = b"".join(bytes([len(x)]) + x for x in labs) + b"\0"
        c.send(header(0xe901 + k, 0x8183, 1, 0, 1, 0) + qn + struct.pack("!HH", 1, 1)
               + rr(".", 6, ROOT_SOA, ttl=86400))
    c.want = {(".", "SOA", "IN", ("a.root-servers.net. nstld.verisign-grs.com. "
                                  "2024031000 1800 900 604800 86400",), "authority")}
    c.negs = {(t, "A", "NXDOMAIN") for t in texts}


@case
def qtype_zero_and_private(c):
    """DNS-OARC dnsperf src/test/datafile5 (google.com TYPE0, TYPE1, TYPE28):
    responses to a question of type 0 (RFC 6895 3.1: reserved, no RRset
    is of it), an NXDOMAIN and a NOERROR without answer, both with the
    zone's SOA: no denial is recorded (the SOA RRsets are kept); and to a
    question of type 65280 (private use, RFC 6895 3.1: a data type): a
    NOERROR with its SOA, a NODATA (RFC 2308 2.2), whose type has no
    mnemonic (a number, RFC 3597 5), and an answer of that type in RFC
    3597's form."""
    z = "example.com"
    c.send(header(0xea01, AUTH | 3, 1, 0, 1, 0) + question("t0." + z, 0) + rr(z, 6, soa_rdata(z)))
    c.send(header(0xea02, AUTH, 1, 0, 1, 0) + question("t0b." + z, 0) + rr(z, 6, soa_rdata(z)))
    c.send(header(0xea03, AUTH, 1, 0, 1, 0) + question("priv." + z, 65280) + rr(z, 6, soa_rdata(z)))
    c.send(header(0xea04, AUTH, 1, 1, 0, 0) + question("priv2." + z, 65280)
           + rr(PTR_Q, 65280, b"\x01\x02\x03"))
    c.want = {(z + ".", "SOA", "IN", (soa_text(z),), "authority"),
              ("priv2." + z + ".", 65280, "IN", ("\\# 3 010203",), "answer")}
    c.negs = {("priv." + z + ".", 65280, "NOERROR")}


@case
def a6_prefix_forms(c):
    """DNS-OARC dsc src/test/1458044657.conf (dataset ipv6_rsn_abusers,
    aaaa-or-a6-only): A6 (RFC 2874 3.1.1, Historic by RFC 6563) in its
    three shapes: prefix length 0 (a whole address, no prefix name), 64
    (8 octets of suffix, then the prefix name) and 128 (no suffix, only
    the name), in BIND's presentation (3.1.2 order: length, suffix,
    name), written as BIND writes and reads it: the length, the suffix as
    an IPv6 address unless the length is 128 (no suffix octets), the
    prefix name unless the length is 0.  A fourth, prefix length 129 (over 128: 3.1.1), is a
    bad record and the A6 RRset at its owner is not kept; tshark prints
    it, reads 16 octets of suffix from its 17 and flags the frame
    Malformed."""
    own = "a6.example.net"
    good = [b"\x00" + bytes.fromhex("20010db8000000000000000000000001"),
            b"\x40" + bytes.fromhex("0001000200030004") + name("pfx.example.net"),
            b"\x80" + name("pfx.example.net")]
    msg = header(0xeb01, ANSWER, 1, 3, 0, 0) + question(own, 38)
    for rd in good:
        msg += rr(PTR_Q, 38, rd)
    c.send(msg)
    c.send(header(0xeb02, ANSWER, 1, 1, 0, 0) + question("bad." + own, 38)
           + rr(PTR_Q, 38, b"\x81" + name("pfx.example.net")))
    c.want = {(own + ".", "A6", "IN", ("0 2001:db8::1", "128 pfx.example.net.",
                                       "64 ::1:2:3:4 pfx.example.net."), "answer")}
    c.drops = {"drop.dns_bad_record": 1}
    c.tshark_only = {("bad." + own + ".", 38, 1)}
    c.fields = {"dns.a6.prefix_len": ["0", "128", "129", "64"]}
    c.malformed = True


_check = ut.check


def check(c, lookback, path, pkts):
    """ut.check, with a drop counter listed as 0 meaning "never counted"
    (--stats prints only the counters that are not zero)."""
    zero = {k for k, v in c.drops.items() if v == 0}
    c.drops = {k: v for k, v in c.drops.items() if v != 0}
    problems = _check(c, lookback, path, pkts)
    if zero:
        _, _, stats = ut.lookback_case(lookback, path, c.ports)
        problems += ["lookback %s is %s, want 0" % (k, stats[k]) for k in sorted(zero) if stats.get(k)]
    return problems


if __name__ == "__main__":
    ut.check = check
    sys.exit(ut.main(CASES))
