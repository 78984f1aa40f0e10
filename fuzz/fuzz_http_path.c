/*
 * fuzz_http_path.c - the DNSDB/CIRCL request-target parser (http/parse.c):
 * any bytes as a request target (its bytes, lb_http_target_clean), as an
 * Accept header (lb_http_accept_pick), as a header field name, as an Authorization
 * header (lb_http_basic_password) and as a line of `query --batch`
 * (lb_http_batch_line, NUL bytes and all).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	lb_http_req_t r;
	const char *msg = NULL;
	int st = lb_http_parse_target(s, strnlen(s, size), 1700000000, &r, &msg);
	if (st == 200)
		lb_query_free(&r.q);
	else if (!msg || (st != 400 && st != 404 && st != 503))
		abort();
	static const char *const offers[] = { "application/x-ndjson", "application/json", "text/plain" };
	int pick = lb_http_accept_pick(s, offers, 3);
	if (pick < -1 || pick > 2)
		abort();
	(void)lb_http_target_clean(s, strnlen(s, size));
	(void)lb_http_field_name_ok(s);
	char pass[16];
	int bp = lb_http_basic_password(s, pass, sizeof pass);
	if (bp < -1 || bp > 1 || (bp == 1 && strlen(pass) >= sizeof pass))
		abort();
	bool typed, bw;
	msg = NULL;
	st = lb_http_batch_line((const char *)data, size, 1700000000, &r, &typed, &bw, &msg);
	if (st == 200)
		lb_query_free(&r.q);
	else if (!msg || (st != 0 && st != 400))
		abort();
	char out[64];
	(void)lb_http_pct_decode(s, strnlen(s, size), out, sizeof out, true);
	free(s);
	return 0;
}
