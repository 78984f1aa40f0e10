#!/bin/bash
# dnstap from two producers that are not resolvers: knotd's mod-dnstap (an
# authoritative server: AUTH_QUERY / AUTH_RESPONSE) and dnsdist (a load
# balancer in front of a knotd: DnstapLogAction / DnstapLogResponseAction,
# CLIENT_QUERY / CLIENT_RESPONSE, here also for its packet cache's hits and an
# answer it makes itself).  Everything listens on 127.0.0.1, on free ports.
# Neither producer sets query_zone, so every response is read with its
# bailiwick unknown: answer-section RRsets on the question's chain, the rest
# (the referral's NS, the SOA of a denial) not kept.  Each producer runs twice:
# once into `lookback tap -u SOCKET --jsonl --stats --db` (its own Frame
# Streams writer, libfstrm, with the bidirectional handshake): the RRsets, the
# negative answers, the sensor id, the counters and the store; once into
# fstrm_capture: `lookback tap -r` on that file and dnstap-ldns (an independent
# decoder) must agree message by message (dnstap_ldns_compare.py).  dnsdist's
# DNS over TLS and HTTPS queries (socket_protocol DOT, DOH) are asked in the
# live run only: Debian's dnstap-ldns knows the protocols UDP and TCP alone and
# stops at the first other one ("print_dnstap_frame() failed").  The two
# producers run at once, each in its own subshell.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/resolvers.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

rs_need_tools dnstap_producers knotd dig python3 fstrm_capture dnstap-ldns || exit 0

D=$T_TMP
kill_pids_on_exit

# free ports on 127.0.0.1: UDP+TCP for the two knotd and dnsdist, TCP for
# dnsdist's DNS over TLS and over HTTPS
read -r P_KNOT P_BACK P_DIST P_DOT P_DOH < <(python3 - <<'PY'
import socket
ss, ports = [], []
while len(ports) < 5:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    t = socket.socket()
    try:
        t.bind(("127.0.0.1", u.getsockname()[1]))
    except OSError:
        continue
    ss += [u, t]
    ports.append(u.getsockname()[1])
print(" ".join(map(str, ports)))
PY
)
[ -n "${P_DOH:-}" ] || { skip "dnstap_producers: no free ports on 127.0.0.1"; exit 0; }

# the zone, signed by knotd as it loads it (ECDSA P-256, NSEC3): RRSIGs in
# the answers to DO queries; a delegation (a referral: no answer); a TXT rrset
# too large for UDP (dig retries over TCP); 40 addresses in one rrset
mkdir -p "$D/zones"
{
	cat <<'ZONE'
$TTL 300
@			SOA	ns1.example.lbtest. hostmaster.example.lbtest. 1 3600 600 86400 300
@			NS	ns1.example.lbtest.
ns1			A	127.0.0.1
www			A	192.0.2.10
www			AAAA	2001:db8::10
alias			CNAME	www
@			MX	10 mail.example.lbtest.
mail			A	192.0.2.25
_sip._udp		SRV	10 60 5060 sip.example.lbtest.
sip			A	192.0.2.60
@			CAA	0 issue "ca.example.net"
@			HTTPS	1 . alpn="h2,h3" port=8443 ipv4hint=192.0.2.7
dot			A	192.0.2.31
doh			A	192.0.2.32
cached			A	192.0.2.33
end			TXT	"the last answer"
sub			NS	ns.sub.example.lbtest.
ns.sub			A	192.0.2.53
ZONE
	for i in $(seq 1 40); do echo "many			A	198.51.100.$i"; done
	x=$(printf '%0200d' 0)
	for i in $(seq 1 24); do echo "big			TXT	\"$i-$x\""; done
} > "$D/zones/example.lbtest.zone"

