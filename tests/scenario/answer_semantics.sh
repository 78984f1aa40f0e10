#!/bin/bash
# What the store takes from an answer: the question's chain only (no forged
# answer off it), denials of the chain's last name (RFC 6604), no NODATA from a
# referral or an authoritative CNAME out of its zone (RFC 2308).  dnspython
# builds the responses; lookback captures them into a store and answers queries.
. "$(dirname "$0")/lib.sh"
if ! /usr/bin/python3 -c 'import dns.message' 2>/dev/null; then
	nok "python3-dnspython is not installed (scripts/deps installs it)"; exit 1
fi
/usr/bin/python3 "$(dirname "$0")/answer_semantics.py"
