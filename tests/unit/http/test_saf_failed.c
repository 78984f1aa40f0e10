/*
 * test_saf_failed.c - a DNSDB stream that breaks in the middle ends with the
 * SAF "failed" terminator (with a message), never with a silent cut: a store
 * with a value corrupted behind its back is served by the real server on
 * 127.0.0.1 and read over a plain socket; the CIRCL API (no framing) ends
 * such an answer with an HTTP error or a cut transfer.
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <rocksdb/c.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "http/http.h"
#include "store/keys.h"
#include "store/store.h"

static char dir[256];

static lb_store_rec_t rrset(uint8_t *owner, const char *name, const uint8_t **rdp, uint16_t *rdl,
			    uint8_t *addr)
{
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	int n = lb_name_from_text(name, strlen(name), NULL, owner, 256);
	assert_true(n > 0);
	rdp[0] = addr;
	rdl[0] = 4;
	r.kind = LB_REC_RRSET;
	r.owner = owner;
	r.owner_len = (size_t)n;
	r.type = LB_T_A;
	r.nrdata = 1;
	r.rdata = rdp;
	r.rdlen = rdl;
	lb_store_val_seen(&r.val, 1700000000, 1);
	return r;
}

static size_t http_get_v(unsigned port, const char *path, const char *version, char *buf,
			 size_t cap)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	char req[512];
	int n = snprintf(req, sizeof req,
			 "GET %s HTTP/%s\r\nHost: 127.0.0.1\r\nX-API-Key: test\r\n"
			 "Connection: close\r\nAccept: application/x-ndjson\r\n\r\n", path, version);
	assert_int_equal(write(fd, req, (size_t)n), n);
	size_t len = 0;
	ssize_t r;
	while (len + 1 < cap && (r = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)r;
	buf[len] = '\0';
	close(fd);
	return len;
}

static size_t http_get(unsigned port, const char *path, char *buf, size_t cap)
{
	return http_get_v(port, path, "1.0", buf, cap);
}

/* A store in dir with rrsets a.example.com, b.example.com (its value made
 * garbage behind the store's back), c.example.com, and, with many, nmany
 * more before b (x000.a.example.com ...), opened read-only and served. */
static lb_http_t *damaged_server(lb_store_t **sp, int nmany, char *cmd, size_t cmdsz)
{
	snprintf(dir, sizeof dir, "/tmp/lb-test-saf.%d", (int)getpid());
	snprintf(cmd, cmdsz, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);

	/* three rrsets below example.com, in key order a, b, c */
	lb_store_t *s;
	lb_store_opts_t cr = { .create = true };
	assert_int_equal(lb_store_open(dir, &cr, &s), 0);
	static const char *names[] = { "a.example.com", "b.example.com", "c.example.com" };
	uint8_t owner[256], addr[4] = { 192, 0, 2, 1 };
	const uint8_t *rdp[1];
	uint16_t rdl[1];
	for (int i = 0; i < 3; i++) {
		lb_store_rec_t r = rrset(owner, names[i], rdp, rdl, addr);
		assert_int_equal(lb_store_add(s, &r), 0);
	}
	for (int i = 0; i < nmany; i++) {
		char nm[64];
		snprintf(nm, sizeof nm, "x%03d.a.example.com", i);
		lb_store_rec_t r = rrset(owner, nm, rdp, rdl, addr);
		assert_int_equal(lb_store_add(s, &r), 0);
	}
	assert_int_equal(lb_store_close(s), 0);

	/* b's value becomes garbage behind the store's back */
	rocksdb_options_t *o = rocksdb_options_create();
	char *err = NULL;
	rocksdb_t *db = rocksdb_open(o, dir, &err);
	assert_null(err);
	lb_kbuf_t k = { 0 };
	lb_store_rec_t rb = rrset(owner, names[1], rdp, rdl, addr);
	lb_key_rrset(&k, &rb);
	rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
	rocksdb_put(db, wo, (const char *)k.p, k.len, "\x01\x07\xff", 3, &err);
	assert_null(err);
	rocksdb_close(db);
	rocksdb_writeoptions_destroy(wo);
	rocksdb_options_destroy(o);
	lb_kbuf_free(&k);

	lb_store_opts_t ro = { .read_only = true };
	assert_int_equal(lb_store_open(dir, &ro, &s), 0);
	lb_http_opts_t ho;
	lb_http_opts_init(&ho);
	ho.listen = "127.0.0.1:0";
	ho.timeout_secs = 10; /* a cut answer must end well before it */
	lb_http_t *h;
	const char *msg = NULL;
	assert_int_equal(lb_http_start(s, &ho, &h, &msg), 0);
	*sp = s;
	return h;
}

