/*
 * rdata_parse_svcb.c - SVCB and HTTPS SvcParams (RFC 9460) from presentation
 * text: "key=value" tokens, value lists split at unescaped commas (appendix
 * A.1), the parameters sorted into ascending key order for the wire.
 */
#include "dns/rdata_parse_impl.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static const char *const svc_keys[] = {
	"mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint",
	"dohpath", "ohttp",
};
#define SVC_NKEYS (sizeof svc_keys / sizeof svc_keys[0])

static int svc_key(const char *s, size_t n, unsigned *key)
{
	for (unsigned k = 0; k < SVC_NKEYS; k++) {
		if (strlen(svc_keys[k]) == n && memcmp(svc_keys[k], s, n) == 0) {
			*key = k;
			return 0;
		}
	}
	unsigned long v;
	if (n > 3 && memcmp(s, "key", 3) == 0 && lb_rdp_num(s + 3, n - 3, 65534, &v) == 0) {
		*key = (unsigned)v;
		return 0;
	}
	return LB_ETEXT;
}

typedef struct svcparam {
	unsigned key;
	size_t off, len; /* value inside the value buffer */
} svcparam_t;

/* Split an unescaped value at unescaped commas (RFC 9460 A.1 value lists). */
static int svc_list(const uint8_t *v, size_t n, size_t *starts, size_t *ends, int max,
		    uint8_t *items)
{
	int k = 0;
	size_t o = 0, i = 0, st = 0;
	if (n == 0)
		return LB_ETEXT;
	for (;;) {
		if (i == n || v[i] == ',') {
			if (k == max)
				return LB_ETEXT;
			starts[k] = st;
			ends[k++] = o;
			if (i == n)
				break;
			i++;
			st = o;
			continue;
		}
		if (v[i] == '\\' && i + 1 < n)
			i++;
		items[o++] = v[i++];
	}
	return k;
}

/* One SvcParam value (already unescaped once) to wire, into val[0..cap). */
static int svc_value(unsigned key, bool has, const uint8_t *raw, size_t rl, uint8_t *val,
		     size_t cap, size_t *vlen)
{
	size_t vl = 0;
	int rc = LB_ETEXT, ni;
	size_t maxit = rl / 2 + 2;
	uint8_t *items = malloc(rl + 1);
	size_t *st = malloc(2 * maxit * sizeof *st);
	if (!items || !st) {
		rc = LB_ENOMEM;
		goto out;
	}
	size_t *en = st + maxit;
	if (!has && key != 2 && key != 8 && key < SVC_NKEYS)
		goto out; /* known keys other than these need a value */
	switch (key) {
	case 0: /* mandatory */
		if ((ni = svc_list(raw, rl, st, en, (int)maxit, items)) < 0)
			goto out;
		for (int k = 0; k < ni; k++) {
			unsigned mk;
			if (svc_key((const char *)items + st[k], en[k] - st[k], &mk) < 0 ||
			    mk == 0 || cap - vl < 2)
				goto out; /* (not itself, RFC 9460 8) */
			/* wire order is strictly increasing (RFC 9460 8) */
			size_t at = vl;
			while (at > 0 && (unsigned)(val[at - 2] << 8 | val[at - 1]) > mk) {
				val[at] = val[at - 2];
				val[at + 1] = val[at - 1];
				at -= 2;
			}
			if (at > 0 && (unsigned)(val[at - 2] << 8 | val[at - 1]) == mk)
				goto out;
			val[at] = (uint8_t)(mk >> 8);
			val[at + 1] = (uint8_t)mk;
			vl += 2;
		}
		break;
	case 1: /* alpn */
		if ((ni = svc_list(raw, rl, st, en, (int)maxit, items)) < 0)
			goto out;
		for (int k = 0; k < ni; k++) {
			size_t il = en[k] - st[k];
			if (il == 0 || il > 255 || cap - vl < il + 1)
				goto out;
			val[vl++] = (uint8_t)il;
			memcpy(val + vl, items + st[k], il);
			vl += il;
		}
		break;
	case 2: case 8: /* no-default-alpn, ohttp */
		if (has)
			goto out;
		break;
	case 3: { /* port */
		unsigned long v;
		if (lb_rdp_num((const char *)raw, rl, 65535, &v) < 0 || cap < 2)
			goto out;
		val[vl++] = (uint8_t)(v >> 8);
		val[vl++] = (uint8_t)v;
		break;
	}
	case 4: case 6: { /* ipv4hint, ipv6hint */
		if ((ni = svc_list(raw, rl, st, en, (int)maxit, items)) < 0)
			goto out;
		for (int k = 0; k < ni; k++) {
			char b[64];
			if (lb_rdp_cstr((const char *)items + st[k], en[k] - st[k], b,
					sizeof b) < 0 ||
			    cap - vl < 16 ||
			    inet_pton(key == 4 ? AF_INET : AF_INET6, b, val + vl) != 1)
				goto out;
			vl += key == 4 ? 4 : 16;
		}
		break;
	}
	case 5: { /* ech: base64 */
		lb_rdp_out_t vo = { .p = val, .cap = cap, .len = 0, .over = false };
		lb_rdp_b64acc_t b = { 0, 0, 0 };
		if (rl == 0 || lb_rdp_b64_feed(&b, &vo, (const char *)raw, rl) < 0 ||
		    lb_rdp_b64_end(&b) < 0 ||
		    vo.over)
			goto out;
		vl = vo.len;
		break;
	}
	default: /* dohpath, keyNNNN: the bytes */
		if (rl > cap)
			goto out;
		memcpy(val, raw, rl);
		vl = rl;
		break;
	}
	*vlen = vl;
	rc = 0;
out:
	free(items);
	free(st);
	return rc;
}

