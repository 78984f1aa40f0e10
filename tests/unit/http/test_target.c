/* test_target.c - DNSDB API v2 request targets (lb_http_parse_target) into
 * queries: the path forms a DNSDB client may send and what each selects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dns/name.h"
#include "http/http.h"

static int parse(const char *target, lb_http_req_t *r)
{
	const char *msg = NULL;
	int st = lb_http_parse_target(target, strlen(target), 1700000000, r, &msg);
	assert_non_null(msg);
	return st;
}

static void want_name(const uint8_t *wire, size_t len, const char *text)
{
	uint8_t w[256];
	int n = lb_name_from_text(text, strlen(text), NULL, w, sizeof w);
	assert_true(n > 0);
	assert_int_equal(len, (size_t)n);
	assert_memory_equal(wire, w, (size_t)n);
}

/* rrset/raw takes RRTYPE and BAILIWICK as rrset/name does (DNSDB API v2:
 * lookup/rrset/{name|raw}/VALUE/RRTYPE/BAILIWICK; dnsdbq's batch syntax
 * rrset/raw/HEX[/RRTYPE[,...][/BAILIWICK]]) */
static void test_rrset_raw_bailiwick(void **state)
{
	(void)state;
	lb_http_req_t r;
	/* bw.example. in wire form */
	assert_int_equal(parse("/dnsdb/v2/lookup/rrset/raw/026277076578616d706c6500/NS/bw.example", &r),
			 200);
	assert_int_equal(r.api, LB_API_LOOKUP);
	assert_int_equal(r.q.kind, LB_Q_RRSET_RAW);
	assert_int_equal(r.q.tmode, LB_TYPES_LIST);
	assert_int_equal(r.q.ntypes, 1);
	assert_true(r.q.has_bailiwick);
	want_name(r.q.bailiwick, r.q.bailiwick_len, "bw.example.");
	want_name(r.q.name, r.q.name_len, "bw.example.");
	lb_query_free(&r.q);

	assert_int_equal(parse("/dnsdb/v2/summarize/rrset/raw/026277076578616d706c6500/ANY/example.", &r),
			 200);
	assert_int_equal(r.api, LB_API_SUMMARIZE);
	assert_int_equal(r.q.tmode, LB_TYPES_ANY);
	assert_true(r.q.has_bailiwick);
	want_name(r.q.bailiwick, r.q.bailiwick_len, "example.");
	lb_query_free(&r.q);

	/* and as for rrset/name: a bailiwick is a name without wildcards */
	assert_int_equal(parse("/dnsdb/v2/lookup/rrset/raw/026277076578616d706c6500/NS/*.example", &r),
			 400);
	assert_int_equal(parse("/dnsdb/v2/lookup/rrset/name/bw.example/NS/bw.example", &r), 200);
	assert_true(r.q.has_bailiwick);
	lb_query_free(&r.q);
	/* rdata lookups have no bailiwick */
	assert_int_equal(parse("/dnsdb/v2/lookup/rdata/raw/c6336407/A/bw.example", &r), 400);
	assert_int_equal(parse("/dnsdb/v2/lookup/rdata/name/bw.example/NS/bw.example", &r), 400);
	assert_int_equal(parse("/dnsdb/v2/lookup/rrset/raw/026277076578616d706c6500/NS/bw.example/x", &r),
			 400);
}

/* lookback's own paths: /lookback/v1/{names,domains}/{lookup,summarize}/ and
 * the DNSDB lookup path's rest; the DNSDB parameters, and sort/reverse */