static void test_stream_breaks_with_failed(void **st)
{
	(void)st;
	char cmd[600];
	lb_store_t *s;
	lb_http_t *h = damaged_server(&s, 0, cmd, sizeof cmd);

	static char buf[1 << 16];
	http_get(lb_http_port(h), "/dnsdb/v2/lookup/rrset/name/*.example.com?limit=100", buf,
		 sizeof buf);
	char *body = strstr(buf, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	/* begin first, the good record before the damage, then failed with a reason */
	assert_true(strncmp(body, "{\"cond\":\"begin\"}", 16) == 0);
	assert_non_null(strstr(body, "a.example.com."));
	assert_null(strstr(body, "c.example.com."));
	size_t bl = strlen(body);
	while (bl && body[bl - 1] == '\n')
		body[--bl] = '\0';
	char *last = strrchr(body, '\n');
	assert_non_null(last);
	last++;
	assert_non_null(strstr(last, "\"cond\":\"failed\""));
	assert_non_null(strstr(last, "\"msg\":\""));
	assert_null(strstr(body, "\"cond\":\"succeeded\""));

	/* a lookup that does not touch the damaged record still succeeds */
	http_get(lb_http_port(h), "/dnsdb/v2/lookup/rrset/name/a.example.com", buf, sizeof buf);
	assert_non_null(strstr(buf, "{\"cond\":\"succeeded\"}"));

	lb_http_stop(h, 1);
	(void)lb_store_close(s);
	assert_int_equal(system(cmd), 0);
}

/* The CIRCL API has no framing: a store error must not end its answer as if
 * it were whole.  An answer that breaks before it is sent is an HTTP error;
 * one that breaks while streaming is cut (no last chunk), which HTTP/1.1
 * clients report as a truncated transfer. */
static void test_circl_error_not_silent(void **st)
{
	(void)st;
	char cmd[600];
	lb_store_t *s;
	lb_http_t *h = damaged_server(&s, 0, cmd, sizeof cmd);
	static char buf[1 << 20];
	http_get(lb_http_port(h), "/pdns/query/*.example.com", buf, sizeof buf);
	if (strncmp(buf, "HTTP/1.1 500", 12) != 0)
		fail_msg("a CIRCL answer that broke on a store error: %.300s", buf);
	assert_null(strstr(buf, "a.example.com."));
	/* undamaged: whole, 200 */
	http_get(lb_http_port(h), "/pdns/query/a.example.com", buf, sizeof buf);
	assert_true(strncmp(buf, "HTTP/1.1 200", 12) == 0);
	assert_non_null(strstr(buf, "\"rrname\":\"a.example.com.\""));
	lb_http_stop(h, 1);
	(void)lb_store_close(s);

	/* 400 rrsets (about 50 kB of COF) before the damage: the answer is
	 * streamed (chunked) when the error comes */
	h = damaged_server(&s, 400, cmd, sizeof cmd);
	time_t t0 = time(NULL);
	size_t n = http_get_v(lb_http_port(h), "/pdns/query/*.example.com", "1.1", buf, sizeof buf);
	/* the server ends the connection at the cut: the client does not wait
	 * for the idle timeout to learn that nothing more comes */
	if (time(NULL) - t0 > 5)
		fail_msg("a cut CIRCL answer left the connection open %lds", (long)(time(NULL) - t0));
	if (strncmp(buf, "HTTP/1.1 200", 12) != 0)
		fail_msg("streamed: %.300s", buf);
	assert_non_null(strstr(buf, "Transfer-Encoding: chunked"));
	assert_non_null(strstr(buf, "x000.a.example.com."));
	assert_null(strstr(buf, "c.example.com."));
	if (n >= 5 && !memcmp(buf + n - 5, "0\r\n\r\n", 5))
		fail_msg("a streamed CIRCL answer that broke ended with the last chunk, as if whole");
	lb_http_stop(h, 1);
	(void)lb_store_close(s);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_breaks_with_failed),
		cmocka_unit_test(test_circl_error_not_silent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
