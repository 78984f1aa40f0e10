/*
 * zone.c - RFC 1035 master file importer.
 *
 * Handles $ORIGIN, $TTL (RFC 2308), $INCLUDE (only with allow_include; path
 * relative to the including file; regular files only, none being read
 * already (a loop); nesting at most ZONE_MAX_DEPTH, at most ZONE_MAX_INCLUDES
 * per top-level file; the origin is restored afterwards), '@', relative names, omitted owner (line
 * starting with a blank: previous owner), omitted TTL and class (either
 * order), parentheses spanning lines, ';' comments, quoted strings with
 * escapes, $GENERATE (BIND's; generate).  Other directives are zone_syntax.
 *
 * The zone apex is the owner of the first SOA record (before one is seen:
 * the initial origin); it is the bailiwick of every record, and records
 * outside it are skipped as out_of_zone (not in a file that starts with
 * LB_SRC_ZONE_VIEW_MARKER: a dump of many zones, see source.h).  Records are
 * held until the file ends (at most ZONE_HOLD_MAX bytes of them: then the
 * held ones go first), sorted by owner, and emitted as RRsets - an owner's
 * records wherever they are in the file form one RRset per type - as
 * aggregated entries with zone_time_first = zone_time_last = the zone time
 * (--zone-time, else the file's mtime).
 */
#include "sources/zone.h"

#include <ctype.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dns/rdata.h"
#include "dns/rrtype.h"

#define ZONE_MAX_DEPTH 8
/* $INCLUDEs honoured per top-level file: each file may include several, so
 * the depth cap alone allows 8^n... reads (a file including itself 20 times
 * read 20^8 times: a hang) */
#define ZONE_MAX_INCLUDES 256
#define ZONE_MAX_TOKENS 65536
/* Records held before they are sorted and emitted (zone_drain): a zone file
 * larger than this may give an owner split farther apart one RRset per part. */
#define ZONE_HOLD_MAX (256u << 20)
/* Bailiwicks the held records may have (the apex, or origins before one) */
#define ZONE_MAX_BW 32

struct zone_state {
	uint8_t origin[LB_NAME_MAX];
	bool have_origin;
	uint8_t apex[LB_NAME_MAX];
	bool have_apex;
	bool many;                    /* LB_SRC_ZONE_VIEW_MARKER: many zones, no apex */
	uint8_t owner[LB_NAME_MAX];   /* last owner */
	bool have_owner;
	uint8_t group[LB_NAME_MAX];   /* owner of the records in s->resp */
	uint8_t group_len;
	/* held records (flush_group, zone_drain): bailiwick index, owner, type, class, ttl,
	 * rdata, one after another in hold; hidx: where each starts */
	uint8_t *hold;
	size_t hold_len, hold_cap;
	uint32_t *hidx;
	size_t hn, hcap;
	uint8_t bws[ZONE_MAX_BW][LB_NAME_MAX];
	int nbw;
	uint32_t default_ttl, last_ttl;
	bool have_default_ttl, have_last_ttl;
	uint16_t last_class;
	uint64_t ztime;
	int depth;
	unsigned nincludes;           /* $INCLUDEs honoured in this top-level file */
	/* files being read, outermost first (dev/inode; [0]: the top-level file,
	 * 0/0 when it is not a file): an $INCLUDE of one of them is a loop */
	dev_t in_dev[ZONE_MAX_DEPTH + 1];
	ino_t in_ino[ZONE_MAX_DEPTH + 1];
	/* record being assembled */
	char *tb;
	size_t tb_len, tb_cap;
	uint32_t *off, *tlen;  /* tok_cap of each, grown to ZONE_MAX_TOKENS as lines need */
	size_t tok_cap;
	size_t ntok;
	int paren;
	bool leading_blank;
	bool in_record;
	uint64_t rec_line;
	/* the lines after the first of a record in parentheses, as read
	 * ([u64 line number][u32 length][bytes]...; at most tb_cap bytes): a
	 * record whose parentheses never close is bad at its first line, and
	 * these lines are read again as lines of their own - an unclosed '('
	 * swallowed every good record up to the token bound (13107 A records).
	 * A line is read again at most once (replayed_upto). */
	char *rp;
	size_t rp_len;
	uint64_t replayed_upto;
};

void src_zone_free(lb_src_t *s)
{
	if (!s->zone)
		return;
	free(s->zone->tb);
	free(s->zone->rp);
	free(s->zone->off);
	free(s->zone->tlen);
	free(s->zone->hold);
	free(s->zone->hidx);
	free(s->zone);
	s->zone = NULL;
}

/* held record layout: bw index (0xff: none), owner length, owner, type,
 * class, ttl, rdata length, rdata (multi-byte fields in host order) */
