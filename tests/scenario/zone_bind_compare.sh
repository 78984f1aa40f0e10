#!/bin/bash
# The zone importer against BIND: every master file in tests/scenario/zones/
# (X.zone is zone X.test.) read by `lookback import -f zone` and by BIND's
# named-compilezone must give the same RRs (compared as wire data through
# dnspython; zone_bind_compare.py).
. "$(dirname "$0")/lib.sh"
if ! command -v named-compilezone > /dev/null; then
	nok "named-compilezone is not installed (scripts/deps installs bind9-utils)"; exit 1
fi
if ! /usr/bin/python3 -c 'import dns.rdata' 2>/dev/null; then
	nok "python3-dnspython is not installed (scripts/deps installs it)"; exit 1
fi
/usr/bin/python3 "$(dirname "$0")/zone_bind_compare.py" "$LOOKBACK" "$(dirname "$0")"/zones/*.zone