static void test_lookback_paths(void **state)
{
	(void)state;
	lb_http_req_t r;
	assert_int_equal(parse("/lookback/v1/names/lookup/rrset/name/*.example.com", &r), 200);
	assert_int_equal(r.api, LB_API_NAMES);
	assert_int_equal(r.q.kind, LB_Q_RRSET);
	assert_int_equal(r.q.match, LB_MATCH_BELOW);
	want_name(r.q.name, r.q.name_len, "example.com.");
	assert_false(r.q.summarize);
	assert_true(r.aggr);
	assert_int_equal(r.q.sort, LB_SORT_NONE);
	lb_query_free(&r.q);

	assert_int_equal(parse("/lookback/v1/domains/summarize/rdata/ip/192.0.2.0,24"
			       "?time_first_after=-86400&limit=5&offset=2&max_count=9", &r), 200);
	assert_int_equal(r.api, LB_API_DOMAINS);
	assert_true(r.q.summarize);
	assert_int_equal(r.q.kind, LB_Q_RDATA_IP);
	assert_true(r.q.has_first_after);
	assert_int_equal(r.q.first_after, 1700000000 - 86400);
	assert_true(r.limit_given);
	assert_int_equal(r.limit, 5);
	assert_int_equal(r.q.offset, 2);
	assert_int_equal(r.max_count, 9);
	lb_query_free(&r.q);

	assert_int_equal(parse("/lookback/v1/names/lookup/rrset/name/a.example/A,AAAA/example", &r), 200);
	assert_int_equal(r.q.tmode, LB_TYPES_LIST);
	assert_int_equal(r.q.ntypes, 2);
	assert_true(r.q.has_bailiwick);
	want_name(r.q.bailiwick, r.q.bailiwick_len, "example.");
	lb_query_free(&r.q);
	assert_int_equal(parse("/lookback/v1/domains/lookup/rdata/name/ns1.example/NS", &r), 200);
	assert_int_equal(r.q.kind, LB_Q_RDATA_NAME);
	lb_query_free(&r.q);
	assert_int_equal(parse("/lookback/v1/names/lookup/rrset/raw/026277076578616d706c6500", &r), 200);
	assert_int_equal(r.q.kind, LB_Q_RRSET_RAW);
	lb_query_free(&r.q);
	assert_int_equal(parse("/lookback/v1/names/lookup/rdata/raw/c0000201/A?humantime=true", &r), 200);
	assert_int_equal(r.q.kind, LB_Q_RDATA_RAW);
	assert_true(r.humantime);
	lb_query_free(&r.q);

	static const struct { const char *v; enum lb_sort s; } sorts[] = {
		{ "first", LB_SORT_FIRST }, { "last", LB_SORT_LAST }, { "duration", LB_SORT_DURATION },
		{ "count", LB_SORT_COUNT }, { "name", LB_SORT_NAME },
	};
	for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++) {
		char t[128];
		snprintf(t, sizeof t, "/lookback/v1/names/lookup/rrset/name/*.example?sort=%s&reverse=%s",
			 sorts[i].v, i % 2 ? "true" : "false");
		assert_int_equal(parse(t, &r), 200);
		assert_int_equal(r.q.sort, sorts[i].s);
		assert_int_equal(r.q.reverse, i % 2 == 1);
		lb_query_free(&r.q);
	}
	/* on the DNSDB paths, sort= is no parameter of theirs: informational */
	assert_int_equal(parse("/dnsdb/v2/lookup/rrset/name/a.example?sort=type&reverse=maybe", &r), 200);
	assert_int_equal(r.q.sort, LB_SORT_NONE);
	assert_false(r.q.reverse);
	lb_query_free(&r.q);
	assert_string_equal(lb_http_api_name(LB_API_NAMES), "names");
	assert_string_equal(lb_http_api_name(LB_API_DOMAINS), "domains");

	static const struct { const char *t; int st; } bad[] = {
		{ "/lookback/v1/names", 400 },
		{ "/lookback/v1/domains/", 400 },
		{ "/lookback/v1/names/lookup", 400 },
		{ "/lookback/v1/names/lookup/rrset", 400 },
		{ "/lookback/v1/names/lookup/rrset/name", 400 },
		{ "/lookback/v1/names/find/rrset/name/a.example", 400 },
		{ "/lookback/v1/names/lookup/negative/name/a.example", 400 },
		{ "/lookback/v1/names/lookup/rrset/host/a.example", 400 },
		{ "/lookback/v1/names/lookup/rdata/ip/192.0.2.1/MX", 400 },
		{ "/lookback/v1/names/lookup/rdata/name/a.example/NS/example", 400 },
		{ "/lookback/v1/names/lookup/rrset/name/a.example/A/example/x", 400 },
		{ "/lookback/v1/names/lookup/rrset/name/a.*.example", 400 },
		{ "/lookback/v1/names/lookup/rrset/name/a.example?aggr=false", 400 },
		{ "/lookback/v1/names/lookup/rrset/name/a.example?sort=type", 400 },
		{ "/lookback/v1/names/lookup/rrset/name/a.example?sort=", 400 },
		{ "/lookback/v1/names/lookup/rrset/name/a.example?reverse=true", 400 },
		{ "/lookback/v1/domains/lookup/rrset/name/a.example?sort=first&reverse=maybe", 400 },
		{ "/lookback/v1/names/lookup/rrset/name/a.example?limit=x", 400 },
		{ "/lookback/v1/names/lookup/rrset/name/a%zz.example", 400 },
		{ "/lookback", 404 },
		{ "/lookback/v1", 404 },
		{ "/lookback/v1/hosts/lookup/rrset/name/a.example", 404 },
		{ "/lookback/v2/names/lookup/rrset/name/a.example", 404 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *msg = NULL;
		int st = lb_http_parse_target(bad[i].t, strlen(bad[i].t), 1700000000, &r, &msg);
		if (st != bad[i].st || !msg || !strcmp(msg, "ok"))
			fail_msg("%s: got %d (%s), want %d", bad[i].t, st, msg ? msg : "-", bad[i].st);
	}
}