static const uint8_t *held(const struct zone_state *z, size_t i)
{
	return z->hold + z->hidx[i];
}

static int held_cmp(const void *a, const void *b, void *ctx)
{
	const struct zone_state *z = ctx;
	const uint8_t *x = z->hold + *(const uint32_t *)a, *y = z->hold + *(const uint32_t *)b;
	size_t n = x[1] < y[1] ? x[1] : y[1];
	int c = memcmp(x + 2, y + 2, n);
	if (c)
		return c;
	if (x[1] != y[1])
		return x[1] < y[1] ? -1 : 1;
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	/* then in file order: the offsets grow with it */
	uint32_t ox = *(const uint32_t *)a, oy = *(const uint32_t *)b;
	return ox < oy ? -1 : ox > oy;
}

static void emit_group(lb_src_t *s, int bw)
{
	struct zone_state *z = s->zone;
	lb_src_aggr_t a = { .zone_first = z->ztime, .zone_last = z->ztime };
	resp_emit(s, s->resp, NULL, bw == 0xff ? NULL : z->bws[bw], &a);
	resp_reset(s->resp);
}

/* Emit the held records: sorted by owner (then bailiwick, then file order),
 * each owner's records in one group, whose RRsets resp_emit forms. */
static void zone_drain(lb_src_t *s)
{
	struct zone_state *z = s->zone;
	if (z->hn > 1)
		qsort_r(z->hidx, z->hn, sizeof *z->hidx, held_cmp, z);
	resp_reset(s->resp);
	const uint8_t *cur = NULL;
	for (size_t i = 0; i < z->hn; i++) {
		const uint8_t *p = held(z, i);
		uint8_t ol = p[1];
		if (cur && (cur[0] != p[0] || cur[1] != ol || memcmp(cur + 2, p + 2, ol)))
			emit_group(s, cur[0]);
		cur = p;
		uint16_t type, rclass, rdlen;
		uint32_t ttl;
		const uint8_t *q = p + 2 + ol;
		memcpy(&type, q, 2);
		memcpy(&rclass, q + 2, 2);
		memcpy(&ttl, q + 4, 4);
		memcpy(&rdlen, q + 8, 2);
		int err = resp_add_wire(s->resp, p + 2, ol, type, rclass, ttl, LB_SEC_ANSWER, q + 10, rdlen);
		if (err == LB_ELIMIT) { /* an owner of more than a group holds */
			emit_group(s, cur[0]);
			err = resp_add_wire(s->resp, p + 2, ol, type, rclass, ttl, LB_SEC_ANSWER, q + 10,
					    rdlen);
		}
		if (err)
			src_bad(s, LB_BAD_RDATA);
	}
	if (cur)
		emit_group(s, cur[0]);
	z->hold_len = 0;
	z->hn = 0;
	z->nbw = 0; /* (no held record names one now) */
}

/* The bailiwick of the records read now: the apex, else the origin; none in
 * a zone view of many zones. */
static const uint8_t *cur_bw(const struct zone_state *z)
{
	return z->many ? NULL : z->have_apex ? z->apex : z->have_origin ? z->origin : NULL;
}

/* Its index in the table of held records' bailiwicks (0xff: none), or -1 when
 * the table is full (the held records must go first). */
static int bw_index(struct zone_state *z)
{
	const uint8_t *bw = cur_bw(z);
	if (!bw)
		return 0xff;
	int l = lb_name_check(bw, LB_NAME_MAX);
	for (int i = 0; i < z->nbw; i++)
		if (lb_name_check(z->bws[i], LB_NAME_MAX) == l && !memcmp(z->bws[i], bw, (size_t)l))
			return i;
	if (z->nbw == ZONE_MAX_BW)
		return -1;
	memcpy(z->bws[z->nbw], bw, (size_t)l);
	return z->nbw++;
}

/* Emit the records of s->resp as they are, with the bailiwick of now. */
static void emit_direct(lb_src_t *s)
{
	struct zone_state *z = s->zone;
	lb_src_aggr_t a = { .zone_first = z->ztime, .zone_last = z->ztime };
	resp_emit(s, s->resp, NULL, cur_bw(z), &a);
	resp_reset(s->resp);
}