# knot_start NAME PORT [SINK]: knotd on 127.0.0.1@PORT serving example.lbtest.,
# logging queries and responses by mod-dnstap to the unix socket SINK if given;
# waits until the signed zone answers (pid in KPID and PIDS)
knot_start() {
	local k="$D/$1" port=$2 sink=${3:-}
	mkdir -p "$k/db"
	{
		rs_knot_conf_head "$k" "127.0.0.1@$port"
		if [ -n "$sink" ]; then
			cat <<EOF
mod-dnstap:
  - id: tap
    sink: "unix:$sink"
    identity: "lbtest-knot"
    log-queries: on
    log-responses: on
EOF
		fi
		cat <<EOF
template:
  - id: default
    storage: "$D/zones"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
EOF
		[ -z "$sink" ] || echo "    global-module: mod-dnstap/tap"
		cat <<EOF
zone:
  - domain: example.lbtest.
    file: example.lbtest.zone
    dnssec-signing: on
    dnssec-policy: lbtest
EOF
	} > "$k/knot.conf"
	knotd -c "$k/knot.conf" > "$k/log" 2>&1 &
	KPID=$!
	PIDS+=($KPID)
	# until it answers, or exits (2: without mod-dnstap, knot-module-dnstap)
	local n=200
	until dig @127.0.0.1 -p "$port" +dnssec +time=1 +tries=1 SOA example.lbtest 2> /dev/null |
		grep -q 'RRSIG.*SOA'; do
		n=$((n - 1))
		if [ "$n" = 0 ] || ! kill -0 "$KPID" 2> /dev/null; then
			echo "# knotd $1: $(grep -m1 -i 'error' "$k/log")"
			grep -q "unknown module 'mod-dnstap'" "$k/log" && return 2
			return 1
		fi
		sleep 0.05
	done
}

# dnsdist_conf DIR SOCKET: dnsdist on 127.0.0.1 (Do53, DoT and DoH, the last
# two when a certificate was made) in front of the plain knotd, a packet
# cache, an answer of its own (spoof.example.lbtest.), everything logged
dnsdist_conf() {
	mkdir -p "$1"
	{
		cat <<EOF
setLocal("127.0.0.1:$P_DIST")
setSecurityPollSuffix("")
newServer({address="127.0.0.1:$P_BACK", checkName="example.lbtest.", checkType="SOA"})
getPool(""):setCache(newPacketCache(1000))
tap = newFrameStreamUnixLogger("$2")
addAction(AllRule(), DnstapLogAction("lbtest-dnsdist", tap))
addAction(QNameRule("spoof.example.lbtest."), SpoofAction("192.0.2.99"))
addResponseAction(AllRule(), DnstapLogResponseAction("lbtest-dnsdist", tap))
addCacheHitResponseAction(AllRule(), DnstapLogResponseAction("lbtest-dnsdist", tap))
addSelfAnsweredResponseAction(AllRule(), DnstapLogResponseAction("lbtest-dnsdist", tap))
EOF
		if [ -s "$D/cert.pem" ]; then
			echo "addTLSLocal(\"127.0.0.1:$P_DOT\", \"$D/cert.pem\", \"$D/key.pem\")"
			echo "addDOHLocal(\"127.0.0.1:$P_DOH\", \"$D/cert.pem\", \"$D/key.pem\", \"/dns-query\")"
		fi
	} > "$1/dnsdist.conf"
}

# producer_start NAME SOCKET: the producer, logging to SOCKET; waits until it
# answers (pid in RPID and PIDS); its port in RPORT
producer_start() {
	case $1 in
	knot)
		RPORT=$P_KNOT
		knot_start knot "$P_KNOT" "$2" || return
		RPID=$KPID
		;;
	dnsdist)
		RPORT=$P_DIST
		dnsdist_conf "$D/dnsdist" "$2"
		dnsdist -C "$D/dnsdist/dnsdist.conf" --supervised --disable-syslog > "$D/dnsdist/log" 2>&1 &
		RPID=$!
		PIDS+=($RPID)
		rs_wait_for "dnsdist" 200 bash -c "dig @127.0.0.1 -p $P_DIST +time=1 +tries=1 SOA example.lbtest | grep -q 'status: NOERROR'" ||
			{ tail -5 "$D/dnsdist/log"; return 1; }
		;;
	esac
}