/* flex: no RRTYPE is ANY, as for the lookups (REFERENCE 1: "RRTYPE omitted
 * = ANY"): no DNSSEC types; ANY-DNSSEC has only them.  The flex search has
 * no other type filter than r.q's (server.c copies it into its scan). */
static void test_flex_types(void **state)
{
	(void)state;
	lb_http_req_t r;
	static const char *const bare[] = {
		"/dnsdb/v2/glob/rrnames/*.example.", "/dnsdb/v2/regex/rrnames/example",
		"/dnsdb/v2/glob/rdata/*.example.",   "/dnsdb/v2/regex/rdata/example",
		"/dnsdb/v2/glob/rrnames/*.example./?limit=3", /* a trailing '/' names no type */
	};
	for (size_t i = 0; i < sizeof bare / sizeof bare[0]; i++) {
		assert_int_equal(parse(bare[i], &r), 200);
		assert_int_equal(r.api, LB_API_FLEX);
		assert_int_equal(r.q.tmode, LB_TYPES_ANY);
		assert_false(lb_query_type_ok(&r.q, 46)); /* RRSIG */
		assert_false(lb_query_type_ok(&r.q, 43)); /* DS */
		assert_true(lb_query_type_ok(&r.q, 1));
		lb_query_free(&r.q);
	}
	assert_int_equal(parse("/dnsdb/v2/glob/rrnames/*.example./ANY", &r), 200);
	assert_int_equal(r.q.tmode, LB_TYPES_ANY);
	assert_false(lb_query_type_ok(&r.q, 46)); /* RRSIG */
	assert_true(lb_query_type_ok(&r.q, 1));
	lb_query_free(&r.q);
	assert_int_equal(parse("/dnsdb/v2/regex/rdata/x/any", &r), 200);
	assert_int_equal(r.q.tmode, LB_TYPES_ANY);
	lb_query_free(&r.q);
	assert_int_equal(parse("/dnsdb/v2/regex/rrnames/x/ANY-DNSSEC", &r), 200);
	assert_int_equal(r.q.tmode, LB_TYPES_ANY_DNSSEC);
	assert_true(lb_query_type_ok(&r.q, 46));
	assert_false(lb_query_type_ok(&r.q, 1));
	lb_query_free(&r.q);
	assert_int_equal(parse("/dnsdb/v2/regex/rrnames/x/MX", &r), 200);
	assert_int_equal(r.q.tmode, LB_TYPES_LIST);
	lb_query_free(&r.q);
	/* ALL is still there for every type */
	assert_int_equal(parse("/dnsdb/v2/glob/rdata/x/ALL", &r), 200);
	assert_int_equal(r.q.tmode, LB_TYPES_ALL);
	lb_query_free(&r.q);
}

/* every lookup and summarize path without an RRTYPE is ANY too */
static void test_lookup_default_any(void **state)
{
	(void)state;
	lb_http_req_t r;
	static const char *const paths[] = {
		"rrset/name/example.com",
		"rrset/name/*.example.com",
		"rrset/raw/076578616d706c6503636f6d00",
		"rdata/name/example.com",
		"rdata/raw/c6336407",
		"rdata/ip/192.0.2.1",
		"rdata/ip/192.0.2.0,24",
		"rdata/ip/2001%3Adb8%3A%3A1",
	};
	char t[256];
	for (int v = 0; v < 2; v++)
		for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
			snprintf(t, sizeof t, "/dnsdb/v2/%s/%s", v ? "summarize" : "lookup", paths[i]);
			assert_int_equal(parse(t, &r), 200);
			assert_int_equal(r.q.tmode, LB_TYPES_ANY);
			assert_int_equal(r.q.ntypes, 0);
			assert_false(lb_query_type_ok(&r.q, 46));
			lb_query_free(&r.q);
		}
}

/* query --batch lines (lb_http_batch_line): dnsdbq's batch forms, bare
 * indicators, what is skipped, and what is refused with a reason */
static int bline(const char *line, lb_http_req_t *r, bool *typed, bool *bw)
{
	const char *msg = NULL;
	int st = lb_http_batch_line(line, strlen(line), 1700000000, r, typed, bw, &msg);
	assert_non_null(msg);
	return st;
}

