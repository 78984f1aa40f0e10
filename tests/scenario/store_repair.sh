#!/bin/bash
# stats --repair on stores built by `lookback capture --db` (most of whose
# tables were written by SstFileWriter and ingested: RocksDB's repairer alone
# cannot read those and sets them aside).  A lost CURRENT or MANIFEST: the
# store comes back whole (its export byte for byte what it was).  A table with
# a damaged block, or a table deleted: the rest comes back, consistent
# (stats --check finds nothing), fewer rrsets, never more.
. "$(dirname "$0")/lib.sh"

PCAP="$T_TMP/g.pcap"
"$LOOKBACK" gen -o "$PCAP" -n 25000 --seed 11 > /dev/null 2>&1 || { nok "gen failed"; exit 0; }
ORIG="$T_TMP/orig"
# two windows' worth of commits: more than one table file
"$LOOKBACK" capture -r "$PCAP" --db "$ORIG" --window-entries 8192 -q 2> "$T_TMP/cap.err" ||
	{ nok "capture --db failed: $(head -c 300 "$T_TMP/cap.err")"; exit 0; }
"$LOOKBACK" export --db "$ORIG" -f cof | sort > "$T_TMP/orig.cof"
NSST=$(ls "$ORIG" | grep -c '\.sst$')
check "the store has several table files ($NSST)" test "$NSST" -ge 2
rrsets() { "$LOOKBACK" stats --db "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["rrsets"])'; }
N0=$(rrsets "$ORIG")

# copy ORIG to a fresh directory, damage it with the command given, repair
trial() {
	local name=$1 damage=$2 db="$T_TMP/$1"
	rm -rf "$db"
	cp -r "$ORIG" "$db"
	(cd "$db" && eval "$damage")
	"$LOOKBACK" stats --db "$db" --check -q > /dev/null 2>&1
	check "$name: stats --check cannot read it (exit 3)" test $? -eq 3
	"$LOOKBACK" stats --db "$db" --repair --json -q > "$T_TMP/$name.json" 2> "$T_TMP/$name.err"
	local rc=$?
	check "$name: stats --repair exits 0 ($rc: $(head -c 200 "$T_TMP/$name.err" | tr "\n" " "))" test $rc -eq 0
	"$LOOKBACK" stats --db "$db" --check -q > "$T_TMP/$name.chk" 2>&1
	check "$name: then stats --check finds the tables in agreement" test $? -eq 0
}
jv() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T_TMP/$1.json" "$2"; }

# a store another process writes is not repaired, nor touched
cp -r "$ORIG" "$T_TMP/busy"
"$LOOKBACK" serve --db "$T_TMP/busy" --listen 127.0.0.1:0 --port-file "$T_TMP/busy.port" 2> /dev/null &
SP=$!
for _ in $(seq 50); do [ -s "$T_TMP/busy.port" ] && break; sleep 0.1; done
# (the serving writer compacts its level-0 tables meanwhile: its table and
# log files may change; a repairer run would write a new MANIFEST and lost/)
ls "$T_TMP/busy" | grep -v '^LOG\|\.sst$\|\.log$' > "$T_TMP/busy.before"
"$LOOKBACK" stats --db "$T_TMP/busy" --repair -q > /dev/null 2> "$T_TMP/busy.err"
rc=$?
check "a store serve has open for writing: stats --repair exits 3 ($rc)" test $rc -eq 3
check "... and says to stop the writer first" grep -q "stop it, then repair" "$T_TMP/busy.err"
ls "$T_TMP/busy" | grep -v '^LOG\|\.sst$\|\.log$' > "$T_TMP/busy.after"
check "... and leaves its files as they were (no repairer run)" cmp -s "$T_TMP/busy.before" "$T_TMP/busy.after"
kill $SP
wait $SP 2> /dev/null

trial no-current 'rm CURRENT'
check "no-current: RocksDB's repairer ran" test "$(jv no-current engine_repaired)" = True
check "no-current: the tables it set aside were taken back ($(jv no-current tables_restored)), none lost" \
	test "$(jv no-current tables_restored)" -ge 1 -a "$(jv no-current tables_lost)" = 0
"$LOOKBACK" export --db "$T_TMP/no-current" -f cof | sort > "$T_TMP/no-current.cof"
check "no-current: the export is what it was, byte for byte ($(wc -l < "$T_TMP/orig.cof") records)" \
	cmp -s "$T_TMP/orig.cof" "$T_TMP/no-current.cof"

trial no-manifest 'rm MANIFEST-*'
"$LOOKBACK" export --db "$T_TMP/no-manifest" -f cof | sort > "$T_TMP/no-manifest.cof"
check "no-manifest: the export is what it was, byte for byte" cmp -s "$T_TMP/orig.cof" "$T_TMP/no-manifest.cof"

# the largest table: a block in its middle overwritten
trial bad-block 'f=$(ls -S *.sst | head -1); s=$(stat -c %s "$f"); printf "XXXXXXXXXXXXXXXX" | dd of="$f" bs=1 seek=$((s / 3)) conv=notrunc status=none'
check "bad-block: the damaged table stays in lost/ ($(jv bad-block tables_lost))" test "$(jv bad-block tables_lost)" = 1
N=$(rrsets "$T_TMP/bad-block")
check "bad-block: fewer rrsets are left ($N of $N0)" test "$N" -lt "$N0" -a "$N" -ge 0

trial table-gone 'rm "$(ls -S *.sst | head -1)"'
N=$(rrsets "$T_TMP/table-gone")
check "table-gone: fewer rrsets are left ($N of $N0)" test "$N" -lt "$N0"
# what is left is what was: every record left is one the original had, with
# counts no higher (a record seen in both windows loses the lost one's part)
"$LOOKBACK" export --db "$T_TMP/table-gone" -f cof | sort > "$T_TMP/table-gone.cof"
python3 - "$T_TMP/orig.cof" "$T_TMP/table-gone.cof" > "$T_TMP/sub.v" <<'PY'
import json, sys
def load(p):
    d = {}
    for l in open(p):
        o = json.loads(l)
        k = json.dumps({f: v for f, v in o.items() if f not in ("count", "time_first", "time_last")},
                       sort_keys=True)
        assert k not in d, k
        d[k] = o
    return d
a, b = load(sys.argv[1]), load(sys.argv[2])
bad = [k for k, o in b.items() if k not in a or o["count"] > a[k]["count"]
       or o["time_first"] < a[k]["time_first"] or o["time_last"] > a[k]["time_last"]]
print("PASS" if b and not bad else "FAIL", len(b), len(a), bad[:3])
PY
check "table-gone: every record left was in the store, its count and times within the old ($(cat "$T_TMP/sub.v"))" \
	grep -q '^PASS' "$T_TMP/sub.v"

# a repair stopped (kill -9) anywhere: RocksDB's repairer first starts a new,
# empty database and only at its end lists the tables again, and the tables
# it set aside wait in lost/ to be taken back.  Stopped so, the store must
# not be opened as it is (a writer took the empty database for an unfinished
# new store, and RocksDB deleted the tables it did not list: everything lost);
# the next repair must finish the work: the export what it was.
cp -r "$ORIG" "$T_TMP/timed"
rm "$T_TMP/timed/CURRENT"
t0=$(date +%s%N)
"$LOOKBACK" stats --db "$T_TMP/timed" --repair -q > /dev/null 2>&1
full_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
bad=0 refused=0
for pct in 5 10 20 30 40 50 60 70 80 90; do
	db="$T_TMP/killed$pct"
	rm -rf "$db"
	cp -r "$ORIG" "$db"
	rm "$db/CURRENT"
	"$LOOKBACK" stats --db "$db" --repair -q > /dev/null 2>&1 &
	rp=$!
	sleep "$(awk -v m="$full_ms" -v p="$pct" 'BEGIN { printf "%.3f", m * p / 100000 }')"
	kill -9 $rp 2> /dev/null
	wait $rp 2> /dev/null
	# a writer opening it now (what destroyed the tables)
	"$LOOKBACK" import -f cof --db "$db" /dev/null > /dev/null 2> "$T_TMP/k.err"
	[ $? -eq 3 ] && grep -q 'or was stopped before it finished' "$T_TMP/k.err" && refused=$((refused + 1))
	"$LOOKBACK" stats --db "$db" --repair -q > /dev/null 2> "$T_TMP/k.err" || { bad=$((bad + 1)); echo "# $pct%: repair again: $(head -c 200 "$T_TMP/k.err")"; continue; }
	"$LOOKBACK" stats --db "$db" --check -q > /dev/null 2>&1 || { bad=$((bad + 1)); echo "# $pct%: check after"; continue; }
	"$LOOKBACK" export --db "$db" -f cof | sort > "$T_TMP/k.cof"
	cmp -s "$T_TMP/orig.cof" "$T_TMP/k.cof" || { bad=$((bad + 1)); echo "# $pct%: export $(wc -l < "$T_TMP/k.cof") of $(wc -l < "$T_TMP/orig.cof") records"; }
done
check "repair killed at 10 moments of its ${full_ms} ms, then repaired again: the export is what it was each time ($bad differ; $refused refused a writer meanwhile)" test $bad -eq 0
exit 0
