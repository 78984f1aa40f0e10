#!/usr/bin/python3
"""Part 4 of upstream_tshark.py: DNS, mDNS and LLMNR traffic modelled on the
suricata-verify tests (OISF/suricata-verify tests/dns, tests/7.0,
tests/llmnr, tests/mdns) whose captures ../shared/data/captures does not
copy and parts 1-3 did not rebuild.  Each test's test.yaml says what its
capture holds (the answers' owners, types and data, the rcode, the flow's
direction, the event counts); each case below builds traffic of that shape
of our own (our names and addresses) and names the test it follows.

The same three checks as upstream_tshark.py (its docstring says what they
are), the same builders and the same runner, and a fourth where a case
gives `eve`: the EVE lines Suricata writes for that traffic (in the shape
the test's checks show: v2 of Suricata 7, v3 of Suricata 8, its mDNS and
LLMNR events), imported with `lookback import -f suricata --jsonl`, give
the same records (owner, type, class, rdata, section) and negatives as the
capture path, except for the `eve_only`/`capture_only` records a case
lists and explains.  Prints TAP.  UPSTREAM_KEEP=DIR keeps the pcaps.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import upstream_tshark as ut  # noqa: E402
from upstream_tshark import (ANSWER, PTR_Q, TcpFlow, a_resp, a_want, framed, header,  # noqa: E402
                             name, question, rr, soa_rdata, soa_text)

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def ev(c, etype, obj, ports=(53, 40000), proto="UDP"):
    """One EVE line of the case: event_type etype, its object obj."""
    line = {"timestamp": "2024-03-09T16:00:%02d.000000+0000" % (c.idx % 60), "flow_id": c.idx,
            "event_type": etype, "src_ip": "192.0.2.53", "src_port": ports[0],
            "dest_ip": "198.51.100.%d" % (100 + c.idx), "dest_port": ports[1], "proto": proto,
            etype: obj}
    c.eve.append(json.dumps(line, ensure_ascii=False))


def v2(ident, qname, qtype, answers, rcode="NOERROR", flags="8180", **more):
    """A Suricata 7 (EVE dns version 2) answer event's dns object."""
    o = {"version": 2, "type": "answer", "id": ident, "flags": flags, "qr": True, "rd": True,
         "ra": True, "opcode": 0, "rrname": qname, "rrtype": qtype, "rcode": rcode}
    if answers:
        o["answers"] = answers
    o.update(more)
    return o


def v3(ident, qname, qtype, answers, rcode="NOERROR", **more):
    """A Suricata 8 (version 3) response event's dns object."""
    o = {"version": 3, "type": "response", "id": ident, "flags": "8180", "qr": True, "rd": True,
         "ra": True, "opcode": 0, "rcode": rcode, "queries": [{"rrname": qname, "rrtype": qtype}]}
    if answers:
        o["answers"] = answers
    o.update(more)
    return o


def ans(owner, rtype, rdata, ttl=300):
    return {"rrname": owner, "rrtype": rtype, "ttl": ttl, "rdata": rdata}


def srv_rdata(prio, weight, port, target):
    return struct.pack("!HHH", prio, weight, port) + name(target)


@case
def srv_two_targets(c):
    """suricata-verify tests/7.0/dns-udp-eve-log-srv: an SRV question
    (_sip._udp) answered by two SRV records of different priorities and
    the same weight and port (RFC 2782: priority, weight, port, target; the
    target never compressed).  One RRset of two; Suricata 7 logs each as an
    "srv" object {priority, weight, port, name}."""
    q = "_sip._udp.voice.example.com"
    targets = [(20, 1, "sip-b.voice.example.com"), (10, 1, "sip-a.voice.example.com")]
    msg = header(0xd001, ANSWER, 1, 2, 0, 0) + question(q, 33)
    for prio, w, t in targets:
        msg += rr(PTR_Q, 33, srv_rdata(prio, w, 5060, t))
    c.send(msg)
    c.want = {(q + ".", "SRV", "IN", ("10 1 5060 sip-a.voice.example.com.",
                                     "20 1 5060 sip-b.voice.example.com."), "answer")}
    ev(c, "dns", v2(0xd001, q, "SRV", [
        {"rrname": q, "rrtype": "SRV", "ttl": 300,
         "srv": {"priority": p, "weight": w, "port": 5060, "name": t}} for p, w, t in targets]))


