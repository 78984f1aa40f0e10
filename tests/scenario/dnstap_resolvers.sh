#!/bin/bash
# dnstap from three more real resolvers besides unbound (dnstap_unbound.sh):
# BIND 9 (named), PowerDNS Recursor and Knot Resolver (kresd), and unbound
# again with what this test adds, each recursing
# into the miniature hierarchy of resolvers.sh (knotd on 127.53.2.{1,2,3};
# 127.53.12.x for the ASan build, so that the two builds' runs may overlap).
# Each resolver runs twice.  Once it sends to `lookback tap -u SOCKET --db`
# (its own Frame Streams writer, libfstrm, with the bidirectional handshake):
# the RRsets, their bailiwicks (query_zone) or their absence, the negative
# answers, the sensor id, the store and its check.  Once it sends to
# fstrm_capture: `lookback tap -r` on that file and dnstap-ldns (an independent
# decoder) must agree message by message (dnstap_ldns_compare.py).  During the
# live run dumpcap records the resolver's traffic with the Knot servers: lookback
# capture's decoding of it must agree with tshark's (tshark_compare.py).
# What each one logs: BIND client and resolver messages, PowerDNS Recursor
# resolver messages (its outgoing queries), Knot Resolver client messages.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/resolvers.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
case $(basename "${BUILD:-build}") in
*asan*) NET=127.53.12 ;;
*) NET=127.53.2 ;;
esac

rs_need_tools dnstap_resolvers knotd dig python3 fstrm_capture dnstap-ldns || exit 0

D=$T_TMP
kill_pids_on_exit

# four free ports on 127.0.0.1, one per resolver, checked before knotd takes
# the test addresses (rs_free_port checks those too)
FIRST=$(rs_free_port $NET)
case $FIRST in
''|NO*) skip "dnstap_resolvers: cannot bind the test addresses (${FIRST:-python failed})"; exit 0 ;;
esac
read -r P_BIND P_PDNS P_KRES P_UNB < <(python3 - <<'PY'
import socket
ss = []
for _ in range(4):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    ss.append(s)
print(" ".join(str(s.getsockname()[1]) for s in ss))
PY
)

rs_write_zones "$D" $NET
# example.lbtest. signed: RRSIGs in answers, NSEC3 in denials (resolvers and
# clients that ask with DO get them)
RS_SIGN="example.lbtest."
# types.lbtest.: record types beyond the common ones, an answer too large for
# UDP (the resolvers retry over TCP), an rrset of 40 addresses; its server's
# name is inside it, with glue
printf 'types\t\t\tNS\tns.types.lbtest.\nns.types\t\tA\t%s.3\n' "$NET" >> "$D/zones/lbtest.zone"
{
	cat <<'ZONE'
$TTL 300
@			SOA	ns.types.lbtest. hostmaster.example.lbtest. 1 3600 600 86400 300
@			NS	ns.types.lbtest.
@			MX	0 .
_sip._udp		SRV	10 60 5060 sip.types.lbtest.
@			CAA	0 issue "ca.example.net"
@			SSHFP	4 2 123456789abcdef67890123456789abcdef67890123456789abcdef123456789
_443._tcp		TLSA	3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
@			NAPTR	100 10 "S" "SIP+D2U" "" _sip._udp.types.lbtest.
@			HTTPS	1 . alpn="h2,h3" port=8443 ipv4hint=192.0.2.7
svc			SVCB	0 svc2.types.lbtest.
@			LOC	52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m
@			URI	10 1 "https://www.example.net/"
sip			A	192.0.2.60
ZONE
	printf 'ns\t\t\tA\t%s.3\n' "$NET"
	for i in $(seq 1 40); do echo "many			A	198.51.100.$i"; done
	x=$(printf '%0200d' 0)
	for i in $(seq 1 24); do echo "big			TXT	\"$i-$x\""; done
} > "$D/zones/types.lbtest.zone"
rs_start_hierarchy "$D" $NET types.lbtest. types.lbtest.zone || exit 0
ok "three knotd instances serve the test root, lbtest. and example.lbtest."

# ---- each resolver's configuration: conf_R DIR PORT SOCKET; start_R DIR (pid in RPID) ----