/* Move the records of s->resp (one owner's, as read) to the held ones. */
static void flush_group(lb_src_t *s)
{
	struct zone_state *z = s->zone;
	src_resp_t *r = s->resp;
	if (r->n == 0)
		return;
	size_t need = 0;
	for (size_t i = 0; i < r->n; i++)
		need += 2 + r->rr[i].owner_len + 10 + r->rr[i].rdlen;
	int bw = bw_index(z);
	if (bw < 0 || (z->hn && z->hold_len + need > ZONE_HOLD_MAX)) {
		/* the held ones must go (zone_drain works in s->resp): this
		 * group first, as read */
		emit_direct(s);
		zone_drain(s);
		return;
	}
	if (z->hold_len + need > z->hold_cap) {
		size_t cap = z->hold_cap ? z->hold_cap : 1u << 16;
		while (cap < z->hold_len + need)
			cap *= 2;
		uint8_t *nh = realloc(z->hold, cap);
		if (!nh) {
			emit_direct(s); /* no memory to hold it */
			return;
		}
		z->hold = nh;
		z->hold_cap = cap;
	}
	if (z->hn + r->n > z->hcap) {
		size_t cap = z->hcap ? z->hcap : 4096;
		while (cap < z->hn + r->n)
			cap *= 2;
		uint32_t *ni = realloc(z->hidx, cap * sizeof *ni);
		if (!ni) {
			emit_direct(s);
			return;
		}
		z->hidx = ni;
		z->hcap = cap;
	}
	for (size_t i = 0; i < r->n; i++) {
		const src_rr_t *x = &r->rr[i];
		uint8_t *p = z->hold + z->hold_len;
		z->hidx[z->hn++] = (uint32_t)z->hold_len;
		p[0] = (uint8_t)bw;
		p[1] = x->owner_len;
		memcpy(p + 2, x->owner, x->owner_len);
		uint8_t *q = p + 2 + x->owner_len;
		memcpy(q, &x->type, 2);
		memcpy(q + 2, &x->rclass, 2);
		memcpy(q + 4, &x->ttl, 4);
		memcpy(q + 8, &x->rdlen, 2);
		memcpy(q + 10, x->rd, x->rdlen);
		z->hold_len += 2 + x->owner_len + 10 + x->rdlen;
	}
	resp_reset(r);
}

static int parse_class(const char *t, size_t len, uint16_t *c)
{
	if (len == 2 && !strncasecmp(t, "IN", 2)) { *c = LB_C_IN; return 0; }
	if (len == 2 && !strncasecmp(t, "CH", 2)) { *c = LB_C_CH; return 0; }
	if (len == 2 && !strncasecmp(t, "HS", 2)) { *c = LB_C_HS; return 0; }
	if (len > 5 && len < 11 && !strncasecmp(t, "CLASS", 5)) {
		uint64_t v;
		if (src_u64(t + 5, len - 5, &v) == 0 && v <= 65535) {
			*c = (uint16_t)v;
			return 0;
		}
	}
	return -1;
}

static int zone_file(lb_src_t *s, lb_lr_t *lr, const char *name, const char *first, size_t flen);
static void zone_line(lb_src_t *s, const char *line, size_t len, const char *path);

/* Lines one $GENERATE may make (BIND's own limit is the range's size). */
#define GEN_MAX 65536
#define GEN_LINE 8192

/*
 * One $GENERATE template token with the iterator v substituted, appended to
 * out (cap GEN_LINE, used *o): "$" is v in decimal; "${offset[,width[,base]]}"
 * is v + offset zero-padded to width in base d, o, x, X or n / N (nibbles in
 * reverse order, dot-separated, as for ip6.arpa; BIND counts the dots in the
 * width);
 * "\$" is a "$"; "$$" (older BIND) is one too.  0 or -1.
 */
static int gen_subst(const char *t, size_t len, long long v, char *out, size_t *o)
{
	for (size_t i = 0; i < len; i++) {
		if (*o + 80 >= GEN_LINE)
			return -1;
		if (t[i] == '\\' && i + 1 < len && t[i + 1] == '$') {
			out[(*o)++] = '$';
			i++;
			continue;
		}
		if (t[i] != '$') {
			out[(*o)++] = t[i];
			continue;
		}
		if (i + 1 < len && t[i + 1] == '$') {
			out[(*o)++] = '$';
			i++;
			continue;
		}
		long long off = 0;
		unsigned width = 0;
		char base = 'd';
		if (i + 1 < len && t[i + 1] == '{') {
			const char *e = memchr(t + i + 2, '}', len - i - 2);
			if (!e)
				return -1;
			char spec[64];
			size_t sl = (size_t)(e - (t + i + 2));
			if (sl >= sizeof spec)
				return -1;
			memcpy(spec, t + i + 2, sl);
			spec[sl] = 0;
			char b = 'd';
			int n = sscanf(spec, "%lld,%u,%c", &off, &width, &b);
			if (n < 1 || width > 64 || off > 0x7fffffffLL || off < -0x7fffffffLL)
				return -1;
			if (n == 3)
				base = b;
			i = (size_t)(e - t);
		}
		long long x = v + off;
		if (x < 0)
			return -1;
		if (base == 'n' || base == 'N') {
			/* as BIND writes them: the lowest nibble first, a dot after
			 * each while digits or width remain; the width counts the
			 * characters written, dots included (an even one ends in a dot) */
			const char *hex = base == 'n' ? "0123456789abcdef" : "0123456789ABCDEF";
			unsigned long long u = (unsigned long long)x;
			do {
				out[(*o)++] = hex[u & 0xf];
				u >>= 4;
				if (width > 0)
					width--;
				if (width > 0 || u != 0) {
					out[(*o)++] = '.';
					if (width > 0)
						width--;
				}
				if (*o + 4 >= GEN_LINE)
					return -1;
			} while (u != 0 || width > 0);
			continue;
		}
		const char *fmt = base == 'd' ? "%0*lld" : base == 'o' ? "%0*llo" : base == 'x' ? "%0*llx"
				  : base == 'X' ? "%0*llX" : NULL;
		if (!fmt)
			return -1;
		*o += (size_t)snprintf(out + *o, GEN_LINE - *o, fmt, (int)width, x);
	}
	return 0;
}

