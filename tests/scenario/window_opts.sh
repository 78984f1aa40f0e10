#!/bin/bash
# The aggregation window's options, the same on capture, tap and import:
# --flush-secs (a quiet source still reaches the store on time, while the
# command runs: tap from a pipe and from a socket, import and capture from a pipe),
# SIGHUP (writes the window out at once), --window-entries (a smaller window
# writes more often, the history it keeps is the same) and --retain; bad values
# are usage errors.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 > /dev/null || { skip "window_opts: python3 is not installed"; exit 0; }
kill_pids_on_exit

# found NAME DB TRIES: the store at DB answers an rrset lookup for NAME
# (queried while the writer still runs), within TRIES * 0.2 s
found() {
	local n=$3
	while [ "$n" -gt 0 ]; do
		"$LOOKBACK" query --db "$2" -r "$1" -f cof > /dev/null 2>&1 && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

absent() { ! found "$@"; }

# a dnstap file: N CLIENT_RESPONSE messages for hostI.example.org
# (tests/scenario/fstrm_clients.py's encoder), START .. STOP.  Message I is
# stamped 1700000000 + I: each one moves the observation clock a second, so
# with --flush-secs 1 all but the last reach the store on that clock alone;
# the checks below look for the last one, which only the wall clock writes.
dnstap_file() { # OUT FIRST N
	python3 - "$HERE" "$@" << 'PY'
import sys
sys.path.insert(0, sys.argv[1])
import fstrm_clients as f
out, first, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(out, "wb") as fh:
    fh.write(f.control(2, f.CT))
    for i in range(first, first + n):
        fh.write(f.dnstap_frame(i))
    fh.write(f.control(3))
PY
}
dnstap_file "$T_TMP/a.fstrm" 1 3 || { nok "dnstap file written"; exit 0; }
"$LOOKBACK" tap -r "$T_TMP/a.fstrm" --jsonl > "$T_TMP/a.jsonl" 2>&1
check "the test's dnstap file reads back (3 observations)" test "$(wc -l < "$T_TMP/a.jsonl")" -eq 3

# Each command below reads a pipe that stays open after its data (like
# `tcpdump -U -w - | ...` or `tail -F ... | ...`) until the checks are done
# (release_pipe; 30 s at most), so what reaches the store while it runs came
# from the window's wall-clock tick or SIGHUP, not its exit.
# feed_open FEED: FEED, then hold the pipe open until release_pipe
NPIPE=0
feed_open() {
	cat "$1"
	local n=600
	while [ ! -e "$T_TMP/release.$NPIPE" ] && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
}
release_pipe() { touch "$T_TMP/release.$NPIPE"; NPIPE=$((NPIPE + 1)); }
# quiet_pipe LABEL FEED DB HAS -- ARGS: FEED piped into `lookback ARGS --db DB
# --flush-secs 1`; HAS DB TRIES says the data is in the store
quiet_pipe() {
	local label=$1 feed=$2 db=$3 has=$4
	shift 5
	feed_open "$feed" | "$LOOKBACK" "$@" --db "$db" --flush-secs 1 2> /dev/null &
	local p=$! # of a pipeline: its last command, lookback
	PIDS+=($p)
	check "$label: a quiet pipe's data is in the store within --flush-secs" "$has" "$db" 30
	check "$label is still running then (the data did not come from its exit)" kill -0 $p
	release_pipe
	wait $p
	check "$label exits 0" test $? -eq 0
}
# hup_pipe LABEL FEED DB HAS -- ARGS: the same with --flush-secs 3600 (the
# window would wait an hour) and SIGHUP after a second
hup_pipe() {
	local label=$1 feed=$2 db=$3 has=$4
	shift 5
	feed_open "$feed" | "$LOOKBACK" "$@" --db "$db" --flush-secs 3600 2> /dev/null &
	local p=$!
	PIDS+=($p)
	sleep 1
	check "$label: nothing in the store before SIGHUP (--flush-secs 3600)" absent_in "$has" "$db" 1
	kill -HUP $p
	check "$label: SIGHUP writes the window out while it runs" "$has" "$db" 20
	check "$label is still running after SIGHUP" kill -0 $p
	release_pipe
	wait $p
	check "$label exits 0 after SIGHUP" test $? -eq 0
}
absent_in() { ! "$@"; }

# --- tap -r from a pipe
tap_has() { found host3.example.org "$@"; } # the last message: see dnstap_file
quiet_pipe "tap -r -" "$T_TMP/a.fstrm" "$T_TMP/tap-pipe" tap_has -- tap -r -
hup_pipe "tap -r -" "$T_TMP/a.fstrm" "$T_TMP/tap-hup" tap_has -- tap -r -

# --- tap on a unix socket: a client sends and goes away; the quiet server
# still writes its window after --flush-secs
DB="$T_TMP/tap-sock"
SOCK="$T_TMP/tap.sock"
"$LOOKBACK" tap -u "$SOCK" --db "$DB" --flush-secs 1 2> "$T_TMP/ts.err" &
TP=$!
PIDS+=($TP)
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
python3 - "$HERE" "$SOCK" << 'PY'
import socket, sys
sys.path.insert(0, sys.argv[1])
import fstrm_clients as f
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[2])
s.sendall(f.control(4, f.CT))
f.read_control(s)
s.sendall(f.control(2, f.CT) + b"".join(f.dnstap_frame(i) for i in range(10, 13)) + f.control(3))
f.read_control(s)  # FINISH
s.close()
PY
check "tap -u: the quiet server writes the window within --flush-secs" found host12.example.org "$DB" 30
kill -HUP $TP
sleep 0.3
check "tap -u: SIGHUP does not stop the server" kill -0 $TP
kill $TP
wait $TP
check "tap -u exits 0 on SIGTERM" test $? -eq 0