@case
def ns_with_glue_v3(c):
    """suricata-verify tests/dns/dns-udp-additionals: an NS question answered
    by four NS records, eight glue records in the additional section (an A
    and an AAAA per server, RFC 1035 4.1, RFC 3596), no OPT; Suricata 8
    logs the additionals (dns.additionals.__len 8) and writes each AAAA in
    full, zero-padded groups and no "::".  Kept as they came, the glue in
    its own section."""
    zone = "glue.example"
    msg = header(0xd002, ANSWER, 1, 4, 0, 8) + question(zone, 2)
    order = [4, 3, 1, 2]
    for n in order:
        msg += rr(PTR_Q, 2, name("ns%d.%s" % (n, zone)), ttl=172761)
    for n in [1, 3, 2, 4]:
        msg += rr("ns%d.%s" % (n, zone), 1, bytes([192, 0, 2, 10 + n]), ttl=172761)
    for n in [1, 3, 2, 4]:
        msg += rr("ns%d.%s" % (n, zone), 28,
                  bytes.fromhex("20010db848020%03x000000000000000a" % (0x30 + n)), ttl=172761)
    c.send(msg)
    c.want = {(zone + ".", "NS", "IN", tuple(sorted("ns%d.%s." % (n, zone) for n in order)), "answer")}
    for n in range(1, 5):
        c.want.add(("ns%d.%s." % (n, zone), "A", "IN", ("192.0.2.%d" % (10 + n),), "additional"))
        c.want.add(("ns%d.%s." % (n, zone), "AAAA", "IN", ("2001:db8:4802:%x::a" % (0x30 + n),),
                    "additional"))
    adds = [ans("ns%d.%s" % (n, zone), "A", "192.0.2.%d" % (10 + n), 172761) for n in [1, 3, 2, 4]]
    adds += [ans("ns%d.%s" % (n, zone), "AAAA", "2001:0db8:4802:%04x:0000:0000:0000:000a" % (0x30 + n),
                 172761) for n in [1, 3, 2, 4]]
    ev(c, "dns", v3(0xd002, zone, "NS", [ans(zone, "NS", "ns%d.%s" % (n, zone), 172761) for n in order],
                    grouped={"NS": ["ns%d.%s" % (n, zone) for n in order]}, additionals=adds))


@case
def reversed_udp_response_only(c):
    """suricata-verify tests/7.0/dns-reversed-udp-1: the capture holds a
    response whose query it missed (stream.midstream; Suricata logs no
    query, one answer), a CNAME and two A records at its target.  A
    response stands on its own (RFC 1035 4.1.1: QR, and the question
    echoed): the CNAME and the A RRset are kept."""
    msg = (header(0xd003, ANSWER, 1, 3, 0, 0) + question("www.rev.example", 1)
           + rr(PTR_Q, 5, name("edge.cdn.example")))
    tgt = len(header(0, 0, 0, 0, 0, 0)) + len(question("www.rev.example", 1)) + 12
    for last in (31, 32):
        msg += rr(struct.pack("!H", 0xC000 | tgt), 1, bytes([192, 0, 2, last]))
    c.send(msg)
    c.want = {("www.rev.example.", "CNAME", "IN", ("edge.cdn.example.",), "answer"),
              ("edge.cdn.example.", "A", "IN", ("192.0.2.31", "192.0.2.32"), "answer")}
    ev(c, "dns", v2(0xd003, "www.rev.example", "A", [
        ans("www.rev.example", "CNAME", "edge.cdn.example"),
        ans("edge.cdn.example", "A", "192.0.2.31"), ans("edge.cdn.example", "A", "192.0.2.32")]))


@case
def junk_request_first(c):
    """suricata-verify tests/7.0/dns-udp-junkrequest-first and
    tests/dns/v2/bug-990: a datagram to port 53 that is no DNS message
    (here eleven octets, shorter than the 12-octet header, RFC 1035 4.1.1)
    and then, on the same ports, a query in mixed case (the test's
    catenacyber.Fr), then its response (our addition).  The junk is counted
    (drop.dns_truncated; tshark: Malformed) and passed over; the query is
    no data; the answer is kept, its owner in lower case (RFC 4343)."""
    cport = 40000 + c.idx
    c.send(b"\x13\x37junk-dns", sport=cport, dport=53)
    c.send(header(0xd004, 0x0100, 1, 0, 0, 0) + question("Junk.Example.Fr", 1), sport=cport, dport=53)
    c.send(a_resp(0xd004, "Junk.Example.Fr", 41))
    c.want = {("junk.example.fr.", "A", "IN", ("192.0.2.41",), "answer")}
    c.drops = {"drop.dns_truncated": 1}
    c.malformed = True