/*
 * $GENERATE range lhs [ttl] [class] type rhs (BIND): for each value of
 * "start-stop[/step]", the line "lhs [ttl] [class] type rhs" with the
 * iterator substituted in lhs and rhs (gen_subst), read as a record of its
 * own.  At most GEN_MAX lines, else the directive is zone_syntax.
 */
static void generate(lb_src_t *s, const char *path)
{
	struct zone_state *z = s->zone;
	if (z->ntok < 5)
		return (void)src_bad(s, LB_BAD_SYNTAX);
	unsigned long long start, stop, step = 1;
	char rb[64];
	size_t rl = z->tlen[1];
	if (rl >= sizeof rb)
		return (void)src_bad(s, LB_BAD_SYNTAX);
	memcpy(rb, z->tb + z->off[1], rl);
	rb[rl] = 0;
	int n = 0, m = sscanf(rb, "%llu-%llu%n/%llu%n", &start, &stop, &n, &step, &n);
	if (m < 2 || (size_t)n != rl || stop < start || step == 0 || (stop - start) / step >= GEN_MAX ||
	    stop > 0x7fffffffULL)
		return (void)src_bad(s, LB_BAD_SYNTAX);
	/* the template, copied: the lines read below reuse the token buffer */
	size_t ntok = z->ntok, k = 3;
	for (int i = 0; i < 2 && k < ntok; i++) {
		uint16_t c;
		const char *t = z->tb + z->off[k];
		if (isdigit((unsigned char)t[0]) || parse_class(t, z->tlen[k], &c) == 0)
			k++;
	}
	if (k + 1 >= ntok)
		return (void)src_bad(s, LB_BAD_SYNTAX);
	size_t tl = (size_t)(z->off[ntok - 1] + z->tlen[ntok - 1] - z->off[2]);
	char *tpl = malloc(tl + 1), *line = malloc(GEN_LINE);
	if (!tpl || !line) {
		free(tpl);
		free(line);
		return (void)src_bad(s, LB_BAD_SYNTAX);
	}
	memcpy(tpl, z->tb + z->off[2], tl);
	tpl[tl] = 0;
	size_t lhs_len = z->tlen[2];
	size_t mid_off = z->off[3] - z->off[2], mid_len = z->off[k] + z->tlen[k] - z->off[3];
	size_t rhs_off = z->off[k + 1] - z->off[2], rhs_len = tl - rhs_off;
	if (k + 2 == ntok && rhs_len >= 2 && tpl[rhs_off] == '"' && tpl[tl - 1] == '"') {
		/* BIND reads the rhs as one string and then its content as the
		 * rdata text: `TXT "a b"` gives the strings "a" and "b" */
		rhs_off++;
		rhs_len -= 2;
	}
	bool keep_owner = z->have_owner;
	uint8_t owner[LB_NAME_MAX];
	memcpy(owner, z->owner, sizeof owner);
	for (unsigned long long v = start; v <= stop && !s->stop; v += step) {
		size_t o = 0;
		if (gen_subst(tpl, lhs_len, (long long)v, line, &o) || o + mid_len + 2 >= GEN_LINE ||
		    o == 0 || line[0] == '$') {
			/* (a line made a directive - "\$GENERATE" - would nest the work) */
			src_bad(s, LB_BAD_SYNTAX);
			break;
		}
		line[o++] = ' ';
		memcpy(line + o, tpl + mid_off, mid_len);
		o += mid_len;
		line[o++] = ' ';
		if (gen_subst(tpl + rhs_off, rhs_len, (long long)v, line, &o)) {
			src_bad(s, LB_BAD_SYNTAX);
			break;
		}
		zone_line(s, line, o, path);
		if (stop - v < step)
			break;
	}
	/* a later line with a blank owner is the last owner before $GENERATE */
	z->have_owner = keep_owner;
	memcpy(z->owner, owner, sizeof owner);
	free(tpl);
	free(line);
}

