# Shared helpers for scenario tests (sourced).  Each test prints TAP lines.
# Environment from tests/run.sh: LOOKBACK (binary), BUILD (build dir), SHARED.
set -u
# python3 is Debian's (scripts/deps installs it with python3-dnspython and
# python3-yaml): one earlier on PATH, a pyenv shim say, is passed over (it
# also took 0.3 s to start, against 0.03)
if [ -x /usr/bin/python3 ]; then
	python3() { /usr/bin/python3 "$@"; }
	export -f python3
fi
: "${LOOKBACK:?run through tests/run.sh or set LOOKBACK}"
: "${SHARED:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/shared}"
CAPTURES="$SHARED/data/captures"
T_N=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lbtest.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT

ok()   { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
nok()  { T_N=$((T_N + 1)); echo "not ok $T_N - $*"; }
skip() { T_N=$((T_N + 1)); echo "ok $T_N - $* # SKIP"; }
# check DESC CMD...: ok if the command succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
need_shared() {
	if [ ! -d "$CAPTURES" ]; then
		skip "$1: ../shared/data/captures is absent"
		return 1
	fi
	return 0
}

# tshark_cached ARGS...: tshark's output for ARGS, which read a file (-r FILE),
# kept in build/tshark-cache under the digest of ARGS and of the file's bytes
# (as tshark_compare.py's tshark_out): the tshark of a generated capture that is
# the same bytes in both builds' runs runs once.  No -r FILE (stdin): tshark runs.
tshark_cached() {
	local a prev="" f="" dir key tmp
	for a in "$@"; do [ "$prev" = -r ] && f=$a; prev=$a; done
	if [ -z "$f" ] || [ ! -f "$f" ]; then
		tshark "$@"
		return
	fi
	dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/tshark-cache
	key=$({ sha256sum < "$f"; for a in "$@"; do [ "$a" = "$f" ] && a=FILE; printf '%s\0' "$a"; done; } |
		sha256sum | cut -c1-64)
	if [ -f "$dir/sh-$key.out" ]; then
		cat "$dir/sh-$key.out"
		return
	fi
	mkdir -p "$dir"
	tmp="$dir/sh-$key.out.$$.tmp"
	if tshark "$@" > "$tmp"; then
		mv -f "$tmp" "$dir/sh-$key.out" # (both builds' runs may race: each rename is whole)
		cat "$dir/sh-$key.out"
	else
		cat "$tmp"
		rm -f "$tmp"
		return 1
	fi
}

# serve_start DB [ARGS...]: `lookback serve --db DB --listen 127.0.0.1:0 ARGS...`
# in the background, stopped when the test exits; sets SPID, and PORT once the
# server wrote its port (empty if it did not start: stderr in $T_TMP/serve.err).
serve_start() {
	local db=$1
	shift
	rm -f "$T_TMP/port"
	"$LOOKBACK" serve --db "$db" --listen 127.0.0.1:0 --port-file "$T_TMP/port" "$@" 2> "$T_TMP/serve.err" &
	SPID=$!
	trap 'kill $SPID 2>/dev/null; wait $SPID 2>/dev/null; rm -rf "$T_TMP"' EXIT
	for _ in $(seq 50); do [ -s "$T_TMP/port" ] && break; sleep 0.1; done
	PORT=$(cat "$T_TMP/port" 2>/dev/null)
}

# kill_pids_on_exit: on exit, stop every process whose pid the test added to
# the PIDS array, wait for them, and remove $T_TMP (KEEP_TMP=1 keeps the
# directory; the processes are stopped all the same).
PIDS=()
kill_pids_on_exit() {
	trap '_kill_pids' EXIT
}
_kill_pids() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2> /dev/null; done
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$T_TMP"
}
