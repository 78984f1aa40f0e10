# Shared helpers for scenario tests (sourced).  Each test prints TAP lines.
# Environment from tests/run.sh: LOOKBACK (binary), BUILD (build dir), SHARED.
set -u
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
