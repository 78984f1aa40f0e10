#!/bin/bash
# docs/lookback.1 against the program: every option a command's --help prints is
# in that command's part of the man page's OPTIONS (and no option there is
# unknown to --help), and the page renders without warnings.
. "$(dirname "$0")/lib.sh"
MAN="$(dirname "$0")/../../docs/lookback.1"

for c in capture tap import query export serve stats gen; do
	# the command's subsection of OPTIONS, roff escapes undone
	sed -n "/^\.SH OPTIONS/,/^\.SH /p" "$MAN" | sed -n "/^\.SS $c\$/,/^\.S[SH] /p" |
		grep -A1 '^\.TP' | grep -v '^\.TP\|^--$' |
		sed 's/\\f[BIR]//g; s/\\-/-/g' > "$T_TMP/man-$c"
	"$LOOKBACK" $c --help 2> /dev/null |
		grep -oE '^ {2,6}(-[A-Za-z0-9], )?--[a-z][-a-z0-9]*' | sed 's/^ *//' | sort -u > "$T_TMP/help-$c"
	sed -E 's/^((-[A-Za-z0-9], )?--[a-z][-a-z0-9]*).*/\1/' "$T_TMP/man-$c" | sort -u > "$T_TMP/mano-$c"
	missing=$(comm -23 "$T_TMP/help-$c" "$T_TMP/mano-$c" | tr '\n' ' ')
	extra=$(comm -13 "$T_TMP/help-$c" "$T_TMP/mano-$c" | tr '\n' ' ')
	check "$c: every --help option is in the man page (missing: ${missing:-none})" test -z "$missing"
	check "$c: every option of the man page is in --help (unknown: ${extra:-none})" test -z "$extra"
	check "$c: --help lists options at all" test -s "$T_TMP/help-$c"
done

if command -v man > /dev/null; then
	MANWIDTH=80 man --warnings -l "$MAN" > /dev/null 2> "$T_TMP/man.err"
	check "the man page renders without warnings: $(head -c 200 "$T_TMP/man.err")" \
		test ! -s "$T_TMP/man.err"
else
	skip "man is not installed"
fi
