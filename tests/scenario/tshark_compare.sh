#!/bin/bash
# Every shared capture decoded by lookback agrees with tshark, record by record
# and negative answer by negative answer,
# except for the differences listed (with reasons) in tshark_expect.tsv.
. "$(dirname "$0")/lib.sh"
need_shared "tshark comparison" || exit 0
if ! command -v tshark >/dev/null; then nok "tshark is not installed (scripts/deps installs it)"; exit 1; fi
/usr/bin/python3 "$(dirname "$0")/tshark_compare.py"