@case
def double_request_response(c):
    """suricata-verify tests/dns/dns-udp-double-request-response: two
    queries and two responses on one pair of ports (two transactions of
    one flow: Suricata logs two requests, two responses), the same ID
    reused (RFC 5452 does not forbid it of a stub resolver).  Each response
    is read alone; both answers are kept."""
    cport = 40000 + c.idx
    for k, qn in enumerate(("dbl1.example.net", "dbl2.example.net")):
        c.send(header(0xd005, 0x0100, 1, 0, 0, 0) + question(qn, 1), sport=cport, dport=53)
        c.send(a_resp(0xd005, qn, 51 + k))
    c.want = {a_want("dbl1.example.net", 51), a_want("dbl2.example.net", 52)}
    for k, qn in enumerate(("dbl1.example.net", "dbl2.example.net")):
        ev(c, "dns", v3(0xd005, qn, "A", [ans(qn, "A", "192.0.2.%d" % (51 + k))]))


@case
def tcp_three_queries_id0(c):
    """suricata-verify tests/dns/task-7018-* (ids/ips dns keywords and
    stream rules) and dns-tcp-www-google-com: one DNS over TCP connection
    (handshake to FIN) carrying three queries in turn, each of ID 0, each
    answered in its own segment before the next is sent (RFC 7766 6.2.1.1:
    a client may reuse a connection; the ID alone does not pair them here).
    Suricata 7 logs each answer with dns.grouped.A beside the answers.  All
    three RRsets are kept."""
    t = TcpFlow(c)
    qs = (("tcp1.example.io", (61,)), ("tcp2.example.net", (62, 63)), ("tcp3.example.org", (64, 65)))
    for qn, lasts in qs:
        t.data(0, framed(header(0, 0x0100, 1, 0, 0, 0) + question(qn, 1)))
        msg = header(0, ANSWER, 1, len(lasts), 0, 0) + question(qn, 1)
        for last in lasts:
            msg += rr(PTR_Q, 1, bytes([192, 0, 2, last]), ttl=490)
        t.data(1, framed(msg))
        c.want.add((qn + ".", "A", "IN", tuple("192.0.2.%d" % x for x in lasts), "answer"))
        ev(c, "dns", v2(0, qn, "A", [ans(qn, "A", "192.0.2.%d" % x, 490) for x in lasts],
                        grouped={"A": ["192.0.2.%d" % x for x in lasts]}), proto="TCP")
    t.close()


@case
def additionals_with_cname(c):
    """suricata-verify tests/dns/dns-additionals-rdata
    (20250224-dns-additionals-with-cname.pcap): a response whose
    additional section holds a CNAME and an A at its target besides the
    answer (a rule on dns.additionals.rdata matches it).  Additional data
    is kept with its section (RFC 1034 4.3.2 step 6: what the server chose
    to add), the CNAME and its target's A alike."""
    msg = (header(0xd007, ANSWER, 1, 1, 0, 2) + question("add.example.com", 1)
           + rr(PTR_Q, 1, bytes([192, 0, 2, 71]))
           + rr("alias.example.com", 5, name("real.example.com"))
           + rr("real.example.com", 1, bytes([192, 0, 2, 72])))
    c.send(msg)
    c.want = {a_want("add.example.com", 71),
              ("alias.example.com.", "CNAME", "IN", ("real.example.com.",), "additional"),
              ("real.example.com.", "A", "IN", ("192.0.2.72",), "additional")}
    ev(c, "dns", v3(0xd007, "add.example.com", "A", [ans("add.example.com", "A", "192.0.2.71")],
                    additionals=[ans("alias.example.com", "CNAME", "real.example.com"),
                                 ans("real.example.com", "A", "192.0.2.72")]))


