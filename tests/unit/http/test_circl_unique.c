/*
 * test_circl_unique.c - a CIRCL answer (COF) lists each (rrname, rrtype,
 * rdata) once: a store with one NS set under two bailiwicks, one A set under
 * three (one unknown) and a control A set under one is served on 127.0.0.1
 * and read over a plain socket.  The merged objects carry the summed counts,
 * the widest times, sensor_id only, and a bailiwick only where all agreed;
 * dribble paging counts merged objects.  The DNSDB API keeps one row per
 * bailiwick.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "http/http.h"
#include "store/store.h"

static char dir[256];
static lb_store_t *store;
static lb_http_t *srv;

static int wire(const char *t, uint8_t *out)
{
	int n = lb_name_from_text(t, strlen(t), NULL, out, 256);
	assert_true(n > 0);
	return n;
}

/* One rrset of owner: A 192.0.2.x (x > 0) or NS ns (x == 0), bailiwick
 * ("" unknown), seen at first and at last (count in all), one source. */
static void add(const char *owner, int x, const char *ns, const char *bail, uint64_t first,
		uint64_t last, uint64_t count, const char *src)
{
	uint8_t o[256], b[256], rd[256];
	const uint8_t *rdp[1] = { rd };
	uint16_t rdl[1];
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	r.kind = LB_REC_RRSET;
	r.owner = o;
	r.owner_len = (size_t)wire(owner, o);
	if (*bail) {
		r.bailiwick = b;
		r.bailiwick_len = (size_t)wire(bail, b);
	}
	if (x) {
		r.type = LB_T_A;
		rd[0] = 192, rd[1] = 0, rd[2] = 2, rd[3] = (uint8_t)x;
		rdl[0] = 4;
	} else {
		r.type = LB_T_NS;
		rdl[0] = (uint16_t)wire(ns, rd);
	}
	r.nrdata = 1;
	r.rdata = rdp;
	r.rdlen = rdl;
	lb_store_val_t v;
	lb_store_val_seen(&r.val, first, 1);
	lb_store_val_seen(&v, last, count - 1);
	lb_store_val_merge(&r.val, &v);
	r.sensor = src;
	assert_int_equal(lb_store_add(store, &r), 0);
}

static int setup(void **st)
{
	(void)st;
	snprintf(dir, sizeof dir, "/tmp/lb-test-circl-unique.%d", (int)getpid());
	lb_store_opts_t cr = { .create = true };
	assert_int_equal(lb_store_open(dir, &cr, &store), 0);
	add("zone.example", 0, "ns1.zone.example", "example", 1000, 2000, 3, "s1");
	add("zone.example", 0, "ns1.zone.example", "zone.example", 1500, 3000, 4, "s2");
	add("www.zone.example", 1, NULL, "example", 500, 900, 1, "s2");
	add("www.zone.example", 1, NULL, "zone.example", 800, 4000, 5, "s1");
	add("www.zone.example", 1, NULL, "", 700, 1000, 2, "s3");
	add("www.zone.example", 2, NULL, "zone.example", 100, 200, 2, "s1"); /* control */
	assert_int_equal(lb_store_close(store), 0);
	lb_store_opts_t ro = { .read_only = true };
	assert_int_equal(lb_store_open(dir, &ro, &store), 0);
	lb_http_opts_t ho;
	lb_http_opts_init(&ho);
	ho.listen = "127.0.0.1:0";
	const char *msg = NULL;
	assert_int_equal(lb_http_start(store, &ho, &srv, &msg), 0);
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	lb_http_stop(srv, 1);
	(void)lb_store_close(store);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

/* GET path with extra header lines (each ending in \r\n); the whole
 * response into buf; returns a pointer to the body. */
static char *get(const char *path, const char *hdrs, char *buf, size_t cap)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)lb_http_port(srv)) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	char req[1024];
	int n = snprintf(req, sizeof req,
			 "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nX-API-Key: test\r\n%s"
			 "Accept: application/x-ndjson\r\n\r\n", path, hdrs);
	assert_int_equal(write(fd, req, (size_t)n), n);
	size_t len = 0;
	ssize_t r;
	while (len + 1 < cap && (r = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)r;
	buf[len] = '\0';
	close(fd);
	assert_true(strncmp(buf, "HTTP/1.1 200", 12) == 0);
	char *body = strstr(buf, "\r\n\r\n");
	assert_non_null(body);
	return body + 4;
}

static size_t lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static const char *const WANT[] = {
	"{\"rrname\":\"zone.example.\",\"rrtype\":\"NS\",\"rdata\":[\"ns1.zone.example.\"],"
	"\"time_first\":1000,\"time_last\":3000,\"count\":7,\"sensor_id\":\"s1\"}\n",
	"{\"rrname\":\"www.zone.example.\",\"rrtype\":\"A\",\"rdata\":[\"192.0.2.1\"],"
	"\"time_first\":500,\"time_last\":4000,\"count\":8,\"sensor_id\":\"s1\"}\n",
	"{\"rrname\":\"www.zone.example.\",\"rrtype\":\"A\",\"rdata\":[\"192.0.2.2\"],"
	"\"time_first\":100,\"time_last\":200,\"count\":2,\"bailiwick\":\"zone.example.\","
	"\"sensor_id\":\"s1\"}\n",
};

/* Before: 6 objects, the NS set twice and the A set three times. */
static void test_circl_merged(void **st)
{
	(void)st;
	static char buf[1 << 16];
	char *body = get("/pdns/query/*.example", "", buf, sizeof buf);
	assert_int_equal(lines(body), 3);
	for (size_t i = 0; i < 3; i++)
		if (!strstr(body, WANT[i]))
			fail_msg("missing %s in\n%s", WANT[i], body);
	assert_null(strstr(buf, "x-dribble-cursor"));
	/* the DNSDB API: one row per bailiwick */
	body = get("/dnsdb/v2/lookup/rrset/name/*.example", "", buf, sizeof buf);
	assert_int_equal(lines(body), 2 + 6);
}

/* Pages of one merged object each: three pages, the cursor naming the next,
 * together the whole answer. */
static void test_circl_pages(void **st)
{
	(void)st;
	static char buf[1 << 16];
	char all[4096] = "", hdr[128], cur[32] = "";
	int pages = 0;
	for (;;) {
		snprintf(hdr, sizeof hdr, "dribble-paginate-count: 1\r\n%s%s%s",
			 *cur ? "dribble-paginate-cursor: " : "", cur, *cur ? "\r\n" : "");
		char *body = get("/pdns/query/*.example", hdr, buf, sizeof buf);
		assert_true(++pages <= 4);
		assert_int_equal(lines(body), 1);
		strncat(all, body, sizeof all - strlen(all) - 1);
		char *c = strcasestr(buf, "x-dribble-cursor: ");
		if (!c || c > body)
			break;
		snprintf(cur, sizeof cur, "%.*s", (int)strcspn(c + 18, "\r\n"), c + 18);
	}
	assert_int_equal(pages, 3);
	assert_int_equal(lines(all), 3);
	for (size_t i = 0; i < 3; i++)
		assert_non_null(strstr(all, WANT[i]));
	/* a page past the end is empty */
	char *body = get("/pdns/query/*.example", "dribble-paginate-cursor: 3\r\n", buf, sizeof buf);
	assert_int_equal(lines(body), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_circl_merged),
		cmocka_unit_test(test_circl_pages),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