conf_bind() {
	mkdir -p "$1"
	cat > "$1/named.conf" <<EOF
options {
	directory "$1";
	pid-file "$1/named.pid";
	listen-on port $2 { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion yes;
	allow-query { 127.0.0.0/8; };
	allow-recursion { 127.0.0.0/8; };
	dnssec-validation no;
	qname-minimization off;
	dnstap { client; resolver; };
	dnstap-output unix "$3";
	dnstap-identity "lbtest-bind";
};
controls { };
zone "." { type hint; file "$D/root.hints"; };
EOF
}
start_bind() { named -g -c "$1/named.conf" > "$1/log" 2>&1 & RPID=$!; }

conf_pdns() {
	mkdir -p "$1"
	cat > "$1/recursor.conf" <<EOF
local-address=127.0.0.1
local-port=$2
hint-file=$D/root.hints
dnssec=process-no-validate
qname-minimization=no
lua-config-file=$1/dnstap.lua
socket-dir=$1
daemon=no
write-pid=no
allow-from=127.0.0.0/8
dont-query=
security-poll-suffix=
threads=1
setuid=
setgid=
EOF
	echo "dnstapFrameStreamServer({\"$3\"}, {logQueries=true, logResponses=true})" > "$1/dnstap.lua"
}
start_pdns() { pdns_recursor --config-dir="$1" > "$1/log" 2>&1 & RPID=$!; }

conf_kres() {
	mkdir -p "$1"
	cat > "$1/config" <<EOF
net.listen('127.0.0.1', $2, { kind = 'dns' })
net.ipv6 = false
cache.open(10 * MB, 'lmdb://$1/cache')
trust_anchors.remove('.')
modules.load('hints > iterate')
hints.root({ ['root-ns.lbtest.'] = '$NET.1' })
option('NO_MINIMIZE', true)
option('ALLOW_LOCAL', true) -- the test servers' glue is on 127.53.x.x
modules.load('dnstap')
dnstap.config({
	socket_path = "$3",
	identity = "lbtest-kres",
	client = { log_queries = true, log_responses = true },
})
EOF
}
start_kres() { kresd -n -c "$1/config" "$1" > "$1/log" 2>&1 & RPID=$!; }

# unbound: the configuration of dnstap_unbound.sh (resolvers.sh), here with the
# signed zone, the types zone and its traffic recorded too
conf_unbound() { mkdir -p "$1"; rs_unbound_conf "$1/unbound.conf" "$D" "$2" "$3"; }
start_unbound() { unbound -d -c "$1/unbound.conf" > "$1/log" 2>&1 & RPID=$!; }

QUERIES=("www.example.lbtest A" "alias.example.lbtest A" "+dnssec www.example.lbtest AAAA"
	"+dnssec nx.example.lbtest A" "www.second.lbtest A"
	"_sip._udp.types.lbtest SRV" "types.lbtest CAA" "types.lbtest SSHFP" "_443._tcp.types.lbtest TLSA"
	"types.lbtest NAPTR" "types.lbtest HTTPS" "svc.types.lbtest SVCB" "types.lbtest LOC"
	"types.lbtest URI" "types.lbtest MX" "many.types.lbtest A" "big.types.lbtest TXT"
	"+dnssec example.lbtest MX")

# ask PORT: the queries, the MX last (its answer ends each stream's checks)
ask() {
	local q
	for q in "${QUERIES[@]}"; do
		# shellcheck disable=SC2086
		dig @127.0.0.1 -p "$1" +time=2 +tries=1 $q > /dev/null 2>&1
	done
}

# run_resolver NAME BIN PORT: both runs and their checks
run_resolver() {
	local r=$1 bin=$2 port=$3 dir="$D/$1"
	if ! command -v "$bin" > /dev/null 2>&1; then
		skip "$r: $bin is not installed (scripts/deps installs it)"
		return
	fi
	# -- live: the resolver connects to lookback tap --
	local sock="$D/$r.sock" J="$D/$r.jsonl" S="$D/$r.stats"
	rs_tap_live "$r" || return
	local tp=$TAP_PID
	# the resolver's queries to the test servers, as they go (root only)
	local pc="$D/$r.pcapng" dp=""
	if command -v dumpcap > /dev/null 2>&1; then
		dumpcap -i lo -f "net $NET.0/24 and port 53" -w "$pc" > "$D/$r.dumpcap.log" 2>&1 &
		dp=$!
		PIDS+=($dp)
		rs_wait_for "dumpcap" 100 grep -q "Capturing on" "$D/$r.dumpcap.log" || dp=""
	fi
	"conf_$r" "$dir" "$port" "$sock"
	"start_$r" "$dir"
	PIDS+=($RPID)
	if ! rs_wait_for "$r" 200 bash -c "dig @127.0.0.1 -p $port +time=1 +tries=1 www.example.lbtest A | grep -q 'status: NOERROR'"; then
		nok "$r resolves in the test hierarchy"
		tail -20 "$dir/log"
		return
	fi
	ok "$r resolves in the test hierarchy, sending dnstap to lookback tap"
	ask "$port"
	# the writers send in batches, on a timer: wait for the MX answer
	rs_wait_for "$r's last response over dnstap" 300 \
		grep -q '"rrname":"example.lbtest.","rrtype":"MX"' "$J" ||
		nok "$r: the last answer (example.lbtest. MX) arrived over dnstap"
	kill "$RPID"
	wait "$RPID" 2> /dev/null
	kill "$tp"
	wait "$tp"
	check "$r: lookback tap exits 0 on SIGTERM" test $? -eq 0
	if [ -n "$dp" ]; then
		kill -INT "$dp"
		wait "$dp" 2> /dev/null
		local nf
		# one tshark run for both counts (its start costs most of a second):
		# a line per response frame, its TCP payload length (empty over UDP)
		tshark -r "$pc" -Y "dns.flags.response == 1" -T fields -e tcp.len > "$D/$r.resp" 2> /dev/null
		nf=$(wc -l < "$D/$r.resp")
		check "$r: dumpcap recorded its answers from the test servers ($nf)" test "$nf" -ge 5
		# (tcp.len > 0: frames of the answers over TCP with data in them)
		nf=$(awk -F, '{ for (i = 1; i <= NF; i++) if ($i > 0) { print; next } }' "$D/$r.resp" | wc -l)
		check "$r: the TXT rrset too large for UDP came again over TCP ($nf)" test "$nf" -ge 1
		TSHARK_FILES="$pc" TSHARK_CACHE="$D/tshark-cache" python3 "$HERE/tshark_compare.py" > "$D/$r.tshark" 2>&1
		while read -r v rest; do
			case $v in
			ok) ok "$r's traffic to the servers, lookback capture vs tshark: ${rest#* - }" ;;
			not) nok "$r's traffic to the servers, lookback capture vs tshark: ${rest#* - }" ;;
			esac
		done < "$D/$r.tshark"
		grep -q '^\(not \)\?ok' "$D/$r.tshark" || { nok "$r: tshark comparison ran"; head -5 "$D/$r.tshark"; }
	else
		skip "$r: dumpcap cannot capture on lo here (needs root): no tshark comparison"
	fi
	python3 - "$r" "$J" > "$D/$r.verdicts" <<'PY'