int lb_rdp_svcparams(lb_rdp_tok_t *t, lb_rdp_out_t *o)
{
	svcparam_t *ps = NULL;
	uint8_t *vbuf = malloc(65535);
	uint8_t *raw = NULL;
	size_t vused = 0, np = 0, pcap = 0;
	const char *s;
	size_t n;
	bool q;
	int r, rc = LB_ETEXT;
	if (!vbuf)
		return LB_ENOMEM;
	while ((r = lb_rdp_next(t, &s, &n, &q)) == 1) {
		if (q)
			goto out;
		const char *eq = memchr(s, '=', n);
		size_t kl = eq ? (size_t)(eq - s) : n;
		unsigned key;
		if (svc_key(s, kl, &key) < 0)
			goto out;
		const char *vs = "";
		size_t vn = 0;
		if (eq) {
			vs = eq + 1;
			vn = n - kl - 1;
			/* key="..." : the value is the next (quoted) token */
			if (vn == 0 && t->p < t->end && *t->p == '"' &&
			    lb_rdp_next(t, &vs, &vn, &q) != 1)
				goto out;
		}
		free(raw);
		raw = malloc(vn + 1);
		if (!raw)
			goto out;
		int rl = lb_rdp_unescape(vs, vn, raw, vn + 1);
		if (rl < 0)
			goto out;
		size_t vl;
		if (svc_value(key, eq != NULL, raw, (size_t)rl, vbuf + vused, 65535 - vused, &vl) < 0)
			goto out;
		for (size_t k = 0; k < np; k++)
			if (ps[k].key == key)
				goto out; /* duplicate key */
		if (np == pcap) {
			size_t nc = pcap ? pcap * 2 : 16;
			svcparam_t *nps = realloc(ps, nc * sizeof *ps);
			if (!nps)
				goto out;
			ps = nps;
			pcap = nc;
		}
		ps[np].key = key;
		ps[np].off = vused;
		ps[np].len = vl;
		np++;
		vused += vl;
	}
	if (r < 0)
		goto out;
	/* wire order: ascending keys (insertion sort) */
	for (size_t i = 1; i < np; i++) {
		svcparam_t x = ps[i];
		size_t j = i;
		while (j > 0 && ps[j - 1].key > x.key) {
			ps[j] = ps[j - 1];
			j--;
		}
		ps[j] = x;
	}
	for (size_t i = 0; i < np; i++) {
		lb_rdp_emit16(o, ps[i].key);
		lb_rdp_emit16(o, (unsigned)ps[i].len);
		lb_rdp_emit(o, vbuf + ps[i].off, ps[i].len);
	}
	rc = 0;
out:
	free(raw);
	free(ps);
	free(vbuf);
	return rc;
}