static void directive(lb_src_t *s, const char *path)
{
	struct zone_state *z = s->zone;
	const char *t0 = z->tb + z->off[0];
	size_t l0 = z->tlen[0];
	if (l0 == 7 && !strncasecmp(t0, "$ORIGIN", 7) && z->ntok == 2) {
		uint8_t o[LB_NAME_MAX];
		int n = src_name(z->tb + z->off[1], z->tlen[1], z->have_origin ? z->origin : NULL, o);
		if (n < 0)
			return (void)src_bad(s, LB_BAD_NAME);
		memcpy(z->origin, o, (size_t)n);
		z->have_origin = true;
		return;
	}
	if (l0 == 4 && !strncasecmp(t0, "$TTL", 4) && z->ntok == 2) {
		if (lb_ttl_from_text(z->tb + z->off[1], z->tlen[1], &z->default_ttl))
			return (void)src_bad(s, LB_BAD_SYNTAX);
		z->have_default_ttl = true;
		return;
	}
	if (l0 == 8 && !strncasecmp(t0, "$INCLUDE", 8) && (z->ntok == 2 || z->ntok == 3)) {
		if (!s->o.allow_include || z->depth >= ZONE_MAX_DEPTH)
			return (void)src_bad(s, LB_BAD_INCLUDE);
		char file[4096];
		size_t fl = z->tlen[1];
		const char *ft = z->tb + z->off[1];
		if (fl >= 2 && ft[0] == '"') {
			ft++;
			fl -= 2;
		}
		if (fl == 0 || fl >= 2048)
			return (void)src_bad(s, LB_BAD_INCLUDE);
		if (ft[0] == '/' || !strcmp(path, "-")) {
			snprintf(file, sizeof file, "%.*s", (int)fl, ft);
		} else {
			char dir[2048];
			snprintf(dir, sizeof dir, "%s", path);
			snprintf(file, sizeof file, "%s/%.*s", dirname(dir), (int)fl, ft);
		}
		uint8_t saved[LB_NAME_MAX];
		bool had = z->have_origin;
		memcpy(saved, z->origin, sizeof saved);
		if (z->ntok == 3) {
			uint8_t o[LB_NAME_MAX];
			int n = src_name(z->tb + z->off[2], z->tlen[2], had ? z->origin : NULL, o);
			if (n < 0)
				return (void)src_bad(s, LB_BAD_NAME);
			memcpy(z->origin, o, (size_t)n);
			z->have_origin = true;
		}
		/* only a regular file that is not being read already, and at most
		 * ZONE_MAX_INCLUDES of them: /dev/zero never ends, a FIFO blocks
		 * the open, a file including itself (or an ancestor) loops.  The
		 * file checked is the file opened (lb_lr_open_regular). */
		struct stat sb;
		lb_lr_t *inc = NULL;
		bool refuse = z->nincludes >= ZONE_MAX_INCLUDES ||
			      lb_lr_open_regular(file, s->o.max_line, &inc, &sb) != 0;
		for (int i = 0; !refuse && i <= z->depth; i++)
			refuse = z->in_dev[i] == sb.st_dev && z->in_ino[i] == sb.st_ino;
		if (refuse) {
			lb_lr_close(inc);
			memcpy(z->origin, saved, sizeof saved);
			z->have_origin = had;
			return (void)src_bad(s, LB_BAD_INCLUDE);
		}
		z->nincludes++;
		z->in_dev[z->depth + 1] = sb.st_dev;
		z->in_ino[z->depth + 1] = sb.st_ino;
		lb_lr_set_idle(inc, s->o.idle, s->o.idle_ctx);
		lb_lr_set_stop(inc, s->o.interrupt);
		/* the included file's lines are counted under its own name */
		const char *keep_file = s->file;
		uint64_t keep_line = s->lineno;
		char *fname = s->ninc < 256 ? strdup(file) : NULL;
		if (fname)
			s->inc_names[s->ninc++] = fname; /* outlives the bad-line report */
		s->file = fname ? fname : keep_file;
		z->ntok = 0;
		z->tb_len = 0;
		z->depth++;
		int err = zone_file(s, inc, s->file, NULL, 0);
		z->depth--;
		lb_lr_close(inc);
		s->file = keep_file;
		s->lineno = keep_line;
		s->line_bad = false;
		memcpy(z->origin, saved, sizeof saved);
		z->have_origin = had;
		if (err && err != LB_ETEXT)
			src_bad(s, LB_BAD_INCLUDE);
		return;
	}
	if (l0 == 9 && !strncasecmp(t0, "$GENERATE", 9))
		return generate(s, path);
	src_bad(s, LB_BAD_SYNTAX);
}