# --- import from a pipe (`tail -F eve.json | lookback import -`)
eve() { # NAME
	printf '{"timestamp":"2023-11-14T22:13:20.000000+0000","event_type":"dns","src_ip":"192.0.2.53","dest_ip":"192.0.2.1","dns":{"version":2,"type":"answer","id":1,"rrname":"%s","rrtype":"A","rcode":"NOERROR","answers":[{"rrname":"%s","rrtype":"A","ttl":60,"rdata":"198.51.100.7"}]}}\n' "$1" "$1"
}
eve tail1.example.org > "$T_TMP/e.json"
imp_has() { found tail1.example.org "$@"; }
quiet_pipe "import -" "$T_TMP/e.json" "$T_TMP/imp-pipe" imp_has -- import -f suricata -q -
hup_pipe "import -" "$T_TMP/e.json" "$T_TMP/imp-hup" imp_has -- import -f suricata -q -

# --- --window-entries: a small window writes more entries, keeps the same history
CAP="$T_TMP/g.pcap"
"$LOOKBACK" gen -o "$CAP" -n 20000 --seed 3 2> /dev/null
"$LOOKBACK" capture -r "$CAP" --db "$T_TMP/w-def" --stats > "$T_TMP/w-def.st" 2>&1
"$LOOKBACK" capture -r "$CAP" --db "$T_TMP/w-small" --window-entries 1024 --stats > "$T_TMP/w-small.st" 2>&1
check "capture --window-entries 1024 exits 0" test $? -eq 0
st() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
d=$(st "$T_TMP/w-def.st" store_new_entries)
s=$(st "$T_TMP/w-small.st" store_new_entries)
check "a 1024-entry window writes more entries than the default ($s > $d)" test "${s:-0}" -gt "${d:-0}"
"$LOOKBACK" export --db "$T_TMP/w-def" -f cof > "$T_TMP/w-def.cof"
"$LOOKBACK" export --db "$T_TMP/w-small" -f cof > "$T_TMP/w-small.cof"
check "the history is the same whatever the window's size ($(wc -l < "$T_TMP/w-def.cof") records)" \
	bash -c "[ -s '$T_TMP/w-def.cof' ] && cmp -s '$T_TMP/w-def.cof' '$T_TMP/w-small.cof'"
# the default window's one flush is a table file lookback writes (src/store/sst.c),
# the small window's flushes write batches: the indexes agree in both
check "the store written as one table file checks clean (indexes, names, values)" \
	"$LOOKBACK" stats --db "$T_TMP/w-def" --check -q
check "the store written in write batches checks clean" "$LOOKBACK" stats --db "$T_TMP/w-small" --check -q

