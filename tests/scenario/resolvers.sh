# Shared pieces for scenario tests with real resolvers (sourced, after lib.sh):
# a miniature DNS hierarchy served by knotd on 127.53.X.{1,2,3} and an
# unbound recursing into it with dnstap.  Functions append daemon pids to the
# caller's PIDS array.  Run directly, it only reports that it is a library.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	echo "ok 1 - resolvers.sh holds shared functions for other scenario tests # SKIP"
	exit 0
fi

# rs_need_tools TEST TOOL...: 0 when every tool is installed, else a skip line
# naming the missing one and 1
rs_need_tools() {
	local t=$1 tool
	shift
	for tool in "$@"; do
		if ! command -v "$tool" > /dev/null 2>&1; then
			skip "$t: $tool is not installed (scripts/deps installs it)"
			return 1
		fi
	done
}

# rs_wait_for DESC TRIES CMD...: run CMD every 0.05 s until it succeeds
rs_wait_for() {
	local d=$1 n=$2; shift 2
	while [ "$n" -gt 0 ]; do
		"$@" > /dev/null 2>&1 && return 0
		sleep 0.05
		n=$((n - 1))
	done
	echo "# timed out waiting for $d"
	return 1
}

# rs_free_port NET: checks NET.{1,2,3}:53 are bindable; prints a free port on
# 127.0.0.1 for unbound, or "NO <reason>"
rs_free_port() {
	python3 - "$1" <<'PY'
import socket, sys
for n in (1, 2, 3):
    a = "%s.%d" % (sys.argv[1], n)
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((a, 53))
        s.close()
    except OSError as e:
        print("NO %s:53 %s" % (a, e))
        raise SystemExit(0)
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
}

# rs_write_zones DIR NET: root (NET.1), lbtest. (NET.2), example.lbtest. and
# second.lbtest. (both NET.3; second's server name lives in example.lbtest.)
rs_write_zones() {
	local d=$1 net=$2
	mkdir -p "$d/zones"
	cat > "$d/zones/root.zone" <<EOF
\$TTL 3600
.			SOA	root-ns.lbtest. hostmaster.lbtest. 1 3600 600 86400 3600
.			NS	root-ns.lbtest.
lbtest.			NS	ns.nic.lbtest.
ns.nic.lbtest.		A	$net.2
root-ns.lbtest.		A	$net.1
EOF
	cat > "$d/zones/lbtest.zone" <<EOF
\$TTL 3600
@			SOA	ns.nic.lbtest. hostmaster.lbtest. 1 3600 600 86400 3600
@			NS	ns.nic.lbtest.
ns.nic			A	$net.2
root-ns			A	$net.1
example			NS	ns1.example.lbtest.
ns1.example		A	$net.3
second			NS	ns1.example.lbtest.
EOF
	cat > "$d/zones/example.lbtest.zone" <<EOF
\$TTL 300
@			SOA	ns1.example.lbtest. hostmaster.example.lbtest. 1 3600 600 86400 300
@			NS	ns1.example.lbtest.
ns1			A	$net.3
www			A	192.0.2.10
www			AAAA	2001:db8::10
alias			CNAME	www
@			MX	10 mail.example.lbtest.
mail			A	192.0.2.25
EOF
	cat > "$d/zones/second.lbtest.zone" <<EOF
\$TTL 300
@			SOA	ns1.example.lbtest. hostmaster.example.lbtest. 1 3600 600 86400 300
@			NS	ns1.example.lbtest.
www			A	192.0.2.20
EOF
	cat > "$d/root.hints" <<EOF
.			3600000	NS	root-ns.lbtest.
root-ns.lbtest.		3600000	A	$net.1
EOF
}