static void test_batch_line(void **state)
{
	(void)state;
	lb_http_req_t r;
	bool t, b;
	/* skipped: blank, blanks only, comments */
	assert_int_equal(bline("", &r, &t, &b), 0);
	assert_int_equal(bline(" \t\r\n", &r, &t, &b), 0);
	assert_int_equal(bline("# rdata/ip/1.2.3.4", &r, &t, &b), 0);
	assert_int_equal(bline("  #x", &r, &t, &b), 0);

	assert_int_equal(bline("rrset/name/www.example.com/A,AAAA/example.com", &r, &t, &b), 200);
	assert_int_equal(r.q.kind, LB_Q_RRSET);
	assert_int_equal(r.q.match, LB_MATCH_EXACT);
	want_name(r.q.name, r.q.name_len, "www.example.com.");
	assert_true(t);
	assert_true(b);
	assert_int_equal(r.q.ntypes, 2);
	want_name(r.q.bailiwick, r.q.bailiwick_len, "example.com.");
	lb_query_free(&r.q);

	/* no types, no bailiwick: the command line's apply */
	assert_int_equal(bline("  rrset/name/*.example.com \r\n", &r, &t, &b), 200);
	assert_int_equal(r.q.match, LB_MATCH_BELOW);
	assert_false(t);
	assert_false(b);
	lb_query_free(&r.q);

	/* ',' and '/' inside a value %-encoded, as dnsdbq writes them */
	assert_int_equal(bline("rdata/ip/10.0.0.0%2C8", &r, &t, &b), 200);
	assert_int_equal(r.q.kind, LB_Q_RDATA_IP);
	assert_int_equal(r.q.lo[0], 10);
	assert_int_equal(r.q.hi[1], 255);
	lb_query_free(&r.q);
	assert_int_equal(bline("rrset/name/0%2F25.2.0.192.in-addr.arpa", &r, &t, &b), 200);
	assert_int_equal(r.q.name[0], 4); /* "0/25" is one label */
	lb_query_free(&r.q);

	assert_int_equal(bline("rdata/name/ns1.example.net/NS", &r, &t, &b), 200);
	assert_int_equal(r.q.kind, LB_Q_RDATA_NAME);
	assert_true(t);
	assert_false(b);
	lb_query_free(&r.q);
	assert_int_equal(bline("rdata/raw/0b763d73706631202d616c6c", &r, &t, &b), 200);
	assert_int_equal(r.q.kind, LB_Q_RDATA_RAW);
	assert_int_equal(r.q.raw_len, 12);
	lb_query_free(&r.q);

	/* lookback's negative/name/NAME[/TYPES] */
	assert_int_equal(bline("negative/name/*.evil%2Fx.example/A,AAAA", &r, &t, &b), 200);
	assert_int_equal(r.q.kind, LB_Q_NEGATIVE);
	assert_int_equal(r.q.match, LB_MATCH_BELOW);
	assert_true(t);
	assert_int_equal(r.q.ntypes, 2);
	lb_query_free(&r.q);
	assert_int_equal(bline("negative/name/nx.example", &r, &t, &b), 200);
	assert_false(t);
	lb_query_free(&r.q);

	/* bare indicators */
	assert_int_equal(bline("192.0.2.7", &r, &t, &b), 200);
	assert_int_equal(r.q.kind, LB_Q_RDATA_IP);
	assert_int_equal(r.q.family, 4);
	lb_query_free(&r.q);
	assert_int_equal(bline("2001:db8::/32", &r, &t, &b), 200);
	assert_int_equal(r.q.kind, LB_Q_RDATA_IP);
	assert_int_equal(r.q.family, 6);
	lb_query_free(&r.q);
	assert_int_equal(bline("192.0.2.1-192.0.2.9", &r, &t, &b), 200);
	assert_int_equal(r.q.kind, LB_Q_RDATA_IP);
	lb_query_free(&r.q);
	assert_int_equal(bline("evil.example.", &r, &t, &b), 200);
	assert_int_equal(r.q.kind, LB_Q_RRSET);
	want_name(r.q.name, r.q.name_len, "evil.example.");
	lb_query_free(&r.q);

	/* indicators as alerts write them: defanged, URLs, host:port */
	static const struct { const char *line; const char *name; int family; } ind[] = {
		{ "hxxps://user:pw@evil[.]example:8443/a/b?c=1#f", "evil.example.", 0 },
		{ "evil[dot]example(.)com", "evil.example.com.", 0 },
		{ "HTTP://Evil.Example/", "evil.example.", 0 },
		{ "evil.example:80", "evil.example.", 0 },
		{ "192[.]0[.]2[.]7:443", NULL, 4 },
		{ "http://192.0.2.7/x.php", NULL, 4 },
		{ "[2001:db8::1]:53", NULL, 6 },
		{ "[2001:db8::1]", NULL, 6 },
		{ "2001:db8::1", NULL, 6 },
		{ "2001[:]db8[:][:]1", NULL, 6 },
		{ "10.0.0.0/8", NULL, 4 },
		{ "fe80::1%eth0", NULL, 6 },          /* a zone (RFC 4007 11.2) */
		{ "[fe80::1%25eth0]:53", NULL, 6 },
	};
	/* a URL longer than a name or a path segment may be: its host */
	char url[2100] = "https://evil.example/";
	memset(url + strlen(url), 'a', 2000);
	url[sizeof url - 1] = 0;
	assert_int_equal(bline(url, &r, &t, &b), 200);
	assert_int_equal(r.q.kind, LB_Q_RRSET);
	want_name(r.q.name, r.q.name_len, "evil.example.");
	lb_query_free(&r.q);
	for (size_t i = 0; i < sizeof ind / sizeof ind[0]; i++) {
		int st = bline(ind[i].line, &r, &t, &b);
		if (st != 200)
			fail_msg("'%s': %d", ind[i].line, st);
		if (ind[i].name) {
			assert_int_equal(r.q.kind, LB_Q_RRSET);
			uint8_t w[256];
			lb_name_lower(r.q.name);
			int n = lb_name_from_text(ind[i].name, strlen(ind[i].name), NULL, w, sizeof w);
			assert_true(n > 0 && (size_t)n == r.q.name_len && !memcmp(w, r.q.name, (size_t)n));
		} else {
			assert_int_equal(r.q.kind, LB_Q_RDATA_IP);
			assert_int_equal(r.q.family, ind[i].family);
		}
		lb_query_free(&r.q);
	}

	/* refused, with a reason */
	const char *bad[] = {
		"$OPTIONS -l 5", "$OPTIONSX", "rrset/name/x.example?limit=5", "rdata/ip/1.2.3.4/MX",
		"rrset/name/a..b", "rrset/bogus/x", "rdata/ip/1.2.3.4/A/extra", "10.0.0.0/33",
		"bogus/line", "rrset/name/", "www..example", "1.2.3.4-1.2.3.1",
		"negative/name/www.example.*", "negative/rrset/x.example", "negative/name/",
		"negative/name/x.example/A/extra", "negative/name/x.example/BOGUS", "negative/name/%zz",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *msg = NULL;
		int st = lb_http_batch_line(bad[i], strlen(bad[i]), 1700000000, &r, &t, &b, &msg);
		if (st != 400)
			fail_msg("'%s': %d, want 400", bad[i], st);
		assert_non_null(msg);
		assert_true(strlen(msg) > 5);
	}
	/* a NUL inside the line is refused, not cut there */
	const char nul[] = "rrset/name/a.example\0/MX";
	const char *msg = NULL;
	assert_int_equal(lb_http_batch_line(nul, sizeof nul - 1, 1700000000, &r, &t, &b, &msg), 400);
}

