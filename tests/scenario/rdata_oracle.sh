#!/bin/bash
# Every RR type's decoding and presentation text, checked end to end (pcap ->
# lookback -> text) against dnspython as the independent implementation.
. "$(dirname "$0")/lib.sh"
if ! /usr/bin/python3 -c 'import dns.message' 2>/dev/null; then
	nok "python3-dnspython is not installed (scripts/deps installs it)"; exit 1
fi
/usr/bin/python3 "$(dirname "$0")/rdata_oracle.py"
