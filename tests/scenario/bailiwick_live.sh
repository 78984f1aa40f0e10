#!/bin/bash
# lookback-test: serial (fixed 127.53.x.x:53 addresses; live capture on lo)
# Bailiwick reconstructed from a live capture, checked against a real resolver:
# knotd serves a test hierarchy on 127.53.1.{1,2,3}, unbound recurses into it
# with dnstap to `lookback tap`, and at the same time `lookback capture -i lo
# --bailiwick --root-hints` watches the upstream traffic.  The RRsets (and
# negative answers) with a bailiwick must be the same in both, with the same
# bailiwicks (dnstap's query_zone vs the referrals the capture learned).  Forged
# out-of-bailiwick responses sent on loopback "from" the TLD server must be
# dropped and counted.  Also: `capture --user nobody` runs without root.
# Needs root (live capture, raw socket); skips otherwise.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/resolvers.sh"

rs_need_tools bailiwick_live knotd unbound dig python3 || exit 0

D=$T_TMP
NET=127.53.1
kill_pids_on_exit

# live capture on lo first: without the privilege there is nothing to test
timeout -k 1 1 "$LOOKBACK" capture -i lo -f 'port 53' --stats -q > /dev/null 2> "$D/probe.err"
if [ $? -eq 2 ]; then
	skip "bailiwick_live: capture cannot open lo ($(head -c 200 "$D/probe.err"))"
	exit 0
fi

PORT=$(rs_free_port $NET)
case $PORT in
''|NO*) skip "bailiwick_live: cannot bind the test addresses (${PORT:-python failed})"; exit 0 ;;
esac

rs_write_zones "$D" $NET
rs_start_hierarchy "$D" $NET || exit 0
ok "knotd serves the test root, lbtest., example.lbtest. and second.lbtest."

SOCK="$D/tap.sock"
"$LOOKBACK" tap -u "$SOCK" --jsonl --stats --sensor lbtest > "$D/tap.jsonl" 2> "$D/tap.err" &
TAP_PID=$!
PIDS+=($TAP_PID)
rs_wait_for "tap socket" 200 test -S "$SOCK" || { nok "lookback tap listens"; cat "$D/tap.err"; exit 0; }

# the capture sees only the test servers' traffic (other tests may use lo)
"$LOOKBACK" capture -i lo -f "port 53 and net $NET.0/24" --bailiwick --root-hints "$D/root.hints" \
	--jsonl --stats --db "$D/db" --sensor cap -q > "$D/cap.jsonl" 2> "$D/cap.err" &
CAP_PID=$!
PIDS+=($CAP_PID)
has_socket() { ls -l "/proc/$1/fd" 2> /dev/null | grep -q 'socket:'; }
rs_wait_for "capture's packet socket" 200 has_socket $CAP_PID ||
	{ nok "capture opens lo"; cat "$D/cap.err"; exit 0; }
sleep 0.3 # the filter is set just after the socket opens

rs_start_unbound "$D" "$PORT" "$SOCK" || { nok "unbound answers"; exit 0; }
ok "unbound recurses into the test root, tap and capture running"

q() { dig @127.0.0.1 -p "$PORT" +time=2 +tries=1 "$@"; }
check "www.example.lbtest A resolves" bash -c "dig @127.0.0.1 -p $PORT +short www.example.lbtest A | grep -qx 192.0.2.10"
check "www.second.lbtest A resolves (server shared with example.lbtest.)" \
	bash -c "dig @127.0.0.1 -p $PORT +short www.second.lbtest A | grep -qx 192.0.2.20"
q alias.example.lbtest A > /dev/null
q www.example.lbtest AAAA > /dev/null
q nx.example.lbtest A > /dev/null
q example.lbtest NS > /dev/null
q example.lbtest MX > /dev/null

# Forged responses "from" the TLD server (raw socket, to 127.0.0.1 only): an
# answer for a name under another TLD, and a referral to a zone outside
# lbtest. with glue for it.  Neither may be kept.
python3 - $NET.2 > "$D/spoof.log" 2>&1 <<'PY'
import socket, struct, sys
def name(n):
    return b"".join(bytes([len(l)]) + l.encode() for l in n.split(".") if l) + b"\0"
def rr(owner, rtype, rdata, ttl=3600):
    return name(owner) + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata
def msg(ident, flags, q, an=(), ns=(), ar=()):
    h = struct.pack("!HHHHHH", ident, flags, 1, len(an), len(ns), len(ar))
    return h + name(q) + struct.pack("!HH", 1, 1) + b"".join(an) + b"".join(ns) + b"".join(ar)
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
src, dst = sys.argv[1], "127.0.0.1"
pkts = [
    msg(0x1111, 0x8400, "www.example.lbtest",
        an=[rr("www.bank.example", 1, socket.inet_aton("6.6.6.6"))]),
    msg(0x2222, 0x8000, "www.example.lbtest",
        ns=[rr("bank.example", 2, name("ns.evil.example"))],
        ar=[rr("ns.evil.example", 1, socket.inet_aton("6.6.6.7"))]),
]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for p in pkts:
    udp = struct.pack("!HHHH", 53, 9, 8 + len(p), 0) + p
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0x5151, 0, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    s.sendto(ip + udp, (dst, 0))
print("sent", len(pkts))
PY
check "two forged responses sent on loopback" grep -q '^sent 2' "$D/spoof.log"

rs_wait_for "the last client response over dnstap" 100 \
	grep -q '"rrname":"example.lbtest.","rrtype":"MX".*"bailiwick":null' "$D/tap.jsonl"