/* lb_http_accept_pick over the types a stream may be labelled with */
static const char *const stream_offers[] = { "application/x-ndjson", "application/json",
					     "application/jsonl", "application/x-json-stream",
					     "text/plain" };
#define NSO (sizeof stream_offers / sizeof stream_offers[0])

/* Whether an Accept list leaves a stream acceptable at all: 1, 0 when it
 * names no range, -1 when none is (as lb_http_accept_match answered) */
static int acceptable(const char *accept)
{
	int pick = lb_http_accept_pick(accept, stream_offers, NSO);
	if (pick < 0)
		return -1;
	return pick == 0 && (!accept || !accept[strspn(accept, " ,")]) ? 0 : 1;
}

/* lb_http_accept_pick: what an Accept list (a request's lines joined: RFC
 * 9110 5.3) says of the types we answer with */
static void test_accept_match(void **state)
{
	(void)state;
	assert_int_equal(acceptable(NULL), 0);
	assert_int_equal(acceptable(""), 0);
	assert_int_equal(acceptable(" , ,"), 0);
	assert_int_equal(acceptable("application/x-ndjson"), 1);
	assert_int_equal(acceptable("text/html, application/json;q=0.9"), 1);
	assert_int_equal(acceptable("*/*"), 1);
	assert_int_equal(acceptable("text/html"), -1);
	assert_int_equal(acceptable("image/png, text/html"), -1);
	/* q=0 is "not acceptable" (RFC 9110 12.4.2, 12.5.1): it was taken as
	 * naming the type, and the request served */
	static const struct {
		const char *accept;
		int want;
	} q[] = {
		{ "application/x-ndjson;q=0", -1 },
		{ "application/x-ndjson; q=0", -1 },
		{ "application/x-ndjson ;Q=0.000", -1 },
		{ "application/x-ndjson;q=0.", -1 },
		{ "application/x-ndjson;q=0.001", 1 },
		{ "application/x-ndjson;q=0.0000", -1 },
		{ "application/x-ndjson;q=0.0001", 1 },       /* past the third decimal: above 0 */
		{ "application/x-ndjson;q=1", 1 },
		{ "application/x-ndjson;q=x", 1 },           /* not a weight: ignored */
		{ "application/x-ndjson;q=0.x", 1 },
		{ "application/x-ndjson;charset=utf-8;q=0", -1 },
		{ "application/x-ndjson;p=\"a;q=1,b\";q=0", -1 }, /* quoted: no weight, no list */
		{ "application/x-ndjson;qs=0", 1 },
		{ "*/*;q=0", -1 },
		{ "application/*;q=0", -1 },
		{ "application/*;q=0, text/*;q=0", -1 },
		{ "application/*;q=0, text/plain", 1 },       /* errors and text stay */
		{ "*/*;q=0, application/x-ndjson", 1 },       /* the specific range wins */
		{ "*/*;q=0, application/*;q=0.5", 1 },
		{ "*/*, application/*;q=0, text/*;q=0", -1 }, /* ... either way */
		{ "application/x-ndjson;q=0, */*", 1 },       /* its aliases are left */
		{ "application/x-ndjson;q=0, application/json", 1 },
		{ "text/html, application/x-ndjson;q=0", -1 },
		{ "application/json;q=0, application/json", 1 }, /* twice: the kinder */
		{ "application/x-ndjson;q=0,,", -1 },
		{ ";q=0", -1 },
		{ "*/json", -1 },                              /* no such range */
	};
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
		int got = acceptable(q[i].accept);
		if (got != q[i].want)
			fail_msg("Accept: %s: %d, want %d", q[i].accept, got, q[i].want);
	}
}