# ask NAME PORT LIVE: the queries, by one dig (each option after a name is
# that query's); in the live run dnsdist's DoT and DoH ones too;
# end.example.lbtest. TXT last (its answer ends each stream's checks)
ask() {
	local q=(www.example.lbtest A www.example.lbtest AAAA alias.example.lbtest A
		example.lbtest MX _sip._udp.example.lbtest SRV example.lbtest CAA
		example.lbtest HTTPS www.example.lbtest A +dnssec nx.example.lbtest A
		www.example.lbtest MX mail.example.lbtest A +tcp www.sub.example.lbtest A
		many.example.lbtest A big.example.lbtest TXT)
	# dnsdist: the second is a hit of its packet cache; the spoofed one an
	# answer it makes itself
	[ "$1" != dnsdist ] ||
		q+=(cached.example.lbtest A cached.example.lbtest A spoof.example.lbtest A)
	dig @127.0.0.1 -p "$2" +time=2 +tries=1 "${q[@]}" > "$D/$1.$3.dig" 2>&1
	if [ "$1" = dnsdist ] && [ "$3" = live ] && [ -s "$D/cert.pem" ]; then
		dig @127.0.0.1 -p "$P_DOT" +tls +time=2 +tries=1 dot.example.lbtest A > "$D/dot.dig" 2>&1
		dig @127.0.0.1 -p "$P_DOH" +https +time=2 +tries=1 doh.example.lbtest A > "$D/doh.dig" 2>&1
	fi
	dig @127.0.0.1 -p "$2" +time=2 +tries=1 end.example.lbtest TXT > /dev/null 2>&1
}

# a certificate for dnsdist's DoT and DoH listeners
if command -v openssl > /dev/null 2>&1; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=lbtest \
		-keyout "$D/key.pem" -out "$D/cert.pem" > /dev/null 2>&1 || rm -f "$D/cert.pem"
fi

# run_producer NAME BIN: both runs and their checks
run_producer() {
	local r=$1 bin=$2
	if ! command -v "$bin" > /dev/null 2>&1; then
		skip "$r: $bin is not installed (scripts/deps installs it)"
		return
	fi
	# -- live: the producer connects to lookback tap --
	local sock="$D/$r.sock" J="$D/$r.jsonl" S="$D/$r.stats"
	rs_tap_live "$r" || return
	local tp=$TAP_PID
	producer_start "$r" "$sock"
	case $? in
	0) ;;
	2)
		skip "$r: knotd has no mod-dnstap (knot-module-dnstap; scripts/deps installs it)"
		return
		;;
	*)
		nok "$r answers on 127.0.0.1, sending dnstap to lookback tap"
		return
		;;
	esac
	ok "$r answers on 127.0.0.1, sending dnstap to lookback tap"
	ask "$r" "$RPORT" live
	# knotd writes what its writer holds when it stops; dnsdist does not
	if [ "$r" = knot ]; then
		kill "$RPID"
		wait "$RPID" 2> /dev/null
	fi
	# the writer sends on a timer (libfstrm's, 1 s): wait for the last answer
	rs_wait_for "$r's last response over dnstap" 100 grep -q '"rrname":"end.example.lbtest."' "$J" ||
		nok "$r: the last answer (end.example.lbtest. TXT) arrived over dnstap"
	if [ "$r" != knot ]; then
		kill "$RPID"
		wait "$RPID" 2> /dev/null
	fi
	kill "$tp"
	wait "$tp"
	check "$r: lookback tap exits 0 on SIGTERM" test $? -eq 0
	python3 - "$r" "$J" "$S" "$([ -s "$D/cert.pem" ] && echo tls)" > "$D/$r.verdicts" <<'PY'
import json, sys
r, path, statf, tls = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "tls"
rows = [json.loads(l) for l in open(path)]
stats = {}
for line in open(statf):
    f = line.split()
    if len(f) == 2 and f[1].isdigit():
        stats[f[0]] = int(f[1])
pos = [o for o in rows if not o.get("negative")]
neg = [o for o in rows if o.get("negative")]
def out(ok, desc):
    print(("PASS " if ok else "FAIL ") + r + ": " + desc)
def rrset(name, rtype):
    return [o for o in pos if (o["rrname"], o["rrtype"]) == (name, rtype)]
def has(name, rtype, rdata, what):
    got = rrset(name, rtype)
    out(got and all(sorted(o["rdata"]) == sorted(rdata) and o["bailiwick"] is None and o["section"] == "answer"
                    for o in got),
        "%s: %s %s %s, answer, bailiwick unknown (%d seen)" % (what, name, rtype, " ".join(rdata)[:40], len(got)))
