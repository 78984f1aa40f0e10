/* Unit tests for observe/proc.c: one DNS message in, observations out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dns/rrtype.h"
#include "observe/proc.h"

struct got {
	int n;
	uint16_t rclass[8];
	bool truncated[8];
};

static void on_set(void *ctx, const lb_obs_rrset_t *o)
{
	struct got *g = ctx;
	if (g->n < 8) {
		g->rclass[g->n] = o->rclass;
		g->truncated[g->n] = o->truncated;
	}
	g->n++;
}

/* An mDNS announcement (RFC 6762): QDCOUNT 0, one A record whose class has
 * the cache-flush bit (0x8001), one without it. */
static const uint8_t ANNOUNCE[] = {
	0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	4, 'h', 'o', 's', 't', 5, 'l', 'o', 'c', 'a', 'l', 0,
	0x00, 0x01, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x04, 192, 0, 2, 7,
	4, 'h', 'o', 's', 'u', 5, 'l', 'o', 'c', 'a', 'l', 0,
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x04, 192, 0, 2, 8,
};

/* A processor whose RRsets go to g, its counters to st. */
static lb_proc_t *new_proc(lb_stats_t *st, struct got *g)
{
	memset(st, 0, sizeof *st);
	lb_obs_sink_t sink = { on_set, NULL, g };
	lb_proc_t *p = lb_proc_new(&sink, "t", st);
	assert_non_null(p);
	return p;
}

/* On mDNS the top bit of a class is the cache-flush flag, not part of the
 * class: both records are IN.  Elsewhere the class is what the wire says. */
static void test_mdns_class(void **state)
{
	(void)state;
	lb_stats_t st;
	struct got g;
	lb_proc_t *p = new_proc(&st, &g);
	struct timeval tv = { 1700000000, 0 };
	for (int mdns = 1; mdns >= 0; mdns--) {
		memset(&g, 0, sizeof g);
		lb_proc_set_mdns(p, mdns ? LB_MDNS_LEGACY : LB_MDNS_OFF);
		assert_int_equal(lb_proc_message(p, ANNOUNCE, sizeof ANNOUNCE, &tv, NULL), 0);
		assert_int_equal(g.n, 2);
		uint16_t c0 = g.rclass[0], c1 = g.rclass[1];
		if (mdns) {
			assert_int_equal(c0, LB_C_IN);
			assert_int_equal(c1, LB_C_IN);
		} else {
			assert_true((c0 == 0x8001 && c1 == LB_C_IN) || (c1 == 0x8001 && c0 == LB_C_IN));
		}
	}
	lb_proc_free(p);
}

/* RFC 6762 18.5: in a multicast response the TC bit "MUST be ignored on
 * reception"; in a legacy unicast one it means what it does in unicast DNS
 * (the last RRset may be cut short: marked truncated, RFC 2181 9). */
static void test_mdns_tc(void **state)
{
	(void)state;
	lb_stats_t st;
	struct got g;
	lb_proc_t *p = new_proc(&st, &g);
	struct timeval tv = { 1700000000, 0 };
	uint8_t m[sizeof ANNOUNCE];
	memcpy(m, ANNOUNCE, sizeof m);
	m[2] |= 0x02; /* TC */
	const enum lb_mdns modes[] = { LB_MDNS_PEERS, LB_MDNS_LEGACY, LB_MDNS_OFF };
	for (size_t i = 0; i < 3; i++) {
		memset(&g, 0, sizeof g);
		lb_proc_set_mdns(p, modes[i]);
		assert_int_equal(lb_proc_message(p, m, sizeof m, &tv, NULL), 0);
		assert_int_equal(g.n, 2);
		int cut = g.truncated[0] + g.truncated[1];
		assert_int_equal(cut, modes[i] == LB_MDNS_PEERS ? 0 : 1);
	}
	lb_proc_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mdns_class),
		cmocka_unit_test(test_mdns_tc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
