#!/usr/bin/python3
"""End-to-end check of rdata decoding and presentation against dnspython.

dnspython (Debian python3-dnspython) is the independent implementation: it
builds DNS responses holding every RR type lookback must present (rendered with
name compression), this script writes them into a pcap, lookback decodes the
pcap, and every rdata string lookback prints must parse back (in dnspython) to
exactly the rdata that was sent, under the same owner and type.  For the
types in SAME_TEXT the string must also be the one dnspython prints.  Prints
TAP.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import dns.message
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

# (type, owner, rdata presentation) - values from the RFCs' examples where they give one.
RECORDS = [
    ("A", "www.example.com.", "192.0.2.1"),
    ("AAAA", "www.example.com.", "2001:db8::1"),
    ("AAAA", "v6.example.com.", "2001:db8:0:0:1:0:0:1"),
    ("NS", "example.com.", "NS1.Example.COM."),
    ("CNAME", "alias.example.com.", "www.example.com."),
    ("DNAME", "old.example.com.", "new.example.net."),
    ("SOA", "example.com.", "ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300"),
    ("PTR", "1.2.0.192.in-addr.arpa.", "www.example.com."),
    ("MX", "example.com.", "10 mail.example.com."),
    ("TXT", "example.com.", '"v=spf1 -all"'),
    ("TXT", "t2.example.com.", '"two" "strings with \\"quotes\\" and \\\\ and \\010 ctl"'),
    ("TXT", "t3.example.com.", '""'),
    ("SPF", "example.com.", '"v=spf1 ip4:192.0.2.0/24 -all"'),
    ("SRV", "_sip._tcp.example.com.", "10 60 5060 sip.example.com."),
    ("NAPTR", "example.com.", '100 10 "S" "SIP+D2U" "" _sip._udp.example.com.'),
    ("NAPTR", "n2.example.com.", '100 10 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .'),
    ("HINFO", "host.example.com.", '"PC-Intel-700mhz" "Linux"'),
    ("RP", "example.com.", "admin.example.com. info.example.com."),
    ("LOC", "loc.example.com.", "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000.00m 10.00m"),
    ("LOC", "loc2.example.com.", "42 21 54.500 N 71 6 18.000 W -24.00m 30.00m 10.00m 10.00m"),
    ("DS", "dskey.example.com.", "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118"),
    ("DNSKEY", "example.com.", "256 3 5 AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw=="),
    ("RRSIG", "host.example.com.", "A 5 3 86400 20030322173103 20030220173103 2642 example.com. oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+6pBzeDQfsS3Ap3o="),
    ("NSEC", "alfa.example.com.", "host.example.com. A MX RRSIG NSEC TYPE1234"),
    ("NSEC3", "2t7b4g4vsa5smi47k61mv5bv1a22bojr.example.", "1 1 12 AABBCCDD 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG"),
    ("NSEC3", "nosalt.example.", "1 0 0 - 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S NS SOA RRSIG DNSKEY NSEC3PARAM"),
    ("NSEC3PARAM", "example.", "1 0 12 AABBCCDD"),
    ("TLSA", "_443._tcp.www.example.com.", "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6"),
    ("SSHFP", "host.example.com.", "2 1 123456789ABCDEF67890123456789ABCDEF67890"),
    ("CAA", "example.com.", '0 issue "ca.example.net"'),
    ("CAA", "c2.example.com.", '128 tbs "Unknown"'),
    ("SVCB", "_foo.api.example.com.", "1 svc4.example.net. alpn=h2,h3 port=8004 ipv4hint=192.0.2.1,192.0.2.2"),
    ("SVCB", "s2.example.com.", "0 foo.example.com."),
    ("HTTPS", "example.com.", '1 . alpn=h3 ipv6hint=2001:db8::1 no-default-alpn mandatory=alpn'),
    ("CDS", "example.com.", "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118"),
    ("CDNSKEY", "example.com.", "257 3 8 AwEAAag="),
    ("NULL", "null.example.com.", "\\# 4 DEADBEEF"),
    ("TYPE65280", "private.example.com.", "\\# 3 010203"),
    ("AFSDB", "example.com.", "1 afsdb.example.com."),
    ("URI", "_ftp._tcp.example.com.", '10 1 "ftp://ftp1.example.com/public"'),
    ("AMTRELAY", "amt.example.com.", "10 0 1 203.0.113.15"),
    ("AMTRELAY", "amt2.example.com.", "128 1 3 amtrelays.example.com."),
    ("AMTRELAY", "amt3.example.com.", "10 0 0 ."),
    # CERT's type and algorithm mnemonics as dnspython (and BIND) print them;
    # not algorithms 6 and 7, which the two name differently (lookback: BIND's)
    ("CERT", "cert.example.com.", "PKIX 12345 RSASHA256 AQIDBAUGBwgJ"),
    ("CERT", "cert2.example.com.", "65535 0 0 AQID"),
    ("CERT", "cert3.example.com.", "IACPKIX 1 ED448 AQID"),
    ("CERT", "cert4.example.com.", "URI 65535 200 aHR0cDovL2V4YW1wbGUuY29tLw=="),
    ("CERT", "cert5.example.com.", "OID 7 ECCGOST AQID"),
    # RFC 1706 7's examples
    ("NSAP", "nsap.example.com.", "0x47.0005.80.005a00.0000.0001.e133.ffffff000162.00"),
    ("NSAP", "nsap2.example.com.", "0x39840f80005a0000000001e13708002010726e00"),
    # no character-string at all: malformed (RFC 1035 3.3.14), kept as \# 0
    ("TXT", "t4.example.com.", "\\# 0"),
    ("UNSPEC", "unspec.example.com.", "\\# 3 010203"),
    ("HIP", "hip.example.com.", "2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D rvs1.example.com. rvs2.example.com."),
]


# types whose text must be dnspython's exactly, not only parse back to the rdata
SAME_TEXT = {"CERT", "NSAP"}


def pcap(frames):
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for i, payload in enumerate(frames):
        udp = struct.pack("!HHHH", 53, 40000 + i, 8 + len(payload), 0) + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                         bytes([192, 0, 2, 53]), bytes([198, 51, 100, 7])) + udp
        eth = b"\x00\x11\x22\x33\x44\x55" + b"\x66\x77\x88\x99\xaa\xbb" + b"\x08\x00" + ip
        out.append(struct.pack("<IIII", 1700000000 + i, 0, len(eth), len(eth)) + eth)
    return b"".join(out)


def main():
    lookback = os.environ["LOOKBACK"]
    frames, sent = [], {}
    for i, (t, owner, text) in enumerate(RECORDS):
        rdtype = dns.rdatatype.from_text(t)
        rd = dns.rdata.from_text(dns.rdataclass.IN, rdtype, text)
        q = dns.message.make_query(owner, rdtype)
        r = dns.message.make_response(q)
        rrs = dns.rrset.from_rdata(owner, 300, rd)
        r.answer.append(rrs)
        # a compressible neighbour so pointers are exercised inside rdata
        r.additional.append(dns.rrset.from_text("www.example.com.", 60, "IN", "A", "192.0.2.99"))
        frames.append(r.to_wire())
        sent[i] = (owner.lower(), rdtype, rd)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "types.pcap")
        with open(path, "wb") as fh:
            fh.write(pcap(frames))
        p = subprocess.run([lookback, "capture", "-q", "-r", path, "--jsonl", "--frame-numbers"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    n = 0
    if p.returncode != 0:
        print("not ok 1 - lookback capture failed: %s" % p.stderr.decode()[-300:])
        return 1
    got = {}
    for line in p.stdout.decode().splitlines():
        o = json.loads(line)
        if o.get("negative") or o["section"] != "answer":
            continue
        got[o["frame"] - 1] = o
    failed = 0
    for i, (t, owner, text) in enumerate(RECORDS):
        n += 1
        o = got.get(i)
        want_owner, rdtype, rd = sent[i]
        if o is None:
            print("not ok %d - %s %s: no answer observation" % (n, t, owner))
            failed += 1
            continue
        problems = []
        if o["rrname"] != want_owner:
            problems.append("owner %r != %r" % (o["rrname"], want_owner))
        typ = o["rrtype"]
        typnum = typ if isinstance(typ, int) else dns.rdatatype.from_text(typ)
        if typnum != rdtype:
            problems.append("type %r" % typ)
        if len(o["rdata"]) != 1:
            problems.append("rdata count %d" % len(o["rdata"]))
        else:
            try:
                back = dns.rdata.from_text(dns.rdataclass.IN, rdtype, o["rdata"][0])
                if back != rd:
                    problems.append("text %r parses to %s, sent %s" % (o["rdata"][0], back, rd))
                elif t in SAME_TEXT and o["rdata"][0] != rd.to_text():
                    problems.append("text %r, dnspython prints %r" % (o["rdata"][0], rd.to_text()))
            except Exception as e:
                problems.append("text %r does not parse: %s" % (o["rdata"][0], e))
        if problems:
            failed += 1
            print("not ok %d - %s %s: %s" % (n, t, owner, "; ".join(problems)))
        else:
            print("ok %d - %s %s -> %s" % (n, t, owner, o["rdata"][0][:60]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