has("www.example.lbtest.", "A", ["192.0.2.10"], "A")
has("www.example.lbtest.", "AAAA", ["2001:db8::10"], "AAAA")
has("alias.example.lbtest.", "CNAME", ["www.example.lbtest."], "the CNAME of a chain")
has("example.lbtest.", "MX", ["10 mail.example.lbtest."], "MX")
has("_sip._udp.example.lbtest.", "SRV", ["10 60 5060 sip.example.lbtest."], "SRV")
has("example.lbtest.", "CAA", ['0 issue "ca.example.net"'], "CAA")
has("example.lbtest.", "HTTPS", ['1 . alpn="h2,h3" port=8443 ipv4hint=192.0.2.7'], "HTTPS")
has("mail.example.lbtest.", "A", ["192.0.2.25"], "asked over TCP")
has("many.example.lbtest.", "A", ["198.51.100.%d" % i for i in range(1, 41)], "40 addresses in one rrset")
x = "0" * 200
has("big.example.lbtest.", "TXT", ['"%d-%s"' % (i, x) for i in range(1, 25)],
    "the answer too large for UDP, whole (over TCP)")
sig = rrset("www.example.lbtest.", "RRSIG")
out(sig and all(o["section"] == "answer" and o["bailiwick"] is None
                and o["rdata"][0].startswith("A 13 3 300 ") for o in sig),
    "asked with DO: the RRSIG over www.example.lbtest. A (%d seen)" % len(sig))
out(any(o["qname"] == "nx.example.lbtest." and o["qtype"] == "A" and o["rcode"] == "NXDOMAIN"
        and o["bailiwick"] is None for o in neg), "NXDOMAIN of nx.example.lbtest. A, bailiwick unknown")
out(any(o["qname"] == "www.example.lbtest." and o["qtype"] == "MX" and o.get("nodata")
        and o["bailiwick"] is None for o in neg), "NODATA of www.example.lbtest. MX, bailiwick unknown")
# without a bailiwick nothing but answers: not the referral's NS and glue, not
# the SOA or the NSEC3 records of the denials, not the zone's NS
out(not [o for o in pos if o["section"] != "answer"], "only answer-section RRsets")
out(not [o for o in pos if "sub.example.lbtest." in o["rrname"]]
    and not [o for o in neg if "sub.example.lbtest." in o["qname"]],
    "the referral to sub.example.lbtest. (no answer, NS without SOA) is neither an rrset nor a denial")
out(rows and all(o.get("sensor_id") == "lbtest-" + r for o in rows), "every observation carries the sensor id")
q, a = ("AUTH_QUERY", "AUTH_RESPONSE") if r == "knot" else ("CLIENT_QUERY", "CLIENT_RESPONSE")
nq, na = stats.get("dnstap_type_" + q, 0), stats.get("dnstap_type_" + a, 0)
others = [k for k in stats if k.startswith("dnstap_type_") and k not in ("dnstap_type_" + q, "dnstap_type_" + a)]
out(nq >= 15 and na >= 15 and not others, "the messages are %s (%d) and %s (%d) only %s" % (q, nq, a, na, others))
out(stats.get("dnstap_responses") == na and stats.get("dnstap_responses_with_bailiwick", -1) == 0,
    "no response carries a query_zone: every one read with its bailiwick unknown (%d)" % na)
if r == "knot":
    out(nq == na, "a response logged for every query (%d / %d)" % (nq, na))
else:
    # the cache hit and the answer dnsdist made are responses too; the
    # spoofed query is logged before the SpoofAction answers it
    out(len(rrset("cached.example.lbtest.", "A")) == 2, "the answer and the cache hit of cached.example.lbtest. A")
    has("spoof.example.lbtest.", "A", ["192.0.2.99"], "the answer dnsdist made (SpoofAction)")
    if tls:
        has("dot.example.lbtest.", "A", ["192.0.2.31"], "asked over DNS over TLS")
        has("doh.example.lbtest.", "A", ["192.0.2.32"], "asked over DNS over HTTPS")
