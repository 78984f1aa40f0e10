/*
 * fuzz_http_path.c - the DNSDB/CIRCL request-target parser (http/parse.c):
 * any bytes as a request target (its bytes, lb_http_target_clean), as an
 * Accept header (lb_http_accept_pick), as a header field name, as an Authorization
 * header (lb_http_basic_password) and as a line of `query --batch`
 * (lb_http_batch_line, NUL bytes and all), and as a request line whose
 * method libmicrohttpd cut at its first space (lb_http_method_whole).
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
	/* the input as a request line as libmicrohttpd hands it: the method a
	 * C string ended at its first space (made a NUL), the URI one past it;
	 * the method is whole iff no NUL byte came before that space */
	const uint8_t *sp = memchr(data, ' ', size);
	if (sp) {
		size_t k = (size_t)(sp - data);
		char *line = malloc(size + 1);
		if (!line)
			abort();
		memcpy(line, data, size);
		line[size] = 0;
		line[k] = 0;
		bool whole = lb_http_method_whole(line, line + k + 1, size);
		if (whole != (memchr(data, 0, k) == NULL))
			abort();
		if (!lb_http_method_whole(line, line, size) || !lb_http_method_whole(line + k, line, size))
			abort(); /* a URI not past the method tells nothing */
		free(line);
	}
	free(s);
	return 0;
}