static void record(lb_src_t *s, const char *path)
{
	struct zone_state *z = s->zone;
	size_t k = 0;
	const char *t0 = z->tb + z->off[0];
	if (!z->leading_blank && t0[0] == '$')
		return directive(s, path);
	uint8_t owner[LB_NAME_MAX];
	int ol;
	if (z->leading_blank) {
		if (!z->have_owner)
			return (void)src_bad(s, LB_BAD_SYNTAX);
		ol = lb_name_check(z->owner, LB_NAME_MAX);
		memcpy(owner, z->owner, (size_t)ol);
	} else {
		if (z->tlen[0] == 1 && t0[0] == '@') {
			if (!z->have_origin)
				return (void)src_bad(s, LB_BAD_SYNTAX);
			ol = lb_name_check(z->origin, LB_NAME_MAX);
			memcpy(owner, z->origin, (size_t)ol);
		} else {
			bool absolute = t0[z->tlen[0] - 1] == '.' &&
					!(z->tlen[0] >= 2 && t0[z->tlen[0] - 2] == '\\');
			if (!absolute && !z->have_origin)
				return (void)src_bad(s, LB_BAD_SYNTAX);
			ol = src_name(t0, z->tlen[0], z->have_origin ? z->origin : NULL, owner);
			if (ol < 0)
				return (void)src_bad(s, LB_BAD_NAME);
		}
		k = 1;
		memcpy(z->owner, owner, (size_t)ol);
		z->have_owner = true;
	}
	uint32_t ttl = 0;
	bool have_ttl = false, have_class = false;
	uint16_t rclass = z->last_class ? z->last_class : LB_C_IN;
	for (int i = 0; i < 2 && k < z->ntok; i++) {
		const char *t = z->tb + z->off[k];
		if (!have_ttl && isdigit((unsigned char)t[0])) {
			if (lb_ttl_from_text(t, z->tlen[k], &ttl))
				return (void)src_bad(s, LB_BAD_SYNTAX);
			have_ttl = true;
			k++;
		} else if (!have_class && parse_class(t, z->tlen[k], &rclass) == 0) {
			have_class = true;
			k++;
		}
	}
	if (k >= z->ntok)
		return (void)src_bad(s, LB_BAD_SYNTAX);
	char tyb[24];
	uint16_t type;
	if (z->tlen[k] >= sizeof tyb || memchr(z->tb + z->off[k], 0, z->tlen[k]))
		return (void)src_bad(s, LB_BAD_TYPE); /* (a NUL would end the name) */
	memcpy(tyb, z->tb + z->off[k], z->tlen[k]);
	tyb[z->tlen[k]] = 0;
	if (lb_rrtype_from_text(tyb, &type))
		return (void)src_bad(s, LB_BAD_TYPE);
	k++;
	if (have_ttl) {
		z->last_ttl = ttl;
		z->have_last_ttl = true;
	} else if (z->have_default_ttl) {
		ttl = z->default_ttl;
	} else if (z->have_last_ttl) {
		ttl = z->last_ttl;
	}
	z->last_class = rclass;
	const char *rd = k < z->ntok ? z->tb + z->off[k] : "";
	size_t rdl = k < z->ntok ? (size_t)(z->off[z->ntok - 1] + z->tlen[z->ntok - 1] - z->off[k]) : 0;
	if (type == LB_T_SOA && !z->have_apex && !z->many) {
		flush_group(s);
		memcpy(z->apex, owner, (size_t)ol);
		z->have_apex = true;
	}
	if (rclass != LB_C_IN) {
		src_skip(s, LB_SKIP_CLASS);
		return;
	}
	const uint8_t *zone = z->have_apex ? z->apex : z->have_origin ? z->origin : NULL;
	if (zone && !z->many && !lb_name_is_subdomain(owner, zone)) {
		src_skip(s, LB_SKIP_OUT_OF_ZONE);
		return;
	}
	if (z->group_len != ol || memcmp(z->group, owner, (size_t)ol)) {
		flush_group(s);
		memcpy(z->group, owner, (size_t)ol);
		z->group_len = (uint8_t)ol;
	}
	int err = resp_add_text(s->resp, owner, (uint8_t)ol, type, rclass, ttl, LB_SEC_ANSWER, rd, rdl,
				z->have_origin ? z->origin : NULL);
	if (err == LB_ELIMIT) {
		flush_group(s);
		err = resp_add_text(s->resp, owner, (uint8_t)ol, type, rclass, ttl, LB_SEC_ANSWER, rd,
				    rdl, z->have_origin ? z->origin : NULL);
	}
	if (err)
		return (void)src_bad(s, LB_BAD_RDATA);
	s->c.records++;
}