# rs_knot_conf_head DIR LISTEN: the start of a knot.conf, a knotd whose files
# are under DIR listening on LISTEN (ADDR@PORT), with the signing policy
# "lbtest" (ECDSA P-256, NSEC3); the templates and zones follow
rs_knot_conf_head() {
	cat <<EOF
server:
    rundir: "$1"
    listen: $2
    background-workers: 1
    udp-workers: 1
    tcp-workers: 1
log:
  - target: stderr
    any: error
database:
    storage: "$1/db"
    kasp-db: "$1/keys"
policy:
  - id: lbtest
    algorithm: ecdsap256sha256
    nsec3: on
EOF
}

# rs_tap_live NAME: `lookback tap -u $D/NAME.sock --jsonl --stats --sensor
# lbtest-NAME --db $D/NAME.db --flush-secs 1` in the background, its objects
# in $D/NAME.jsonl and its stderr in $D/NAME.stats, its pid in TAP_PID (and
# PIDS); 1 (said) if its socket does not appear
rs_tap_live() {
	"$LOOKBACK" tap -u "$D/$1.sock" --jsonl --stats --sensor "lbtest-$1" --db "$D/$1.db" \
		--flush-secs 1 > "$D/$1.jsonl" 2> "$D/$1.stats" &
	TAP_PID=$!
	PIDS+=($TAP_PID)
	rs_wait_for "tap socket" 200 test -S "$D/$1.sock" ||
		{ nok "$1: lookback tap listens"; cat "$D/$1.stats"; return 1; }
}

# rs_fstrm_capture NAME: fstrm_capture on the unix socket $D/NAME.cap.sock
# writing $D/NAME.fstrm, in the background, its pid in CAP_PID (and PIDS)
rs_fstrm_capture() {
	fstrm_capture -t protobuf:dnstap.Dnstap -u "$D/$1.cap.sock" -w "$D/$1.fstrm" \
		> "$D/$1.cap.log" 2>&1 &
	CAP_PID=$!
	PIDS+=($CAP_PID)
	rs_wait_for "fstrm_capture socket" 100 test -S "$D/$1.cap.sock"
}

# rs_recorded_checks NAME MIN: $D/NAME.fstrm (fstrm_capture stopped) read by
# dnstap-ldns (its status in LDNS_RC) and by lookback tap -r, which exits 0,
# finds at least MIN messages, and agrees with dnstap-ldns message by message
# (dnstap_ldns_compare.py); the objects in $D/NAME.cap.jsonl
rs_recorded_checks() {
	local r=$1 F="$D/$1.fstrm" n v desc
	dnstap-ldns -y -r "$F" > "$D/$r.yaml" 2> "$D/$r.ldns.err"
	LDNS_RC=$?
	"$LOOKBACK" tap -r "$F" --jsonl --stats > "$D/$r.cap.jsonl" 2> "$D/$r.cap.stats"
	check "$r recorded: lookback tap -r exits 0" test $? -eq 0
	n=$(awk '$1 == "dnstap_messages" { print $2 }' "$D/$r.cap.stats")
	check "$r recorded: the file holds the run's messages (${n:-none}; at least $2)" test "${n:-0}" -ge "$2"
	python3 "$(dirname "${BASH_SOURCE[0]}")/dnstap_ldns_compare.py" "$D/$r.yaml" "$D/$r.cap.jsonl" \
		"$D/$r.cap.stats" > "$D/$r.cap.v"
	[ -s "$D/$r.cap.v" ] || nok "$r recorded: comparison ran"
	while read -r v desc; do
		if [ "$v" = PASS ]; then ok "$r recorded, lookback vs dnstap-ldns: $desc"
		else nok "$r recorded, lookback vs dnstap-ldns: $desc"; fi
	done < "$D/$r.cap.v"
}