@case
def ptr_v4_v6(c):
    """suricata-verify tests/dns/dns-ptr (20250221-dns-ptr.pcap): reverse
    lookups answered by PTR (RFC 1035 3.5 in-addr.arpa, RFC 3596 2.5
    ip6.arpa, a 34-label owner).  Both kept."""
    v4 = "9.2.0.192.in-addr.arpa"
    v6 = ".".join(reversed("20010db8000000000000000000000001")) + ".ip6.arpa"
    c.send(header(0xd008, ANSWER, 1, 1, 0, 0) + question(v4, 12) + rr(PTR_Q, 12, name("host.example.com")))
    c.send(header(0xd009, ANSWER, 1, 1, 0, 0) + question(v6, 12) + rr(PTR_Q, 12, name("host6.example.com")))
    c.want = {(v4 + ".", "PTR", "IN", ("host.example.com.",), "answer"),
              (v6 + ".", "PTR", "IN", ("host6.example.com.",), "answer")}
    ev(c, "dns", v3(0xd008, v4, "PTR", [ans(v4, "PTR", "host.example.com")]))
    ev(c, "dns", v3(0xd009, v6, "PTR", [ans(v6, "PTR", "host6.example.com")]))


@case
def mdns_utf8_instance(c):
    """suricata-verify tests/mdns (its capture ipv6-malformed-fragments-9's
    mDNS): an IPv6 multicast response whose instance name holds a UTF-8
    apostrophe and a space (RFC 6763 4.3: any UTF-8), a TXT of two
    key=value strings at it and a PTR to another instance.  Suricata 8
    logs the names as the raw UTF-8 text, the TXT as an array of strings;
    the wire octets are the name's (RFC 6762 16: UTF-8, no IDNA), lookback
    writes those above 127 as \\DDD (RFC 4343 2.1) from either path, in
    lower case (owners and the PTR target: RFC 4343, RFC 4034 6.2)."""
    inst = "Ann\u2019s Mac"
    wire_inst = bytes([len(inst.encode())]) + inst.encode() + b"\x0c_device-info\x04_tcp\x05local\x00"
    ptr_inst = bytes([len(inst.encode())]) + inst.encode() + b"\x0f_companion-link\x04_tcp\x05local\x00"
    text = "ann\\226\\128\\153s\\032mac."
    msg = header(0, 0x8400, 0, 2, 0, 0)
    msg += rr(wire_inst, 16, b"".join(bytes([len(x)]) + x for x in (b"model=Mac17,1", b"osxvers=17")),
              ttl=4500)
    msg += rr("_companion-link._tcp.local", 12, ptr_inst, ttl=4500)
    c.send(msg, sport=5353, dport=5353, ipver=6, multicast=True)
    c.want = {(text + "_device-info._tcp.local.", "TXT", "IN", ('"model=Mac17,1" "osxvers=17"',), "answer"),
              ("_companion-link._tcp.local.", "PTR", "IN", (text + "_companion-link._tcp.local.",),
               "answer")}
    ev(c, "mdns", {"type": "response", "id": 0, "flags": ["aa"], "opcode": 0, "rcode": 0,
                   "answers": [{"rrname": inst + "._device-info._tcp.local",
                                "txt": ["model=Mac17,1", "osxvers=17"]},
                               {"rrname": "_companion-link._tcp.local",
                                "ptr": inst + "._companion-link._tcp.local"}]}, ports=(5353, 5353))


def llmnr_rr(owner, rtype, data):
    o = {"rrname": owner}
    o[rtype] = data
    return o


@case
def llmnr_tcp_split(c):
    """suricata-verify tests/llmnr/llmnr-tcp-reassembly: LLMNR over TCP
    (RFC 4795 2.5: port 5355, the length prefix of RFC 1035 4.2.2), the
    response split across two segments, the first ending inside the
    answer.  Reassembled (RFC 7766 8), the answer is kept; Suricata 9 logs
    it as an llmnr event, `"a": address`."""
    c.ports = "5355"
    t = TcpFlow(c, port=5355)
    t.data(0, framed(header(0xabcd, 0, 1, 0, 0, 0) + question("lltest", 1)))
    resp = framed(header(0xabcd, 0x8000, 1, 1, 0, 0) + question("lltest", 1)
                  + rr(PTR_Q, 1, bytes([192, 0, 2, 81]), ttl=30))
    t.data(1, resp[:20])
    t.data(1, resp[20:])
    t.close()
    c.want = {("lltest.", "A", "IN", ("192.0.2.81",), "answer")}
    ev(c, "llmnr", {"type": "response", "id": 0xabcd, "opcode": 0,
                    "queries": [{"rrname": "lltest", "rrtype": "a"}],
                    "answers": [llmnr_rr("lltest", "a", "192.0.2.81")]}, ports=(5355, 40000 + c.idx),
       proto="TCP")