/* Which type an answer is labelled with: "application/x-ndjson;q=0,
 * application/json" was served as application/x-ndjson, the one type the
 * client had said it would not take (RFC 9110 12.5.1) */
static void test_accept_pick(void **state)
{
	(void)state;
	static const struct {
		const char *accept;
		const char *want; /* NULL: none acceptable */
	} c[] = {
		{ NULL, "application/x-ndjson" },
		{ "", "application/x-ndjson" },
		{ "*/*", "application/x-ndjson" },
		{ "application/*", "application/x-ndjson" },
		{ "application/x-ndjson;q=0, application/json", "application/json" },
		{ "application/json, application/x-ndjson;q=0", "application/json" },
		{ "application/x-ndjson;q=0, */*", "application/json" },
		{ "application/json", "application/json" },
		{ "application/jsonl", "application/jsonl" },
		{ "APPLICATION/X-JSON-STREAM", "application/x-json-stream" },
		{ "text/plain", "text/plain" },
		{ "text/*", "text/plain" },
		{ "text/html, */*;q=0.8", "application/x-ndjson" }, /* a browser's */
		/* the highest weight wins; between equals, our order */
		{ "application/json;q=0.5, application/x-ndjson;q=0.4", "application/json" },
		{ "application/json;q=0.5, application/x-ndjson;q=0.5", "application/x-ndjson" },
		{ "application/json, application/x-ndjson", "application/x-ndjson" },
		{ "text/plain, application/*;q=0.9", "text/plain" },
		{ "text/plain;q=0.2, application/*;q=0.3", "application/x-ndjson" },
		/* the most specific range sets the weight, wherever it stands */
		{ "application/x-ndjson;q=0.1, application/*;q=0.9", "application/json" },
		{ "application/*;q=0.1, */*;q=0.9", "text/plain" },
		{ "*/*;q=0.1, application/json;q=0.2", "application/json" },
		{ "application/x-ndjson;q=0, application/json;q=0, application/jsonl;q=0,"
		  " application/x-json-stream;q=0, text/*", "text/plain" },
		{ "application/*;q=0, text/plain;q=0", NULL },
		{ "text/html", NULL },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		int got = lb_http_accept_pick(c[i].accept, stream_offers, NSO);
		const char *g = got >= 0 ? stream_offers[got] : NULL;
		if ((g == NULL) != (c[i].want == NULL) || (g && strcmp(g, c[i].want)))
			fail_msg("Accept: %s: %s, want %s", c[i].accept ? c[i].accept : "NULL",
				 g ? g : "none", c[i].want ? c[i].want : "none");
	}
	/* another order of preference (ping's: JSON first) */
	static const char *const obj[] = { "application/json", "application/x-ndjson" };
	assert_int_equal(lb_http_accept_pick(NULL, obj, 2), 0);
	assert_int_equal(lb_http_accept_pick("*/*", obj, 2), 0);
	assert_int_equal(lb_http_accept_pick("application/x-ndjson", obj, 2), 1);
	/* no offers, too many: none */
	assert_int_equal(lb_http_accept_pick("*/*", obj, 0), -1);
	assert_int_equal(lb_http_accept_pick(NULL, obj, LB_HTTP_OFFERS_MAX + 1), -1);
}

