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