static void zone_line(lb_src_t *s, const char *line, size_t len, const char *path);

/* Keep a continuation line of the record being assembled for replay_lines;
 * false if it does not fit (the record then fails). */
static bool keep_line(lb_src_t *s, const char *line, size_t len)
{
	struct zone_state *z = s->zone;
	if (s->lineno <= z->replayed_upto)
		return true; /* read again already: not a second time */
	if (z->rp_len + 12 + len > z->tb_cap)
		return false;
	if (!z->rp && !(z->rp = malloc(z->tb_cap)))
		return false;
	uint64_t ln = s->lineno;
	uint32_t l32 = (uint32_t)len;
	memcpy(z->rp + z->rp_len, &ln, 8);
	memcpy(z->rp + z->rp_len + 8, &l32, 4);
	memcpy(z->rp + z->rp_len + 12, line, len);
	z->rp_len += 12 + len;
	return true;
}

/* The record being assembled failed inside its parentheses (bounds reached,
 * or the file ended): it is bad at its first line, and the lines after it
 * are read again, each on its own. */
static void paren_failed(lb_src_t *s, const char *path)
{
	struct zone_state *z = s->zone;
	uint64_t cur = s->lineno;
	z->in_record = false;
	z->ntok = 0;
	s->lineno = z->rec_line;
	s->line_bad = false;
	src_bad(s, LB_BAD_SYNTAX);
	char *rp = z->rp;
	size_t n = z->rp_len;
	z->rp = NULL;
	z->rp_len = 0;
	for (size_t off = 0; off < n && !s->stop;) {
		uint64_t ln;
		uint32_t l32;
		memcpy(&ln, rp + off, 8);
		memcpy(&l32, rp + off + 8, 4);
		if (ln > z->replayed_upto)
			z->replayed_upto = ln;
		s->lineno = ln;
		s->line_bad = false;
		zone_line(s, rp + off + 12, l32, path);
		off += 12 + l32;
	}
	if (!z->rp) {
		z->rp = rp; /* keep the buffer */
	} else {
		free(rp);
	}
	s->lineno = cur;
}

/* Tokenize one physical line into the record being assembled. */
/* Room for twice the tokens (256 at first, ZONE_MAX_TOKENS at most): a line
 * of a few tokens, a fuzz input of one, does not make 512 KiB of arrays. */
static int zone_tokens_grow(struct zone_state *z)
{
	size_t nc = z->tok_cap ? z->tok_cap * 2 : 256;
	uint32_t *o = realloc(z->off, nc * sizeof *o);
	if (!o)
		return LB_ENOMEM;
	z->off = o;
	uint32_t *t = realloc(z->tlen, nc * sizeof *t);
	if (!t)
		return LB_ENOMEM;
	z->tlen = t;
	z->tok_cap = nc;
	return 0;
}