kill "$UNB_PID"
wait "$UNB_PID" 2> /dev/null
rs_wait_for "unbound's dnstap stream to finish" 100 bash -c "! kill -0 $UNB_PID"
kill "$TAP_PID"
wait "$TAP_PID"
check "lookback tap exits 0 on SIGTERM" test $? -eq 0
sleep 0.2
kill -TERM "$CAP_PID"
if rs_wait_for "capture to stop" 100 bash -c "! kill -0 $CAP_PID"; then
	wait "$CAP_PID"
	check "lookback capture exits 0 on SIGTERM" test $? -eq 0
else
	nok "lookback capture stops on SIGTERM"
	kill -9 "$CAP_PID"
fi

python3 - "$D/tap.jsonl" "$D/cap.jsonl" > "$D/verdicts" <<'PY'
import json, sys
def load(p):
    return [json.loads(l) for l in open(p) if l.strip()]
def key(o):
    if o.get("negative"):
        return ("NEG", o["qname"], o["qtype"], o["rcode"], o.get("nodata", False), o["bailiwick"])
    return (o["rrname"], o["rrtype"], o["section"], o["bailiwick"], tuple(o["rdata"]))
tap = {key(o) for o in load(sys.argv[1]) if o["bailiwick"] is not None}
rows = load(sys.argv[2])
cap = {key(o) for o in rows if o["bailiwick"] is not None}
def show(s):
    return "; ".join(" ".join(str(x) for x in k) for k in sorted(s, key=str)[:6])
print(("PASS " if tap else "FAIL ") + "dnstap gave %d distinct RRsets/negatives with a bailiwick" % len(tap))
print(("PASS " if cap == tap else "FAIL ") +
      "capture --bailiwick gives the same RRsets and bailiwicks as dnstap (%d; only dnstap: %s; only capture: %s)"
      % (len(cap), show(tap - cap) or "-", show(cap - tap) or "-"))
unk = [o for o in rows if o["bailiwick"] is None]
print(("PASS " if not unk else "FAIL ") + "no upstream response left without a bailiwick (%d)" % len(unk))
want = {("www.second.lbtest.", "second.lbtest."), ("www.example.lbtest.", "example.lbtest."),
        ("lbtest.", "."), ("example.lbtest.", "lbtest.")}
got = {(o.get("rrname"), o["bailiwick"]) for o in rows}
print(("PASS " if want <= got else "FAIL ") + "capture: the zone of the server asked, at each level (%s)"
      % (show(want - got) or "all"))
forged = [o for o in rows if "evil" in json.dumps(o) or "bank" in json.dumps(o)]
print(("PASS " if not forged else "FAIL ") + "no forged record kept (%d)" % len(forged))
PY
while read -r v desc; do
	if [ "$v" = PASS ]; then ok "$desc"; else nok "$desc"; fi
done < "$D/verdicts"
[ -s "$D/verdicts" ] || nok "the comparison script ran"

S="$D/cap.err"
stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$S"; }
check "forged records counted as out of bailiwick (>= 3)" test "$(stat_of bailiwick_rrsets_out_of_bailiwick)" -ge 3
check "the forged referral counted as bad" test "$(stat_of bailiwick_bad_referrals)" -ge 1
check "referrals learned (lbtest., example.lbtest., second.lbtest.)" test "$(stat_of bailiwick_learned_zones)" -ge 3
check "every upstream response had a bailiwick" test "$(stat_of bailiwick_unknown)" = 0 -a "$(stat_of bailiwick_known)" -ge 6
if "$LOOKBACK" query --help > /dev/null 2>&1; then
	"$LOOKBACK" query --db "$D/db" -r www.second.lbtest -t A -f cof > "$D/q1" 2>&1
	check "store: www.second.lbtest. A with bailiwick second.lbtest." \
		grep -q '"rdata":\["192.0.2.20"\].*"bailiwick":"second.lbtest."' "$D/q1"
	"$LOOKBACK" query --db "$D/db" -r www.bank.example -f cof > "$D/q2" 2>&1
	check "store: nothing for the forged name" bash -c "! grep -q 6.6.6.6 '$D/q2'"
fi

# --user: privileges dropped once the device is open
if id nobody > /dev/null 2>&1; then
	"$LOOKBACK" capture -i lo -f "port 53 and net $NET.0/24" --stats -q --user nobody > /dev/null 2> "$D/user.err" &
	U_PID=$!
	PIDS+=($U_PID)
	uid_is() { awk '/^Uid:/ { print $2 $3 $4 $5 }' "/proc/$U_PID/status" | grep -qx "$1"; }
	NOBODY=$(id -u nobody)
	check "capture --user nobody runs as nobody (real, effective, saved, fs uid)" \
		rs_wait_for "uid drop" 100 uid_is "$NOBODY$NOBODY$NOBODY$NOBODY"
	check "capture --user nobody: no supplementary group left but nobody's" \
		bash -c "awk '/^Groups:/ { print \$2 }' /proc/$U_PID/status | grep -qx '$(id -g nobody)'"
	check "capture --user nobody is still capturing" has_socket $U_PID
	kill -TERM "$U_PID"
	if rs_wait_for "capture --user to stop" 100 bash -c "! kill -0 $U_PID"; then
		wait "$U_PID"
		check "capture --user nobody exits 0 on SIGTERM" test $? -eq 0
	else
		nok "capture --user nobody stops on SIGTERM"
		kill -9 "$U_PID"
	fi
	"$LOOKBACK" capture -i lo --stats -q --user no-such-user-lb > /dev/null 2> "$D/user2.err"
	check "capture --user with an unknown user refuses to run (status 2)" test $? -eq 2
else
	skip "no user nobody: --user not tested"
fi
exit 0
