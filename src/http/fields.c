/*
 * fields.c - the request header fields the server reads through
 * libmicrohttpd: a field's value as RFC 9110 means it, the API key, the
 * Accept lines as one list, and the fields RFC 9112 makes a request
 * malformed by (Host, field names).
 */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"
#include "http/http_impl.h"

/* A request header's value without its trailing whitespace, copied into
 * buf: a field value does not include the whitespace around it (RFC 9110
 * 5.5), and libmicrohttpd strips only the leading one, so "X-API-Key: KEY "
 * was a key not recognised (403).  NULL when absent; "" (never a valid
 * key or number) when it does not fit. */
const char *lb_http_header_value(struct MHD_Connection *c, const char *name, char *buf,
				 size_t bufsz)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
	if (!v)
		return NULL;
	size_t n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= bufsz)
		n = 0;
	memcpy(buf, v, n);
	buf[n] = 0;
	return buf;
}

/* The request's API key into out: 1 found (X-API-Key, or for CIRCL the
 * password of HTTP Basic credentials), 0 none, -1 malformed Basic
 * credentials (lb_http_basic_password: a NUL in the password, bad base64),
 * refused rather than read as far as a C string goes. */
int lb_http_find_key(struct MHD_Connection *c, bool basic, char *out, size_t outsz)
{
	if (lb_http_header_value(c, "X-API-Key", out, outsz))
		return 1;
	if (!basic)
		return 0;
	return lb_http_basic_password(
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION), out,
		outsz);
}

/* Every Accept line of the request, as one list (RFC 9110 5.3: a client may
 * send a list field as several lines): libmicrohttpd's lookup gives the
 * first line only, and "Accept: text/html" then "Accept: application/json"
 * was refused 415.  The lines are joined, as one, so that a weight of 0 on
 * one line (application/x-ndjson;q=0) excludes what a wildcard on another
 * allows. */
struct accept_join {
	const char *first;             /* the one line, when there is one */
	size_t lines, len;
	char *buf;                     /* lines > 1: joined with ',' */
};

static enum MHD_Result accept_line(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	struct accept_join *j = cls;
	(void)kind;
	if (!key || !value || strcasecmp(key, MHD_HTTP_HEADER_ACCEPT))
		return MHD_YES;
	size_t n = strlen(value);
	if (j->buf) {
		if (j->len)
			j->buf[j->len++] = ',';
		memcpy(j->buf + j->len, value, n);
		j->len += n;
		j->buf[j->len] = 0;
		return MHD_YES;
	}
	if (!j->lines++)
		j->first = value;
	j->len += n + 1;
	return MHD_YES;
}

int lb_http_accept_lines_pick(struct MHD_Connection *c, const char *const *offers, size_t n)
{
	struct accept_join j = { 0 };
	(void)MHD_get_connection_values(c, MHD_HEADER_KIND, accept_line, &j);
	if (j.lines <= 1)
		return lb_http_accept_pick(j.first, offers, n);
	/* at most the request's headers (LB_HTTP_MEM_PER_CONN) */
	j.buf = malloc(j.len + 1);
	if (!j.buf)
		return 0; /* without memory: served as without an Accept */
	j.len = 0;
	j.buf[0] = 0;
	(void)MHD_get_connection_values(c, MHD_HEADER_KIND, accept_line, &j);
	int pick = lb_http_accept_pick(j.buf, offers, n);
	free(j.buf);
	return pick;
}

/* One pass over the request's header fields: how many Host lines, and
 * whether a name is no token. */
struct field_scan {
	unsigned hosts;
	bool bad_name;
};

static enum MHD_Result field_line(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	struct field_scan *f = cls;
	(void)kind;
	(void)value;
	if (!lb_http_field_name_ok(key))
		f->bad_name = true;
	else if (!strcasecmp(key, MHD_HTTP_HEADER_HOST))
		f->hosts++;
	return MHD_YES;
}

const char *lb_http_fields_bad(struct MHD_Connection *c, bool http11)
{
	struct field_scan f = { 0 };
	(void)MHD_get_connection_values(c, MHD_HEADER_KIND, field_line, &f);
	if (f.bad_name)
		return "a header field name that is not a token (whitespace before its colon?)";
	if (f.hosts > 1)
		return "more than one Host header field";
	if (!f.hosts && http11)
		return "an HTTP/1.1 request without a Host header field";
	return NULL;
}