/* lb_http_target_clean: a space or a control byte in the target is a 400
 * ("GET /a b HTTP/1.1" was served as "/a b") */
static void test_target_clean(void **state)
{
	(void)state;
	assert_true(lb_http_target_clean("/dnsdb/v2/ping", 14));
	assert_true(lb_http_target_clean("/a%20b?x=%00&y=~!$'()*+,;=:@", 28));
	assert_true(lb_http_target_clean("/b\xc3\xbc" "cher.de", 11)); /* raw UTF-8: let pass */
	assert_true(lb_http_target_clean("", 0));
	assert_false(lb_http_target_clean("/a b", 4));
	assert_false(lb_http_target_clean("/a\tb", 4));
	assert_false(lb_http_target_clean("/x\033[31m", 8));
	assert_false(lb_http_target_clean("/x\r", 3));
	assert_false(lb_http_target_clean("/x\x7f", 3));
	assert_false(lb_http_target_clean("/x\0y", 4));
	assert_true(lb_http_target_clean("/x\0y", 2)); /* within len only */
}

/* lb_http_origin_form: an absolute-form target (RFC 9112 3.2.2, which a
 * server must accept) was a 400; it is its path and query */
static void test_origin_form(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
		bool rewritten;
	} c[] = {
		{ "http://127.0.0.1:8080/dnsdb/v2/ping", "/dnsdb/v2/ping", true },
		{ "HTTPS://h.example/dnsdb/v2/lookup/rrset/name/a.com?limit=1",
		  "/dnsdb/v2/lookup/rrset/name/a.com?limit=1", true },
		{ "http://h.example", "/", true },
		{ "http://h.example?x=1", "/?x=1", true },
		{ "http://user@h.example:1/p", "/p", true },
		{ "/dnsdb/v2/ping", "/dnsdb/v2/ping", false },
		{ "ftp://h/p", "ftp://h/p", false },
		{ "http:/p", "http:/p", false },
		{ "", "", false },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char b[128];
		strcpy(b, c[i].in);
		assert_int_equal(lb_http_origin_form(b), c[i].rewritten);
		assert_string_equal(b, c[i].out);
	}
}

/* lb_http_method_whole: libmicrohttpd 0.9.75 splits "GET<NUL>X /ping" in
 * place into the C string "GET" and the URI "/ping" six bytes on; it was
 * served as a GET */
static void test_method_whole(void **state)
{
	(void)state;
	/* request lines as libmicrohttpd leaves them: the first space a NUL */
	static const char ok[] = "GET\0/dnsdb/v2/ping\0HTTP/1.1";
	static const char nul[] = "GET\0X\0/dnsdb/v2/ping\0HTTP/1.1";
	static const char nul2[] = "GE\0T\0/dnsdb/v2/ping";
	static const char nul3[] = "GET\0\0/dnsdb/v2/ping"; /* "GET<NUL> /..." */
	static const char two[] = "GET\0 /dnsdb/v2/ping";  /* "GET  /..." */
	assert_true(lb_http_method_whole(ok, ok + 4, 16384));
	assert_false(lb_http_method_whole(nul, nul + 6, 16384));
	assert_false(lb_http_method_whole(nul2, nul2 + 5, 16384));
	assert_false(lb_http_method_whole(nul3, nul3 + 5, 16384));
	assert_false(lb_http_method_whole(two, two + 5, 16384));
	/* not the same buffer, or nothing to compare: nothing to tell */
	assert_true(lb_http_method_whole(nul, nul + 6, 5));
	assert_true(lb_http_method_whole(nul + 6, nul, 16384));
	assert_true(lb_http_method_whole(NULL, nul, 16384));
	assert_true(lb_http_method_whole(nul, NULL, 16384));
	assert_true(lb_http_method_whole(nul, nul, 16384));
}