# --- capture -r - from a pipe that stays open (tcpdump -U -w - | lookback
# capture -r -): the whole capture is in the store while it still runs
rrsets() { "$LOOKBACK" stats --db "$1" 2> /dev/null | awk '$1 == "rrsets" { print $2 }'; }
want=$(rrsets "$T_TMP/w-def")
has_all() { # DB TRIES
	local n=$2
	while [ "$n" -gt 0 ]; do
		[ "$(rrsets "$1")" = "$want" ] && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}
quiet_pipe "capture -r - ($want rrsets)" "$CAP" "$T_TMP/cap-pipe" has_all -- capture -r - -q
hup_pipe "capture -r -" "$CAP" "$T_TMP/cap-hup" has_all -- capture -r - -q

# --- --retain on tap and import sets the store's retention
"$LOOKBACK" tap -r "$T_TMP/a.fstrm" --db "$T_TMP/r-tap" --retain 30 2> /dev/null
check "tap --retain 30: stats shows the retention" \
	bash -c "'$LOOKBACK' stats --db '$T_TMP/r-tap' | grep -q '^retention *30 days'"
# tap without --sensor names its source as capture does (the host name): without one,
# the store had no per-source freshness (sources 0, oldest/newest data '-')
check "tap --db without --sensor: the store has a source with its freshness" \
	bash -c "'$LOOKBACK' stats --db '$T_TMP/r-tap' | grep -q '^sources *1\$' &&
		'$LOOKBACK' stats --db '$T_TMP/r-tap' | grep -Eq '^  [^ ]+ +newest 2023-.*observations 3\$'"
"$LOOKBACK" import -f suricata --db "$T_TMP/r-imp" --retain 7 -q "$T_TMP/e.json"
check "import --retain 7: stats shows the retention" \
	bash -c "'$LOOKBACK' stats --db '$T_TMP/r-imp' | grep -q '^retention *7 days'"

# --- usage errors (exit 2, a message naming the option)
usage() { # DESC ARGS...
	local d=$1
	shift
	"$LOOKBACK" "$@" > /dev/null 2> "$T_TMP/u.err"
	local rc=$?
	check "$d: exit 2 ($rc) and says why" bash -c "[ $rc -eq 2 ] && grep -q -- '--' '$T_TMP/u.err'"
}
usage "tap --window-entries 5" tap -r "$T_TMP/a.fstrm" --db "$T_TMP/x" --window-entries 5
usage "import --window-entries 2^40" import --db "$T_TMP/x" --window-entries 1099511627776 "$T_TMP/e.json"
usage "capture --window-entries abc" capture -r "$CAP" --db "$T_TMP/x" --window-entries abc
usage "tap --flush-secs 0" tap -r "$T_TMP/a.fstrm" --db "$T_TMP/x" --flush-secs 0
usage "import --retain -1" import --db "$T_TMP/x" --retain -1 "$T_TMP/e.json"
usage "tap --retain without --db" tap -r "$T_TMP/a.fstrm" --jsonl --retain 3
usage "capture --retain with --send" capture -r "$CAP" --send 127.0.0.1:9 --retain 3
usage "import --flush-secs without a store" import --jsonl --flush-secs 5 "$T_TMP/e.json"
usage "capture --max-tunnel-depth abc" capture -r "$CAP" --stats --max-tunnel-depth abc
usage "capture --snaplen -5" capture -r "$CAP" --stats --snaplen -5
usage "capture -r with --snaplen" capture -r "$CAP" --stats --snaplen 1500
usage "capture --spool without --send" capture -r "$CAP" --stats --spool "$T_TMP/sp"
usage "capture --frame-numbers without --jsonl" capture -r "$CAP" --stats --frame-numbers
usage "capture --sensor ''" capture -r "$CAP" --db "$T_TMP/x" --sensor ''
usage "tap --sensor of 65 characters" tap -r "$T_TMP/a.fstrm" --db "$T_TMP/x" \
	--sensor "$(head -c 65 /dev/zero | tr '\0' s)"