import json, sys
r, path = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in open(path)]
pos = [o for o in rows if not o.get("negative")]
neg = [o for o in rows if o.get("negative")]
def has(name, rtype, bw, sec, rd):
    return any((o["rrname"], o["rrtype"], o["bailiwick"], o["section"]) == (name, rtype, bw, sec)
               and rd in o["rdata"] for o in pos)
def has_prefix(name, rtype, bw, sec, rd):
    return any((o["rrname"], o["rrtype"], o["bailiwick"], o["section"]) == (name, rtype, bw, sec)
               and any(x.startswith(rd) for x in o["rdata"]) for o in pos)
def out(ok, desc):
    print(("PASS " if ok else "FAIL ") + r + ": " + desc)
resolver_side = r in ("bind", "pdns", "unbound")   # RESOLVER_RESPONSE with query_zone
client_side = r in ("bind", "kres", "unbound")     # CLIENT_RESPONSE
if resolver_side:
    out(has("lbtest.", "NS", ".", "authority", "ns.nic.lbtest."), "root referral: lbtest. NS with bailiwick .")
    out(has("example.lbtest.", "NS", "lbtest.", "authority", "ns1.example.lbtest."),
        "TLD referral: example.lbtest. NS with bailiwick lbtest.")
    out(has("www.example.lbtest.", "A", "example.lbtest.", "answer", "192.0.2.10"),
        "answer: www.example.lbtest. A with bailiwick example.lbtest.")
    out(has("www.second.lbtest.", "A", "second.lbtest.", "answer", "192.0.2.20"),
        "answer: www.second.lbtest. A with bailiwick second.lbtest. (a server shared by two zones)")
    out(any(o["qname"] == "nx.example.lbtest." and o["rcode"] == "NXDOMAIN"
            and o["bailiwick"] == "example.lbtest." for o in neg),
        "NXDOMAIN of nx.example.lbtest. with bailiwick example.lbtest.")
    out(has_prefix("example.lbtest.", "RRSIG", "example.lbtest.", "answer", "MX 13 2 300 "),
        "signed zone: the RRSIG over example.lbtest. MX with bailiwick example.lbtest.")
    out(any(o["rrtype"] == "NSEC3" and o["section"] == "authority" and o["bailiwick"] == "example.lbtest."
            for o in pos), "signed zone: NSEC3 records of the NXDOMAIN's proof, in its authority section")
if client_side:
    out(has("www.example.lbtest.", "A", None, "answer", "192.0.2.10"),
        "client answer: www.example.lbtest. A without bailiwick")
    out(has("alias.example.lbtest.", "CNAME", None, "answer", "www.example.lbtest."),
        "client answer: the CNAME without bailiwick")
    out(has("www.example.lbtest.", "AAAA", None, "answer", "2001:db8::10"),
        "client answer: www.example.lbtest. AAAA without bailiwick")
    out(any(o["qname"] == "nx.example.lbtest." and o["rcode"] == "NXDOMAIN"
            and o["bailiwick"] is None for o in neg),
        "client NXDOMAIN of nx.example.lbtest. without bailiwick")
    out(has_prefix("www.example.lbtest.", "RRSIG", None, "answer", "AAAA 13 3 300 "),
        "client answer asked with DO: the RRSIG over www.example.lbtest. AAAA")