PY
	[ -s "$D/$r.verdicts" ] || nok "$r: the expectation script ran"
	local v desc
	while read -r v desc; do
		if [ "$v" = PASS ]; then ok "$desc"; else nok "$desc"; fi
	done < "$D/$r.verdicts"
	if [ "$r" = dnsdist ] && [ ! -s "$D/cert.pem" ]; then
		skip "dnsdist: openssl made no certificate: no DNS over TLS or HTTPS"
	fi
	stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$S"; }
	check "$r: no bad frames, no client refused or dropped" \
		bash -c "! grep -Eq '^dnstap_(bad_[a-z_]+|clients_refused|clients_dropped|clients_timed_out) [1-9]' '$S'"
	local ns nf nu
	ns=$(stat_of dnstap_streams) nf=$(stat_of dnstap_streams_finished) nu=$(stat_of dnstap_streams_unfinished)
	if [ "$r" = dnsdist ]; then
		# dnsdist stops without STOP: an unfinished stream, nothing cut
		check "$r: one stream, closed between frames ($ns streams, $nf finished, $nu unfinished)" \
			test "$ns" = 1 -a "$((nf + nu))" = 1
	else
		check "$r: one stream, ended with STOP/FINISH ($ns / $nf)" test "$ns" = 1 -a "$nf" = 1
	fi
	"$LOOKBACK" query --db "$D/$r.db" -r www.example.lbtest -t A -f cof > "$D/$r.q" 2>&1
	check "$r: the store holds www.example.lbtest. A 192.0.2.10, sensor lbtest-$r" \
		grep -q '"rdata":\["192.0.2.10"\]' "$D/$r.q"
	local n
	n=$("$LOOKBACK" query --db "$D/$r.db" -n sip.example.lbtest -f cof 2> /dev/null | grep -c '"rrtype":"SRV"')
	check "$r: query -n sip.example.lbtest finds the SRV rrset naming it ($n)" test "$n" -ge 1
	n=$("$LOOKBACK" query --db "$D/$r.db" --negative nx.example.lbtest -f cof 2> /dev/null | grep -c NXDOMAIN)
	check "$r: query --negative nx.example.lbtest finds the NXDOMAIN ($n)" test "$n" -ge 1
	"$LOOKBACK" stats --db "$D/$r.db" --check -q > /dev/null 2> "$D/$r.chk"
	check "$r: stats --check finds the store's tables in agreement" test $? -eq 0

	# -- recorded: the same producer into fstrm_capture, then two decoders --
	local csock="$D/$r.cap.sock"
	rs_fstrm_capture "$r"
	local cp=$CAP_PID
	rm -rf "${D:?}/$r"
	producer_start "$r" "$csock" || { nok "$r answers (recorded run)"; return; }
	ask "$r" "$RPORT" recorded
	if [ "$r" = dnsdist ]; then
		# dnsdist drops what its writer still holds when it stops.  The writer
		# (libfstrm) writes on a 1 s timer, a message a tick or two after it
		# was queued: wait for two writes, seen as fstrm_capture reading (3 s
		# at most)
		sleep 0.05
		local rc0 rc1 writes=0 tries=60
		rc0=$(awk '$1 == "rchar:" { print $2 }' "/proc/$cp/io")
		while [ "$writes" -lt 2 ] && [ "$tries" -gt 0 ]; do
			sleep 0.05
			rc1=$(awk '$1 == "rchar:" { print $2 }' "/proc/$cp/io")
			[ "$rc1" = "$rc0" ] || writes=$((writes + 1)) rc0=$rc1
			tries=$((tries - 1))
		done
		sleep 0.05
	fi
	kill "$RPID"
	wait "$RPID" 2> /dev/null
	kill "$cp"
	wait "$cp" 2> /dev/null
	rs_recorded_checks "$r" 30
	check "$r recorded: dnstap-ldns reads the file" test "$LDNS_RC" -eq 0
	check "$r recorded: the last answer is in it" grep -q '"rrname":"end.example.lbtest."' "$D/$r.cap.jsonl"
}

# the two producers at once, each in a subshell whose TAP lines are written
# to a file and numbered here
sub_run() {
	(
		PIDS=()
		trap 'for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null; done; wait' EXIT
		ok() { echo "ok $*"; }
		nok() { echo "not $*"; }
		skip() { echo "skip $*"; }
		"$@"
	) > "$D/$2.tap" 2>&1
}
dnsdist_all() {
	if ! command -v dnsdist > /dev/null 2>&1; then
		skip "dnsdist: dnsdist is not installed (scripts/deps installs it)"
	elif knot_start backend "$P_BACK"; then
		# dnsdist's backend: a knotd without dnstap
		run_producer dnsdist dnsdist
	else
		nok "dnsdist's backend knotd answers on 127.0.0.1"
	fi
}
sub_run run_producer knot knotd &
PIDS+=($!)
sub_run dnsdist_all dnsdist &
PIDS+=($!)
wait "${PIDS[@]}"
for f in knot dnsdist; do
	while read -r v desc; do
		case $v in
		ok) ok "$desc" ;;
		not) nok "$desc" ;;
		skip) skip "$desc" ;;
		\#*) echo "$v $desc" ;;
		*) echo "# $v $desc" ;;
		esac
	done < "$D/$f.tap"
done
exit 0