/* lb_http_field_name_ok: "X-API-Key : k" made a field "X-API-Key " */
static void test_field_name_ok(void **state)
{
	(void)state;
	assert_true(lb_http_field_name_ok("X-API-Key"));
	assert_true(lb_http_field_name_ok("dribble-paginate-count"));
	assert_true(lb_http_field_name_ok("a!#$%&'*+-.^_`|~9"));
	assert_false(lb_http_field_name_ok(NULL));
	assert_false(lb_http_field_name_ok(""));
	assert_false(lb_http_field_name_ok("X-API-Key "));
	assert_false(lb_http_field_name_ok("X-API-Key\t"));
	assert_false(lb_http_field_name_ok(" Host"));
	assert_false(lb_http_field_name_ok("X API"));
	assert_false(lb_http_field_name_ok("X(y)"));
	assert_false(lb_http_field_name_ok("X\x7f"));
	assert_false(lb_http_field_name_ok("\xc3\xa9"));
}

/* lb_http_basic_password: RFC 7617 credentials decoded here, not by
 * libmicrohttpd, whose C strings passed "KEY\0anything" as KEY */
static void test_basic_password(void **state)
{
	(void)state;
	static const struct {
		const char *value;
		int want;
		const char *pass;
	} cases[] = {
		{ NULL, 0, NULL },
		{ "", 0, NULL },
		{ "Bearer abc", 0, NULL },
		{ "Basicdm9vOmJhcg==", 0, NULL },            /* another scheme */
		{ "Basic dXNlcjprZXk=", 1, "key" },           /* user:key */
		{ "basic  dXNlcjprZXk=  ", 1, "key" },        /* scheme's case, blanks */
		{ "BASIC\tYWxpY2U6YWxpY2Utc2VjcmV0LTAwMDE=", 1, "alice-secret-0001" },
		{ "Basic OmtleQ==", 1, "key" },               /* :key, no user-id */
		{ "Basic dTo=", 1, "" },                      /* u: */
		{ "Basic dTphOmI=", 1, "a:b" },               /* the first ':' splits */
		{ "Basic dTprw6l5", 1, "k\xc3\xa9y" },       /* UTF-8: not control */
		{ "Basic", -1, NULL },
		{ "Basic ", -1, NULL },
		{ "Basic dXNlcjprZXk", -1, NULL },            /* unpadded */
		{ "Basic dXNlcjpr=Xk=", -1, NULL },           /* '=' inside */
		{ "Basic dXNlcjprZX==", 1, "ke" },            /* odd bits: still base64 */
		{ "Basic dXNl cjprZXk=", -1, NULL },          /* a blank inside */
		{ "Basic dXNlcjprZXk===", -1, NULL },
		{ "Basic dXNlcjprZXk*", -1, NULL },           /* not the alphabet */
		{ "Basic dXNlcmtleQ==", -1, NULL },           /* userkey: no ':' */
		{ "Basic dTprZXkAeA==", -1, NULL },           /* u:key NUL x */
		{ "Basic dQA6a2V5", -1, NULL },               /* u NUL :key */
		{ "Basic dTprZXkK", -1, NULL },               /* u:key LF */
		{ "Basic dTprZXl/", -1, NULL },               /* u:key DEL */
		{ "Basic dTphYmNkZWZnaGlqa2xtbm9wcXJzdA==", 1, "" }, /* too long: "" */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[20];
		memset(out, 'z', sizeof out);
		int got = lb_http_basic_password(cases[i].value, out, sizeof out);
		if (got != cases[i].want)
			fail_msg("case %zu (%s): %d, want %d", i, cases[i].value ? cases[i].value : "NULL",
				 got, cases[i].want);
		if (got == 1)
			assert_string_equal(out, cases[i].pass);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rrset_raw_bailiwick),
		cmocka_unit_test(test_batch_line),
		cmocka_unit_test(test_flex_types),
		cmocka_unit_test(test_lookback_paths),
		cmocka_unit_test(test_lookup_default_any),
		cmocka_unit_test(test_accept_match),
		cmocka_unit_test(test_accept_pick),
		cmocka_unit_test(test_target_clean),
		cmocka_unit_test(test_origin_form),
		cmocka_unit_test(test_method_whole),
		cmocka_unit_test(test_field_name_ok),
		cmocka_unit_test(test_basic_password),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
