/*
 * msgw.c - the generator's DNS message writer, with name compression.
 *
 * Deliberately independent of src/dns: the generator's output is used to test
 * the parser, so it must not share the parser's idea of the wire format.
 */
#include <string.h>

#include "gen/gen.h"

static bool room(lb_gen_msg_t *m, size_t n)
{
	if (m->err) return false;
	if (m->cap - m->len < n) {
		m->err = LB_ESPACE;
		return false;
	}
	return true;
}

void lb_gen_msg_u8(lb_gen_msg_t *m, uint8_t v)
{
	if (room(m, 1)) m->buf[m->len++] = v;
}

void lb_gen_msg_u16(lb_gen_msg_t *m, uint16_t v)
{
	if (!room(m, 2)) return;
	m->buf[m->len++] = (uint8_t)(v >> 8);
	m->buf[m->len++] = (uint8_t)v;
}

void lb_gen_msg_u32(lb_gen_msg_t *m, uint32_t v)
{
	lb_gen_msg_u16(m, (uint16_t)(v >> 16));
	lb_gen_msg_u16(m, (uint16_t)v);
}

void lb_gen_msg_bytes(lb_gen_msg_t *m, const void *p, size_t n)
{
	if (!room(m, n)) return;
	memcpy(m->buf + m->len, p, n);
	m->len += n;
}

void lb_gen_msg_init(lb_gen_msg_t *m, uint8_t *buf, size_t cap, uint16_t id, uint16_t flags)
{
	memset(m, 0, sizeof *m);
	m->buf = buf;
	m->cap = cap;
	lb_gen_msg_u16(m, id);
	lb_gen_msg_u16(m, flags);
	for (int i = 0; i < 4; i++) lb_gen_msg_u16(m, 0);
}

size_t lb_gen_name_len(const uint8_t *name)
{
	size_t n = 0;
	while (name[n]) {
		if (name[n] > 63) return 0;
		n += (size_t)name[n] + 1;
		if (n > 254) return 0;
	}
	return n + 1;
}

int lb_gen_name_from_text(const char *text, uint8_t *out)
{
	size_t o = 0;
	const char *p = text;
	if (!strcmp(text, ".") || !*text) {
		out[0] = 0;
		return 1;
	}
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		if (l == 0 || l > 63 || o + l + 2 > 255) return LB_ETEXT;
		out[o++] = (uint8_t)l;
		memcpy(out + o, p, l);
		o += l;
		p += l;
		if (*p == '.') p++;
	}
	out[o++] = 0;
	return (int)o;
}

/* Does the name written in the message at off equal the wire name suffix s? */
static bool same_at(const lb_gen_msg_t *m, size_t off, const uint8_t *s)
{
	for (int hops = 0; hops < 128; hops++) {
		uint8_t l = m->buf[off];
		if ((l & 0xC0) == 0xC0) {
			off = (size_t)((l & 0x3F) << 8 | m->buf[off + 1]);
			continue;
		}
		if (l != *s) return false;
		if (l == 0) return true;
		if (memcmp(m->buf + off + 1, s + 1, l)) return false;
		off += (size_t)l + 1;
		s += (size_t)l + 1;
	}
	return false;
}

void lb_gen_msg_name(lb_gen_msg_t *m, const uint8_t *name, bool compress)
{
	size_t at[128];
	int nl = 0;
	const uint8_t *s = name;
	while (*s) {
		/* longest already-written suffix wins */
		if (compress) {
			for (uint16_t i = 0; i < m->nptr; i++) {
				size_t off = m->ptr[i];
				if (m->buf[off] == *s && same_at(m, off, s)) {
					for (int k = 0; k < nl && m->nptr < LB_GEN_MSG_PTRS; k++)
						if (at[k] < 0x4000) m->ptr[m->nptr++] = (uint16_t)at[k];
					lb_gen_msg_u16(m, (uint16_t)(0xC000 | off));
					return;
				}
			}
		}
		if (nl < 128) at[nl++] = m->len;
		lb_gen_msg_bytes(m, s, (size_t)*s + 1);
		s += (size_t)*s + 1;
	}
	lb_gen_msg_u8(m, 0);
	if (m->err) return;
	for (int k = 0; k < nl && m->nptr < LB_GEN_MSG_PTRS; k++)
		if (at[k] < 0x4000) m->ptr[m->nptr++] = (uint16_t)at[k];
}

void lb_gen_msg_question(lb_gen_msg_t *m, const uint8_t *name, uint16_t type, uint16_t rclass)
{
	if (m->section != 0) m->err = LB_EINVAL;
	lb_gen_msg_name(m, name, true);
	lb_gen_msg_u16(m, type);
	lb_gen_msg_u16(m, rclass);
	m->count[0]++;
}

void lb_gen_msg_rr_begin(lb_gen_msg_t *m, int section, const uint8_t *owner, uint16_t type,
			 uint16_t rclass, uint32_t ttl)
{
	if (section < 1 || section > 3 || section < m->section || m->rdlen_at) {
		m->err = LB_EINVAL;
		return;
	}
	m->section = section;
	lb_gen_msg_name(m, owner, true);
	lb_gen_msg_u16(m, type);
	lb_gen_msg_u16(m, rclass);
	lb_gen_msg_u32(m, ttl);
	m->rdlen_at = m->len;
	lb_gen_msg_u16(m, 0);
	m->count[section]++;
}

void lb_gen_msg_rr_end(lb_gen_msg_t *m)
{
	if (!m->rdlen_at) {
		m->err = LB_EINVAL;
		return;
	}
	if (!m->err) {
		size_t rdlen = m->len - m->rdlen_at - 2;
		m->buf[m->rdlen_at] = (uint8_t)(rdlen >> 8);
		m->buf[m->rdlen_at + 1] = (uint8_t)rdlen;
	}
	m->rdlen_at = 0;
}

void lb_gen_msg_opt(lb_gen_msg_t *m, uint16_t udp_size, bool dnssec_ok)
{
	static const uint8_t root[1] = { 0 };
	lb_gen_msg_rr_begin(m, 3, root, 41, udp_size, dnssec_ok ? 0x8000u : 0);
	lb_gen_msg_rr_end(m);
}

int lb_gen_msg_end(lb_gen_msg_t *m)
{
	if (m->rdlen_at) m->err = LB_EINVAL;
	if (m->err) return m->err;
	for (int i = 0; i < 4; i++) {
		m->buf[4 + 2 * i] = (uint8_t)(m->count[i] >> 8);
		m->buf[5 + 2 * i] = (uint8_t)m->count[i];
	}
	return (int)m->len;
}
