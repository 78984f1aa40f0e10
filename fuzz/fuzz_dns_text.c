/*
 * fuzz_dns_text.c - presentation text parsers.  Input: 2 bytes of type, then
 * text.  Checks: lb_name_from_text output is a valid name whose text parses
 * back to the same wire; lb_rdata_from_text output is canonical (canon leaves
 * it alone) and its text form parses back to the same wire, and the wire of
 * the typed form and of the generic "\# len hex" form agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_impl.h"
#include "dns/name.h"
#include "dns/rdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t w1[65536], w2[65536], msg[65536 + 12];
	static char *text;
	static size_t textcap;
	if (size < 2 || size > 4096)
		return 0;
	if (!text) {
		textcap = lb_rdata_text_max(65535);
		text = malloc(textcap);
		if (!text)
			abort();
	}
	uint16_t type = (uint16_t)(data[0] << 8 | data[1]);
	const char *t = (const char *)data + 2;
	size_t tl = size - 2;

	/* names */
	uint8_t n1[LB_NAME_MAX], n2[LB_NAME_MAX];
	int nl = lb_name_from_text(t, tl, (const uint8_t *)"\6origin\0", n1, sizeof n1);
	if (nl >= 0) {
		if (lb_name_check(n1, (size_t)nl) != nl)
			abort();
		char nt[LB_NAME_TEXT_MAX];
		int ntl = lb_name_to_text(n1, nt, sizeof nt);
		if (ntl < 0)
			abort();
		if (lb_name_from_text(nt, (size_t)ntl, NULL, n2, sizeof n2) != nl ||
		    memcmp(n1, n2, (size_t)nl) != 0)
			abort();
	}

	/* rdata */
	int wl = lb_rdata_from_text(type, t, tl, NULL, w1, sizeof w1);
	if (wl < 0)
		return 0;
	/* canonical already: canon of it is itself */
	memset(msg, 0, 12);
	memcpy(msg + 12, w1, (size_t)wl);
	int cl = lb_rdata_canon(type, msg, (size_t)wl + 12, 12, (size_t)wl, w2, sizeof w2);
	if (lb_dns_rdata_fmt(type) && (cl != wl || memcmp(w1, w2, (size_t)wl) != 0))
		abort();
	int xl = lb_rdata_to_text(type, w1, (size_t)wl, text, lb_rdata_text_max((size_t)wl));
	if (xl < 0)
		abort();
	/* Text we print must parse back to the same wire: every typed form we
	 * print is read too (LOC, APL and A6 included, rdata_parse_misc.c). */
	int back = lb_rdata_from_text(type, text, (size_t)xl, NULL, w2, sizeof w2);
	if (back != wl || memcmp(w1, w2, (size_t)wl) != 0)
		abort();
	return 0;
}
