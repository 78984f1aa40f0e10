/*
 * fuzz_referral.c - the bailiwick tracker on a sequence of responses.
 * Input: records of [server 1 byte][length 2 bytes BE][message], each as if
 * received from 127.53.0.<server & 7>.  The tracker is small (8 zones,
 * 4 addresses each, 8 NS links) so bounds and eviction are exercised.
 * Invariants: a bailiwick is a valid name with the qname at or below it; the
 * zone count stays within its bound.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/msg.h"
#include "dns/name.h"
#include "observe/referral.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static lb_msg_scratch_t *scratch;
	if (!scratch && !(scratch = malloc(sizeof *scratch)))
		abort();
	lb_referral_opts_t o = { .max_zones = 8, .max_addrs = 4, .max_ns = 8, .ttl_grace = 10 };
	lb_referral_t *r;
	if (lb_referral_new(&o, &r) != 0)
		abort();
	uint8_t root[1] = { 0 }, src[16] = { 127, 53, 0, 1 };
	if (lb_referral_add(r, root, 4, src) != 0)
		abort();
	uint64_t now = 1000;
	size_t off = 0;
	while (size - off >= 3) {
		src[3] = data[off] & 7;
		size_t len = (size_t)data[off + 1] << 8 | data[off + 2];
		off += 3;
		if (len > size - off)
			len = size - off;
		const uint8_t *m = data + off;
		off += len;
		const uint8_t *bw = lb_referral_bailiwick(r, m, len, 4, src, now);
		lb_msg_t msg;
		int rc = lb_msg_parse(&msg, scratch, m, len);
		if (bw) {
			int bl = lb_name_check(bw, LB_NAME_MAX);
			if (bl < 0)
				abort();
			if (rc == 0 && msg.has_question && !lb_name_is_subdomain(msg.qname, bw))
				abort();
		}
		if (rc == 0)
			lb_referral_learn(r, &msg, bw, now);
		now += data[off - len - 3] >> 3; /* time moves by the high bits of the server byte */
		lb_referral_stats_t st;
		lb_referral_get_stats(r, &st);
		if (st.zones > o.max_zones)
			abort();
	}
	lb_referral_free(r);
	return 0;
}