# rs_start_knot DIR NET N ZONE FILE [ZONE FILE ...]: knotd on NET.N@53; the
# zones named in RS_SIGN (space-separated) are signed by knotd (ECDSA P-256,
# NSEC3) as it loads them
rs_start_knot() {
	local d=$1 net=$2 n=$3 k="$1/knot$3"
	shift 3
	mkdir -p "$k/db"
	{
		rs_knot_conf_head "$k" "$net.$n@53"
		cat <<EOF
template:
  - id: default
    storage: "$d/zones"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
EOF
		while [ $# -ge 2 ]; do
			printf '  - domain: "%s"\n    file: "%s"\n' "$1" "$2"
			case " ${RS_SIGN:-} " in
			*" $1 "*) printf '    dnssec-signing: on\n    dnssec-policy: lbtest\n' ;;
			esac
			shift 2
		done
	} > "$k/knot.conf"
	knotd -c "$k/knot.conf" > "$k/log" 2>&1 &
	PIDS+=($!)
}

# rs_start_hierarchy DIR NET [ZONE FILE ...]: the three knotd of the test
# hierarchy (NET.1 the root, NET.2 lbtest., NET.3 example.lbtest. and
# second.lbtest., and the extra zones given), written by rs_write_zones; waits
# until each answers for its zone.  Non-zero (the log printed, a "not ok"
# line) if one never does.
rs_start_hierarchy() {
	local d=$1 net=$2 a
	shift 2
	rs_start_knot "$d" "$net" 1 . root.zone
	rs_start_knot "$d" "$net" 2 lbtest. lbtest.zone
	rs_start_knot "$d" "$net" 3 example.lbtest. example.lbtest.zone second.lbtest. second.lbtest.zone "$@"
	local zones=(. . lbtest. example.lbtest.)
	for a in 1 2 3; do
		rs_wait_for "knotd on $net.$a" 200 \
			bash -c "dig @$net.$a +norec +time=1 +tries=1 SOA ${zones[$a]} | grep -q 'status: NOERROR'" ||
			{ nok "knotd $net.$a answers"; cat "$d/knot$a/log"; return 1; }
	done
}

# rs_unbound_conf FILE DIR PORT DNSTAP_SOCKET: unbound on 127.0.0.1@PORT using
# DIR/root.hints, dnstap of resolver and client messages to the socket
rs_unbound_conf() {
	cat > "$1" <<EOF
server:
    interface: 127.0.0.1@$3
    port: $3
    do-ip6: no
    do-not-query-localhost: no
    module-config: "iterator"
    root-hints: "$2/root.hints"
    username: ""
    chroot: ""
    directory: "$2"
    pidfile: "$2/unbound.pid"
    use-syslog: no
    logfile: ""
    verbosity: 0
    do-daemonize: no
    num-threads: 1
    access-control: 127.0.0.0/8 allow
    qname-minimisation: no
    target-fetch-policy: "0 0 0 0 0"
    prefetch: no
    auto-trust-anchor-file: ""
remote-control:
    control-enable: no
dnstap:
    dnstap-enable: yes
    dnstap-bidirectional: yes
    dnstap-socket-path: "$4"
    dnstap-send-identity: yes
    dnstap-send-version: yes
    dnstap-identity: "lbtest-resolver"
    dnstap-log-resolver-query-messages: yes
    dnstap-log-resolver-response-messages: yes
    dnstap-log-client-query-messages: yes
    dnstap-log-client-response-messages: yes
EOF
}

# rs_start_unbound DIR PORT DNSTAP_SOCKET: write DIR/unbound.conf, start
# unbound on 127.0.0.1@PORT (pid in UNB_PID and PIDS) and wait until it
# resolves the test root.  Non-zero (log printed) if it never answers.
rs_start_unbound() {
	rs_unbound_conf "$1/unbound.conf" "$1" "$2" "$3"
	unbound -d -c "$1/unbound.conf" > "$1/unbound.log" 2>&1 &
	UNB_PID=$!
	PIDS+=($UNB_PID)
	rs_wait_for "unbound" 200 bash -c "dig @127.0.0.1 -p $2 +time=1 +tries=1 SOA . | grep -q 'status: NOERROR'" ||
		{ cat "$1/unbound.log"; return 1; }
}