usage "import --origin bad..name" import --origin bad..name --jsonl "$T_TMP/e.json"
usage "import --zone-time 2^70" import --zone-time 1180591620717411303424 --jsonl "$T_TMP/e.json"
usage "capture --send garbage" capture -r "$CAP" --send garbage
"$LOOKBACK" capture -r "$CAP" --send 127.0.0.1:9 --send-key-file "$T_TMP/nokey" > /dev/null 2> "$T_TMP/u.err"
check "--send-key-file missing: exit 2, says the file is missing" \
	bash -c "[ $? -eq 2 ] && grep -q 'No such file' '$T_TMP/u.err'"
"$LOOKBACK" tap -u "$T_TMP/s1" -u "$T_TMP/s2" --stats > /dev/null 2> "$T_TMP/u.err"
check "tap -u twice: exit 2, not the second alone" bash -c "[ $? -eq 2 ] && [ ! -e '$T_TMP/s2' ]"
"$LOOKBACK" tap -r "$T_TMP" --stats > /dev/null 2> "$T_TMP/u.err"
check "tap -r DIRECTORY: exit 2 (an input error)" test $? -eq 2
check "no store was created by a refused command" test ! -e "$T_TMP/x"

# --- output that cannot be written: exit 3 with a message, never 0
for args in "capture -r $CAP --jsonl" "capture -r $CAP --stats" "tap -r $T_TMP/a.fstrm --jsonl" \
	"import --jsonl $T_TMP/e.json" "stats --db $T_TMP/r-imp"; do
	# shellcheck disable=SC2086
	"$LOOKBACK" $args > /dev/full 2> "$T_TMP/full.err"
	rc=$?
	check "$args > /dev/full: exit 3 ($rc), says so" \
		bash -c "[ $rc -eq 3 ] && grep -q 'error writing the output' '$T_TMP/full.err'"
done

# --- SIGTERM while import waits on a pipe: what was read is stored, exit 143
for i in 1 2 3 4 5; do
	printf '{"rrname":"s%d.sig.test.","rrtype":"A","rdata":["192.0.2.%d"],"time_first":1700000000,"time_last":1700000001}\n' "$i" "$i"
done > "$T_TMP/sig.cof"
mkfifo "$T_TMP/sig.fifo"
"$LOOKBACK" import -f cof -q --db "$T_TMP/sig-db" - < "$T_TMP/sig.fifo" 2> "$T_TMP/sig.err" &
IPID=$!
exec 7> "$T_TMP/sig.fifo" # (held open: the import waits for more)
cat "$T_TMP/sig.cof" >&7
sleep 1.5
kill -TERM $IPID
wait $IPID
rc=$?
exec 7>&-
check "import stopped by SIGTERM: exit 143 ($rc), says what was kept" \
	bash -c "[ $rc -eq 143 ] && grep -q 'interrupted' '$T_TMP/sig.err'"
check "and the lines read before it are in the store" \
	bash -c "'$LOOKBACK' stats --db '$T_TMP/sig-db' | grep -q '^rrsets *5$'"
# and each command's --help gives that exit status (they listed 0, 2 and 3 only)
for c in capture tap import; do
	check "$c --help gives the exit status after SIGINT/SIGTERM (130/143)" \
		bash -c "'$LOOKBACK' $c --help | grep -q '130/143'"
done
# the interrupted wait is no line (the summary said 6 lines for these 5)
check "and the summary counts the 5 lines read, not one more" grep -q '^import: 5 lines,' "$T_TMP/sig.err"

# --- SIGTERM before a capture file's end: what was read is stored, exit 143
# (a live capture's SIGTERM is its normal end; a file cut short is not done)
mkfifo "$T_TMP/cap.fifo"
"$LOOKBACK" capture -r - --db "$T_TMP/sigcap-db" < "$T_TMP/cap.fifo" 2> "$T_TMP/sigcap.err" &
CPID=$!
exec 8> "$T_TMP/cap.fifo"
cat "$CAP" >&8
sleep 1.5
kill -TERM $CPID
wait $CPID
rc=$?
exec 8>&-
check "capture -r stopped by SIGTERM: exit 143 ($rc), says so" \
	bash -c "[ $rc -eq 143 ] && grep -q 'interrupted' '$T_TMP/sigcap.err'"
check "and what it read is in the store" \
	bash -c "'$LOOKBACK' stats --db '$T_TMP/sigcap-db' | grep -q '^rrsets *[1-9]'"