@case
def llmnr_sections_and_nxdomain(c):
    """suricata-verify tests/llmnr/llmnr-authority-additional and
    llmnr-sticky-buffers: an LLMNR response with answer, authority and
    additional records, and an NXDOMAIN one with an SOA in its authority
    section.  RFC 4795 2.7 has a responder stay silent for a name it does
    not own and answer an unknown type with an empty NOERROR; an NXDOMAIN
    from it is still a DNS denial and the capture path (capture --llmnr:
    DNS on port 5355) keeps it with its SOA.  Suricata 9 logs no rcode in
    an llmnr event, so the importer sees an empty response with an SOA:
    the negative is capture-only (documented in docs/IMPORT.md)."""
    c.ports = "5355"
    full = (header(0xd00b, 0x8000, 1, 1, 1, 1) + question("llhost", 1)
            + rr(PTR_Q, 1, bytes([192, 0, 2, 91]), ttl=30)
            + rr(PTR_Q, 2, name("llns.local"), ttl=30)
            + rr("llns.local", 1, bytes([192, 0, 2, 92]), ttl=30))
    nx = (header(0xd00c, 0x8003, 1, 0, 1, 0) + question("llnx", 1)
          + rr(PTR_Q, 6, soa_rdata("llnx"), ttl=30))
    c.send(full, sport=5355)
    c.send(nx, sport=5355)
    c.want = {("llhost.", "A", "IN", ("192.0.2.91",), "answer"),
              ("llhost.", "NS", "IN", ("llns.local.",), "authority"),
              ("llns.local.", "A", "IN", ("192.0.2.92",), "additional"),
              ("llnx.", "SOA", "IN", (soa_text("llnx"),), "authority")}
    c.negs = {("llnx.", "A", "NXDOMAIN")}
    soa = {"mname": "ns1.llnx", "rname": "hostmaster.llnx", "serial": 2024010101, "refresh": 7200,
           "retry": 3600, "expire": 1209600, "minimum": 300}
    ports = (5355, 40000 + c.idx)
    ev(c, "llmnr", {"type": "response", "id": 0xd00b, "opcode": 0,
                    "queries": [{"rrname": "llhost", "rrtype": "a"}],
                    "answers": [llmnr_rr("llhost", "a", "192.0.2.91")],
                    "authorities": [llmnr_rr("llhost", "ns", "llns.local")],
                    "additionals": [llmnr_rr("llns.local", "a", "192.0.2.92")]}, ports=ports)
    ev(c, "llmnr", {"type": "response", "id": 0xd00c, "opcode": 0,
                    "queries": [{"rrname": "llnx", "rrtype": "a"}],
                    "authorities": [llmnr_rr("llnx", "soa", soa)]}, ports=ports)
    c.capture_only_negs = {("llnx.", "A", "NXDOMAIN")}


# ---- the fourth check: the importer against the capture path ----

def import_rows(lookback, eve_path):
    p = subprocess.run([lookback, "import", "-q", "-f", "suricata", "--jsonl", eve_path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError("lookback import exited %d: %s" % (p.returncode, p.stderr.decode()[-300:]))
    return ut.jsonl_rows(p.stdout)


_check = ut.check


def check(c, lookback, path, pkts):
    problems = _check(c, lookback, path, pkts)
    if not c.eve:
        return problems
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as fh:
        fh.write("\n".join(c.eve) + "\n")
        fh.flush()
        rows, negs = import_rows(lookback, fh.name)
    cap_rows, cap_negs, _ = ut.lookback_case(lookback, path, c.ports)
    if rows != cap_rows:
        problems.append("import-only %s, capture-only %s" % (sorted(rows - cap_rows)[:3],
                                                              sorted(cap_rows - rows)[:3]))
    if cap_negs - negs != c.capture_only_negs or negs - cap_negs:
        problems.append("import negatives %s, capture %s (capture-only listed %s)" % (
            sorted(negs), sorted(cap_negs), sorted(c.capture_only_negs)))
    return problems


def setup(fn):
    def run(c):
        c.eve, c.capture_only_negs = [], set()
        fn(c)
    run.__name__, run.__doc__ = fn.__name__, fn.__doc__
    return run


if __name__ == "__main__":
    ut.check = check
    sys.exit(ut.main([setup(fn) for fn in CASES]))
