#!/bin/bash
# The zone importer against BIND: the master files in tests/scenario/zones/
# (X.zone is zone X.test.) and three random ones (zone_random.py, seeds 1-3,
# 2000 records each) read by `lookback import -f zone` and by BIND's
# named-compilezone must give the same RRs (compared as wire data through
# dnspython; zone_bind_compare.py).
. "$(dirname "$0")/lib.sh"
if ! command -v named-compilezone > /dev/null; then
	nok "named-compilezone is not installed (scripts/deps installs bind9-utils)"; exit 1
fi
if ! /usr/bin/python3 -c 'import dns.rdata' 2>/dev/null; then
	nok "python3-dnspython is not installed (scripts/deps installs it)"; exit 1
fi
for seed in 1 2 3; do
	/usr/bin/python3 "$(dirname "$0")/zone_random.py" "$seed" 2000 "$T_TMP/random-$seed.zone"
done
/usr/bin/python3 "$(dirname "$0")/zone_bind_compare.py" "$LOOKBACK" "$(dirname "$0")"/zones/*.zone \
	"$T_TMP"/random-*.zone