static void zone_line(lb_src_t *s, const char *line, size_t len, const char *path)
{
	struct zone_state *z = s->zone;
	bool cont = z->in_record;
	if (cont && !keep_line(s, line, len)) {
		/* then this line on its own (it fits the emptied buffer: a
		 * line is at most max_line, the buffer 2 x max_line) */
		paren_failed(s, path);
		s->line_bad = false;
		zone_line(s, line, len, path);
		return;
	}
	if (s->lineno == 1 && len >= sizeof LB_SRC_ZONE_VIEW_MARKER - 1 &&
	    !memcmp(line, LB_SRC_ZONE_VIEW_MARKER, sizeof LB_SRC_ZONE_VIEW_MARKER - 1))
		z->many = true;
	if (!z->in_record) {
		z->ntok = 0;
		z->tb_len = 0;
		z->paren = 0;
		z->leading_blank = len > 0 && (line[0] == ' ' || line[0] == '\t');
		z->rec_line = s->lineno;
	}
	bool in_tok = false, quote = false;
	for (size_t i = 0; i < len; i++) {
		char c = line[i];
		if (!quote && c == ';')
			break;
		if (!quote && (c == ' ' || c == '\t' || c == '(' || c == ')' || c == '\r')) {
			if (in_tok) {
				z->tlen[z->ntok - 1] = (uint32_t)(z->tb_len - z->off[z->ntok - 1]);
				z->tb[z->tb_len++] = ' ';
				in_tok = false;
			}
			if (c == '(')
				z->paren++;
			else if (c == ')' && --z->paren < 0)
				goto syntax;
			continue;
		}
		if (!in_tok) {
			if (z->ntok == z->tok_cap &&
			    (z->tok_cap == ZONE_MAX_TOKENS || zone_tokens_grow(z) != 0))
				goto syntax; /* (out of memory: the line fails, as in keep_line) */
			z->off[z->ntok++] = (uint32_t)z->tb_len;
			in_tok = true;
		}
		if (z->tb_len + 3 >= z->tb_cap)
			goto syntax;
		if (c == '"')
			quote = !quote;
		z->tb[z->tb_len++] = c;
		if (c == '\\' && i + 1 < len)
			z->tb[z->tb_len++] = line[++i];
	}
	if (quote)
		goto syntax;
	if (in_tok) {
		z->tlen[z->ntok - 1] = (uint32_t)(z->tb_len - z->off[z->ntok - 1]);
		z->tb[z->tb_len++] = ' ';
	}
	if (z->paren > 0) {
		z->in_record = true;
		return;
	}
	z->in_record = false;
	z->rp_len = 0;
	if (z->ntok > 0)
		record(s, path);
	return;
syntax:
	if (cont && z->rp_len) {
		paren_failed(s, path);
		return;
	}
	z->in_record = false;
	z->ntok = 0;
	z->rp_len = 0;
	src_bad(s, LB_BAD_SYNTAX);
}

static int zone_file(lb_src_t *s, lb_lr_t *lr, const char *name, const char *first, size_t flen)
{
	int err = 0;
	if (first) {
		zone_line(s, first, flen, name);
		if (s->stop)
			return LB_ETEXT;
	}
	for (;;) {
		const char *line;
		size_t len;
		int rc = lb_lr_next(lr, &line, &len);
		if (rc == 0)
			break;
		s->lineno = lb_lr_lineno(lr);
		s->line_bad = false;
		s->c.lines++;
		if (rc == LB_ELIMIT) {
			src_bad(s, LB_BAD_TOO_LONG);
		} else if (rc < 0) {
			err = rc;
			break;
		} else {
			zone_line(s, line, len, name);
		}
		if (s->stop) {
			err = LB_ETEXT;
			break;
		}
	}
	while (!err && s->zone->in_record) {
		paren_failed(s, name); /* the file ends inside parentheses */
		if (s->stop)
			err = LB_ETEXT;
	}
	return err;
}

static int zone_start(lb_src_t *s)
{
	if (!s->zone) {
		s->zone = calloc(1, sizeof *s->zone);
		if (!s->zone)
			return LB_ENOMEM;
		s->zone->tb_cap = (s->o.max_line ? s->o.max_line : LB_LR_DEFAULT_MAX_LINE) * 2;
		s->zone->tb = malloc(s->zone->tb_cap);
		if (!s->zone->tb) {
			src_zone_free(s);
			return LB_ENOMEM;
		}
	}
	struct zone_state *z = s->zone;
	char *tb = z->tb, *rp = z->rp;
	uint32_t *off = z->off, *tlen = z->tlen;
	size_t cap = z->tb_cap, tok_cap = z->tok_cap;
	memset(z, 0, sizeof *z);
	z->tb = tb;
	z->tb_cap = cap;
	z->rp = rp;
	z->off = off;
	z->tlen = tlen;
	z->tok_cap = tok_cap;
	if (s->o.origin) {
		int n = src_name(s->o.origin, strlen(s->o.origin), NULL, z->origin);
		if (n < 0)
			return LB_ETEXT;
		z->have_origin = true;
	}
	if (s->o.zone_time >= 0)
		z->ztime = (uint64_t)s->o.zone_time;
	else if (s->file_mtime > 0)
		z->ztime = (uint64_t)s->file_mtime;
	else
		z->ztime = (uint64_t)time(NULL);
	return 0;
}

int src_zone_run_from(lb_src_t *s, lb_lr_t *lr, const char *name, const char *line, size_t len)
{
	int err = zone_start(s);
	if (err)
		return err;
	struct stat sb;
	if (strcmp(name, "-") && stat(name, &sb) == 0) {
		s->zone->in_dev[0] = sb.st_dev;
		s->zone->in_ino[0] = sb.st_ino;
	}
	resp_reset(s->resp);
	err = zone_file(s, lr, name, line, len);
	flush_group(s);
	zone_drain(s);
	return err;
}

int src_zone_run(lb_src_t *s, lb_lr_t *lr, const char *name)
{
	return src_zone_run_from(s, lr, name, NULL, 0);
}