def under(n, z):
    n, z = n.lower(), z.lower()
    return z == "." or n == z or n.endswith("." + z)
bad = [o for o in pos if (o["bailiwick"] is None and o["section"] != "answer")
       or (o["bailiwick"] is not None and not under(o["rrname"], o["bailiwick"]))]
out(pos and not bad, "every RRset is inside its bailiwick, or an answer without one (%d rrsets, %d bad)"
    % (len(pos), len(bad)))
out(rows and all(o.get("sensor_id") == "lbtest-" + r for o in rows), "every observation carries the sensor id")
PY
	[ -s "$D/$r.verdicts" ] || nok "$r: the expectation script ran"
	local v desc
	while read -r v desc; do
		if [ "$v" = PASS ]; then ok "$desc"; else nok "$desc"; fi
	done < "$D/$r.verdicts"
	stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$S"; }
	check "$r: no bad frames, no client refused or dropped" \
		bash -c "! grep -Eq '^dnstap_(bad_[a-z_]+|clients_refused|clients_dropped|clients_timed_out) [1-9]' '$S'"
	local ns nf nu
	ns=$(stat_of dnstap_streams) nf=$(stat_of dnstap_streams_finished) nu=$(stat_of dnstap_streams_unfinished)
	if [ "$r" = pdns ]; then
		# a writer per thread, closed at exit without STOP: unfinished, nothing lost
		check "$r: every stream closed between frames, none cut inside one ($ns streams, $nu unfinished)" \
			test "${ns:-0}" -ge 1 -a "$ns" = "$((nf + nu))"
	else
		check "$r: one stream, ended with STOP/FINISH ($ns / $nf)" test "$ns" = 1 -a "$nf" = 1
	fi
	"$LOOKBACK" query --db "$D/$r.db" -r www.example.lbtest -t A -f cof > "$D/$r.q" 2>&1
	check "$r: the store holds www.example.lbtest. A 192.0.2.10" grep -q '"rdata":\["192.0.2.10"\]' "$D/$r.q"
	# names inside rdata, found by the rdata-name index (SRV, NAPTR, SVCB targets)
	local n q
	for q in "sip.types.lbtest SRV" "_sip._udp.types.lbtest NAPTR" "svc2.types.lbtest SVCB"; do
		n=$("$LOOKBACK" query --db "$D/$r.db" -n "${q% *}" -f cof 2> /dev/null | grep -c "\"rrtype\":\"${q#* }\"")
		check "$r: query -n ${q% *} finds the ${q#* } rrset naming it ($n)" test "$n" -ge 1
	done
	n=$("$LOOKBACK" query --db "$D/$r.db" -r many.types.lbtest -t A -f cof 2> /dev/null |
		python3 -c 'import json,sys; print(max([len(json.loads(l)["rdata"]) for l in sys.stdin] or [0]))')
	check "$r: the rrset of 40 addresses is one rrset of 40 ($n)" test "$n" = 40
	"$LOOKBACK" stats --db "$D/$r.db" --check -q > /dev/null 2> "$D/$r.chk"
	check "$r: stats --check finds the store's tables in agreement" test $? -eq 0

	# -- recorded: the same resolver into fstrm_capture, then two decoders --
	local csock="$D/$r.cap.sock"
	rs_fstrm_capture "$r"
	local cp=$CAP_PID
	rm -rf "$dir"
	"conf_$r" "$dir" "$port" "$csock"
	"start_$r" "$dir"
	PIDS+=($RPID)
	rs_wait_for "$r (recorded run)" 200 bash -c "dig @127.0.0.1 -p $port +time=1 +tries=1 www.example.lbtest A | grep -q 'status: NOERROR'" ||
		{ nok "$r resolves (recorded run)"; tail -20 "$dir/log"; return; }
	ask "$port"
	# the writers' flush timers: PowerDNS Recursor's several seconds; the
	# others send within a second and flush when they stop
	if [ "$r" = pdns ]; then sleep 5; else sleep 1; fi
	kill "$RPID"
	wait "$RPID" 2> /dev/null
	kill "$cp"
	wait "$cp" 2> /dev/null
	rs_recorded_checks "$r" 12
}

run_resolver bind named "$P_BIND"
run_resolver pdns pdns_recursor "$P_PDNS"
run_resolver kres kresd "$P_KRES"
run_resolver unbound unbound "$P_UNB"
exit 0
