#!/bin/bash
# Lookups (rrset, rdata address and name, every wildcard, types, bailiwick,
# time fences, summaries, --sort first/last) over a random store built with
# import -f cof, against a model of that store kept by query_oracle.py.
. "$(dirname "$0")/lib.sh"
python3 "$(dirname "$0")/query_oracle.py"
