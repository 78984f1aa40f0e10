#!/usr/bin/env python3
"""Responses that test what the store takes from an answer, end to end
(dnspython builds them, lookback captures them into a store, queries check):
 - an answer RRset off the question's chain (a forged "bank.test A") is not
   kept without a bailiwick; the chain is;
 - an NXDOMAIN after a CNAME is of the chain's last name (RFC 6604 2.1), not
   of the qname, which has its CNAME;
 - a referral (NS in authority, no SOA) is no NODATA; an empty answer with an
   SOA is (RFC 2308 2.2);
 - an authoritative CNAME out of its zone (no SOA) is no NODATA; with the
   target zone's SOA it is, of the target.
Prints TAP lines."""
import os
import subprocess
import sys
import tempfile

import dns.flags
import dns.message
import dns.rcode
import dns.rrset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rdata_oracle import pcap  # noqa: E402


def resp(qname, qtype, answer=(), authority=(), rcode=dns.rcode.NOERROR, aa=True):
    r = dns.message.make_response(dns.message.make_query(qname, qtype))
    r.set_rcode(rcode)
    if not aa:
        r.flags &= ~dns.flags.AA
    for section, texts in ((r.answer, answer), (r.authority, authority)):
        for text in texts:  # "owner ttl class type rdata"
            owner, ttl, cls, rtype, rdata = text.split(" ", 4)
            section.append(dns.rrset.from_text(owner, int(ttl), cls, rtype, rdata))
    return r.to_wire()


SOA = "SOA ns.%s h.%s 1 2 3 4 5"
FRAMES = [
    resp("www.victim.test.", "A", ["www.victim.test. 60 IN CNAME cdn.test.",
                                   "cdn.test. 60 IN A 192.0.2.1",
                                   "bank.test. 60 IN A 203.0.113.66"]),
    resp("a.test.", "A", ["a.test. 60 IN CNAME gone.test."],
         ["test. 60 IN " + SOA % ("test.", "test.")], rcode=dns.rcode.NXDOMAIN),
    resp("ref.test.", "A", [], ["ref.test. 60 IN NS ns1.ref.test."], aa=False),
    resp("nd.test.", "AAAA", [], ["test. 60 IN " + SOA % ("test.", "test.")]),
    resp("out.test.", "A", ["out.test. 60 IN CNAME elsewhere.example."]),
    resp("in.test.", "A", ["in.test. 60 IN CNAME t.other.example."],
         ["other.example. 60 IN " + SOA % ("other.example.", "other.example.")]),
]

CHECKS = [  # (description, query arguments, exit status wanted)
    ("the chain's CNAME is kept", ["-r", "www.victim.test"], 0),
    ("the chain's A is kept", ["-r", "cdn.test", "-t", "A"], 0),
    ("a forged answer off the chain is not kept", ["-r", "bank.test"], 1),
    ("... nor indexed by its address", ["-i", "203.0.113.66"], 1),
    ("NXDOMAIN after a CNAME is of the chain's last name", ["--negative", "gone.test"], 0),
    ("... not of the qname, which has its CNAME", ["--negative", "a.test"], 1),
    ("the qname's CNAME is kept", ["-r", "a.test", "-t", "CNAME"], 0),
    ("a referral is no NODATA", ["--negative", "ref.test"], 1),
    ("an empty answer with an SOA is NODATA", ["--negative", "nd.test", "-t", "AAAA"], 0),
    ("an authoritative CNAME out of its zone is no NODATA", ["--negative", "out.test"], 1),
    ("... nor is its target denied", ["--negative", "elsewhere.example"], 1),
    ("a chain ending with the target zone's SOA is NODATA of the target", ["--negative", "t.other.example"], 0),
    ("... not of the qname", ["--negative", "in.test"], 1),
]


def main():
    lookback = os.environ["LOOKBACK"]
    n = failed = 0
    with tempfile.TemporaryDirectory() as d:
        path, db = os.path.join(d, "answers.pcap"), os.path.join(d, "db")
        with open(path, "wb") as fh:
            fh.write(pcap(FRAMES))
        p = subprocess.run([lookback, "capture", "-r", path, "--db", db, "--stats"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        stats = dict(l.split(" ", 1) for l in (p.stdout + p.stderr).splitlines() if l.count(" ") == 1)
        n += 1
        ok = p.returncode == 0 and stats.get("store_drop_unrelated", "").strip() == "1"
        failed += not ok
        print("%s %d - capture --db counts the forged answer as store_drop_unrelated 1 (exit %d, %r)" % (
            "ok" if ok else "not ok", n, p.returncode, stats.get("store_drop_unrelated")))
        for what, args, want in CHECKS:
            q = subprocess.run([lookback, "query", "--db", db] + args,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            n += 1
            ok = q.returncode == want
            failed += not ok
            print("%s %d - %s (query %s: exit %d, want %d)" % (
                "ok" if ok else "not ok", n, what, " ".join(args), q.returncode, want))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
