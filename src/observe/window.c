/*
 * window.c - bounded in-memory aggregation of observations before the store.
 *
 * Entries are identified by their store identity bytes (store/keys.h rrset or
 * negative key).  Each is one record in an arena, its counters right before
 * its key (struct erec), so a repeat touches two places: its hash slot and
 * its record; an open-addressing hash table of 2 * max_entries 8-byte slots
 * finds them.  A flush writes every entry (in arrival order: the arena's)
 * through lb_store_add() and commits, then empties everything.
 *
 * With a store, a flush that the window starts itself (a bound reached) runs
 * in a flusher thread: the full table (entries, arena, sensors) is handed over
 * and a second, empty one fills meanwhile, so decoding goes on while RocksDB
 * writes.  At most one flush is in flight; every other entry point (explicit
 * flush, tick, stats, free, lb_ingest_add) first waits for it, so callers see
 * the same single-threaded window as before.
 */
#include "observe/window.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "store/keys.h"
#include "util/cpu.h"
#include "util/hash.h"
#include "util/mem.h"

#define MAX_SENSORS 64
/* Observations staged before they are folded (fq_stage): their hash slots,
 * then their records, are fetched ahead; longer keys fold at once. */
#define FQ_N 16
#define FQ_KEY_MAX 1024

struct fq_item {
	uint64_t h, t;
	uint32_t koff, klen; /* key bytes in fq_buf */
	int32_t soff;        /* sensor name in fq_buf (NUL-terminated), -1 = none */
};

/* An entry in the arena: this header, then key_len key bytes, then padding
 * to 8 bytes (ERECSZ). */
struct erec {
	uint64_t first, last, count;
	uint64_t srcs;   /* the sources that saw it: bits of the table's sensors[] */
	uint32_t key_len;
	uint32_t pad;
};
#define ERECSZ(klen) ((sizeof(struct erec) + (size_t)(klen) + 7) & ~(size_t)7)

struct slot {
	uint32_t off8;   /* (record offset / 8) + 1; 0 = empty */
	uint32_t tag;    /* the hash's high half */
};

struct sensor {
	char name[LB_STORE_SENSOR_MAX + 1];
	uint64_t first, last, count;
};

struct lb_window {
	lb_store_t *store;
	lb_window_out_t out;   /* used when store is NULL */
	lb_window_opts_t o;
	char default_sensor[LB_STORE_SENSOR_MAX + 1];
	struct slot *slots;    /* where the entry's record is, and a tag from its hash: a
				* probe past other keys touches no record */
	size_t nslots;         /* power of two */
	uint64_t seed;         /* of the slots' hash (util/hash.h) */
	size_t nent;
	size_t key_bytes;      /* key bytes of the entries (the max_bytes bound) */
	uint8_t *arena;        /* the records (struct erec), 8-byte aligned */
	size_t arena_len, arena_cap;
	struct sensor sensors[MAX_SENSORS];
	int nsensors;
	/* the name sensor_note found last and its entry in sensors[]: the same
	 * pointer again is that sensor without comparing names.  Only while the
	 * bytes there cannot change: reset with the table, and when a drain of
	 * the staged observations (whose names it points into) ends */
	const char *sn_name;
	int sn_idx;
	uint64_t start;        /* time of the window's first entry */
	uint64_t wall_start;   /* the wall clock when it came (lb_window_tick) */
	/* aggregated records added past the window (lb_ingest_add) and not yet
	 * committed, and the wall clock when the first of them came: they are
	 * held to the window's bounds too (count and lb_window_tick) */
	size_t direct_n;
	uint64_t direct_wall;
	int err;
	lb_kbuf_t k;
	lb_kdec_t *dec;
	lb_store_rec_t rec;    /* scratch for building keys */
	lb_window_stats_t st;
	/* staged observations, in arrival order (fq_stage / fq_drain) */
	struct fq_item fq[FQ_N];
	int fq_n;
	int32_t fq_last_soff;
	size_t fq_len;
	uint8_t fq_buf[FQ_N * (FQ_KEY_MAX + LB_STORE_SENSOR_MAX + 1)];
	/* background flush (store mode only) */
	uint8_t *spare_arena;          /* the second table's records */
	size_t spare_cap;
	struct {
		size_t nent;
		uint8_t *arena;
		size_t arena_len, arena_cap;
		struct sensor sensors[MAX_SENSORS];
		int nsensors;
		int err;
	} job;
	pthread_t thr;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool thr_started, busy, stop;
};

static int window_new(lb_store_t *store, const lb_window_out_t *wo, const lb_window_opts_t *o,
		      lb_window_t **out)
{
	*out = NULL;
	lb_window_t *w = calloc(1, sizeof *w);
	if (!w)
		return LB_ENOMEM;
	if (o)
		w->o = *o;
	if (!w->o.max_entries)
		w->o.max_entries = 262144;
	if (w->o.max_entries > (1u << 30))
		w->o.max_entries = 1u << 30;
	if (!w->o.max_bytes)
		w->o.max_bytes = 32u << 20;
	if (!w->o.flush_secs)
		w->o.flush_secs = 60;
	if (w->o.sensor) {
		snprintf(w->default_sensor, sizeof w->default_sensor, "%s", w->o.sensor);
	}
	w->o.sensor = NULL;
	w->fq_last_soff = -1;
	w->seed = lb_hash_seed();
	w->store = store;
	if (wo)
		w->out = *wo;
	w->nslots = 16;
	while (w->nslots < 2 * w->o.max_entries)
		w->nslots *= 2;
	w->slots = w->nslots <= SIZE_MAX / sizeof *w->slots
			   ? lb_big_alloc(w->nslots * sizeof *w->slots) : NULL;
	w->arena_cap = 1u << 16;
	w->arena = lb_big_alloc(w->arena_cap);
	w->dec = malloc(sizeof *w->dec);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (store && !(w->o.input_waits && lb_cpu_count() == 1)) {
		w->spare_cap = 1u << 16;
		w->spare_arena = lb_big_alloc(w->spare_cap);
		if (!w->spare_arena) {
			lb_window_free(w);
			return LB_ENOMEM;
		}
	}
	if (!w->slots || !w->arena || !w->dec) {
		lb_window_free(w);
		return LB_ENOMEM;
	}
	w->st.peak_bytes = w->nslots * sizeof *w->slots + w->arena_cap + sizeof *w->dec +
			   sizeof *w + (w->spare_arena ? w->spare_cap : 0);
	*out = w;
	return 0;
}

int lb_window_new(lb_store_t *store, const lb_window_opts_t *o, lb_window_t **out)
{
	return window_new(store, NULL, o, out);
}

int lb_window_new_out(const lb_window_out_t *wo, const lb_window_opts_t *o, lb_window_t **out)
{
	if (!wo || !wo->add || !wo->commit) {
		*out = NULL;
		return LB_EINVAL;
	}
	return window_new(NULL, wo, o, out);
}

/* rec, whose store key (the entry's identity bytes) is key[0, key_len) */
static int out_add(lb_window_t *w, const lb_store_rec_t *rec, const uint8_t *key, size_t key_len)
{
	return w->store ? lb_store_add_keyed(w->store, rec, key, key_len)
			: w->out.add(w->out.ctx, rec);
}

static int out_commit(lb_window_t *w)
{
	return w->store ? lb_store_commit(w->store) : w->out.commit(w->out.ctx);
}

int lb_window_err(const lb_window_t *w) { return w->err; }

/* Note a sighting by sensor name (or the default); returns the bit of the
 * sensor in this table (0 when no name, or the table is full). */
static uint64_t sensor_note_slow(lb_window_t *w, const char *name, uint64_t t)
{
	if (!name || !*name)
		name = w->default_sensor;
	if (!*name)
		return 0;
	struct sensor *s = NULL;
	if (name == w->sn_name) {
		s = &w->sensors[w->sn_idx];
	} else {
		for (int i = 0; i < w->nsensors; i++)
			if (!strncmp(w->sensors[i].name, name, LB_STORE_SENSOR_MAX)) {
				s = &w->sensors[i];
				break;
			}
		if (!s) {
			if (w->nsensors == MAX_SENSORS)
				return 0; /* more distinct sensors than tracked per window: freshness
					   * (and the source of the entry) of extras lost */
			s = &w->sensors[w->nsensors++];
			snprintf(s->name, sizeof s->name, "%s", name);
			s->first = s->last = t;
			s->count = 0;
		}
		w->sn_name = name;
		w->sn_idx = (int)(s - w->sensors);
	}
	if (t < s->first)
		s->first = t;
	if (t > s->last)
		s->last = t;
	s->count++;
	return (uint64_t)1 << (s - w->sensors);
}

/* The same, inline for the common case: the name sensor_note found last
 * (every fold of a staged run from one source after its first). */
static inline uint64_t sensor_note(lb_window_t *w, const char *name, uint64_t t)
{
	if (!name || name != w->sn_name)
		return sensor_note_slow(w, name, t);
	struct sensor *s = &w->sensors[w->sn_idx];
	if (t < s->first)
		s->first = t;
	if (t > s->last)
		s->last = t;
	s->count++;
	return (uint64_t)1 << w->sn_idx;
}

/* Write one table's entries and sensors, and commit. */
static int flush_table(lb_window_t *w, const uint8_t *arena, size_t arena_len,
		       const struct sensor *sensors, int nsensors)
{
	int err = 0;
	lb_store_rec_t rec;
	const char *names[MAX_SENSORS];
	for (size_t at = 0; at < arena_len && !err;) {
		const struct erec *e = (const struct erec *)(arena + at);
		at += ERECSZ(e->key_len);
		err = lb_key_decode((const uint8_t *)(e + 1), e->key_len, w->dec, &rec);
		if (err)
			break;
		size_t nn = 0;
		for (int b = 0; b < nsensors; b++)
			if (e->srcs >> b & 1)
				names[nn++] = sensors[b].name;
		rec.sources = nn ? names : NULL;
		rec.nsources = nn;
		rec.sources_more = false;
		memset(&rec.val, 0, offsetof(lb_store_val_t, runs));
		rec.val.time_first = e->first;
		rec.val.time_last = e->last;
		rec.val.count = e->count;
		rec.val.nruns = 1;
		rec.val.runs[0].start = lb_day_of(e->first);
		rec.val.runs[0].len = lb_day_of(e->last) - lb_day_of(e->first) + 1;
		err = out_add(w, &rec, (const uint8_t *)(e + 1), e->key_len);
	}
	for (int i = 0; i < nsensors && !err; i++) {
		const struct sensor *s = &sensors[i];
		memset(&rec, 0, sizeof rec);
		rec.kind = LB_REC_SENSOR;
		rec.sensor = s->name;
		rec.val.time_first = s->first;
		rec.val.time_last = s->last;
		rec.val.count = s->count;
		err = out_add(w, &rec, NULL, 0);
	}
	if (!err)
		err = out_commit(w);
	return err;
}

static void *flusher(void *arg)
{
	lb_window_t *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->busy && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->busy)
			break;
		pthread_mutex_unlock(&w->mu);
		int err = flush_table(w, w->job.arena, w->job.arena_len, w->job.sensors,
				      w->job.nsensors);
		pthread_mutex_lock(&w->mu);
		w->job.err = err;
		w->busy = false;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Wait for the flush in flight (if any); take back its table as the spare. */
static void wait_job(lb_window_t *w)
{
	if (!w->thr_started)
		return;
	pthread_mutex_lock(&w->mu);
	while (w->busy)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
	if (w->job.arena) {
		if (w->job.err && !w->err)
			w->err = w->job.err;
		if (w->job.nent) {
			w->st.flushes++;
			w->st.flushed_entries += w->job.nent;
		}
		w->spare_arena = w->job.arena;
		w->spare_cap = w->job.arena_cap;
		w->job.arena = NULL;
	}
}

static void reset_table(lb_window_t *w)
{
	memset(w->slots, 0, w->nslots * sizeof *w->slots);
	w->nent = 0;
	w->key_bytes = 0;
	w->arena_len = 0;
	w->nsensors = 0;
	w->sn_name = NULL;
	w->start = 0;
	w->wall_start = 0;
}

static void fq_drain(lb_window_t *w);

/* Flush the table as it is (staged observations stay staged). */
static int table_flush(lb_window_t *w)
{
	wait_job(w);
	int err = w->err;
	if (!err)
		err = flush_table(w, w->arena, w->arena_len, w->sensors, w->nsensors);
	if (w->nent) {
		w->st.flushes++;
		w->st.flushed_entries += w->nent;
	}
	w->direct_n = 0; /* flush_table committed them with the window */
	reset_table(w);
	if (err && !w->err)
		w->err = err;
	return err;
}

int lb_window_flush(lb_window_t *w)
{
	fq_drain(w);
	return table_flush(w);
}

/* A flush the window starts itself: in the flusher thread when there is a
 * store and a second arena (synchronous otherwise, or if the thread cannot
 * start).  A bound reached while a flush is in flight waits for it, then
 * hands the full table over in turn. */
static int window_flush_bg(lb_window_t *w)
{
	if (!w->store)
		return table_flush(w);
	wait_job(w); /* gives back the spare arena */
	if (w->err)
		return w->err;
	if (!w->spare_arena)
		return table_flush(w);
	if (!w->thr_started) {
		if (pthread_create(&w->thr, NULL, flusher, w) != 0)
			return table_flush(w);
		w->thr_started = true;
	}
	w->job.nent = w->nent;
	w->job.arena = w->arena;
	w->job.arena_len = w->arena_len;
	w->job.arena_cap = w->arena_cap;
	memcpy(w->job.sensors, w->sensors, (size_t)w->nsensors * sizeof w->sensors[0]);
	w->job.nsensors = w->nsensors;
	w->job.err = 0;
	w->arena = w->spare_arena;
	w->arena_cap = w->spare_cap;
	w->spare_arena = NULL;
	reset_table(w);
	pthread_mutex_lock(&w->mu);
	w->busy = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

/* Commit the aggregated records lb_ingest_add has added since the last commit. */
static int direct_commit(lb_window_t *w)
{
	wait_job(w);
	int err = w->err;
	if (!err)
		err = out_commit(w);
	w->direct_n = 0;
	if (err && !w->err)
		w->err = err;
	return err;
}

int lb_window_tick(lb_window_t *w, uint64_t now)
{
	fq_drain(w);
	if (w->nent && now >= w->wall_start + w->o.flush_secs)
		return lb_window_flush(w);
	if (w->direct_n && now >= w->direct_wall + w->o.flush_secs)
		return direct_commit(w);
	return w->err;
}

int lb_window_free(lb_window_t *w)
{
	if (!w)
		return 0;
	int err = 0;
	if ((w->store || w->out.add) && w->slots && w->arena && w->dec)
		err = lb_window_flush(w);
	else
		wait_job(w);
	if (w->thr_started) {
		pthread_mutex_lock(&w->mu);
		w->stop = true;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thr, NULL);
	}
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	lb_big_free(w->spare_arena);
	lb_big_free(w->slots);
	lb_big_free(w->arena);
	free(w->dec);
	lb_kbuf_free(&w->k);
	free(w);
	return err;
}

/* Fold one sighting of the identity key[0..klen) (hash h). */
static void fold(lb_window_t *w, const uint8_t *key, size_t klen, uint64_t h, uint64_t t,
		 const char *sensor)
{
	if (w->nent && (t >= w->start + w->o.flush_secs || w->nent >= w->o.max_entries ||
			w->key_bytes + klen > w->o.max_bytes))
		if (window_flush_bg(w) != 0)
			return; /* sticky in w->err */
	if (w->err)
		return;
	size_t mask = w->nslots - 1;
	size_t i = (size_t)h & mask;
	uint32_t tag = (uint32_t)(h >> 32);
	for (;;) {
		const struct slot *sl = &w->slots[i];
		if (!sl->off8)
			break;
		if (sl->tag == tag) {
			struct erec *e = (struct erec *)(w->arena + (size_t)(sl->off8 - 1) * 8);
			if (e->key_len == klen && !memcmp(e + 1, key, klen)) {
				if (t < e->first)
					e->first = t;
				if (t > e->last)
					e->last = t;
				e->count++;
				w->st.folded++;
				e->srcs |= sensor_note(w, sensor, t);
				return;
			}
		}
		i = (i + 1) & mask;
	}
	size_t need = ERECSZ(klen);
	if (klen > UINT32_MAX || (w->arena_len + need) / 8 >= UINT32_MAX) {
		w->err = LB_ENOMEM; /* past what a slot addresses (32 GiB) */
		return;
	}
	if (w->arena_len + need > w->arena_cap) {
		size_t cap = w->arena_cap;
		while (cap < w->arena_len + need)
			cap *= 2;
		uint8_t *na = lb_big_realloc(w->arena, cap);
		if (!na) {
			w->err = LB_ENOMEM;
			return;
		}
		w->st.peak_bytes += cap - w->arena_cap;
		w->arena = na;
		w->arena_cap = cap;
	}
	if (!w->nent) {
		w->start = t;
		w->wall_start = (uint64_t)time(NULL); /* for lb_window_tick */
	}
	struct erec *e = (struct erec *)(w->arena + w->arena_len);
	e->first = e->last = t;
	e->count = 1;
	e->key_len = (uint32_t)klen;
	e->pad = 0;
	memcpy(e + 1, key, klen);
	w->slots[i] = (struct slot){ .off8 = (uint32_t)(w->arena_len / 8 + 1), .tag = tag };
	w->arena_len += need;
	w->key_bytes += klen;
	w->nent++;
	w->st.kept++;
	e->srcs = sensor_note(w, sensor, t);
}

/*
 * Fold the staged observations, in their order.  Their slots were fetched
 * when they were staged; first ask for the record each one's first slot
 * names (a repeat's, usually), then fold: the two cache misses of a fold
 * overlap with other observations' work instead of following each other.
 */
static void fq_drain(lb_window_t *w)
{
	int n = w->fq_n;
	if (!n)
		return;
	size_t mask = w->nslots - 1;
	for (int i = 0; i < n; i++) {
		const struct slot *sl = &w->slots[w->fq[i].h & mask];
		if (sl->off8 && sl->tag == (uint32_t)(w->fq[i].h >> 32))
			__builtin_prefetch(w->arena + (size_t)(sl->off8 - 1) * 8);
	}
	for (int i = 0; i < n; i++) {
		const struct fq_item *q = &w->fq[i];
		fold(w, w->fq_buf + q->koff, q->klen, q->h, q->t,
		     q->soff < 0 ? NULL : (const char *)w->fq_buf + q->soff);
	}
	w->sn_name = NULL; /* fq_buf is written over by the next observations */
	w->fq_n = 0;
	w->fq_len = 0;
	w->fq_last_soff = -1;
}

/* Stage one sighting of the identity whose klen key bytes are already at
 * the end of fq_buf (folded by fq_drain). */
static void fq_stage_at(lb_window_t *w, size_t klen, uint64_t t, const char *sensor)
{
	uint64_t h = lb_hash64(w->fq_buf + w->fq_len, klen, w->seed);
	__builtin_prefetch(&w->slots[h & (w->nslots - 1)]);
	struct fq_item *q = &w->fq[w->fq_n];
	q->h = h;
	q->t = t;
	q->koff = (uint32_t)w->fq_len;
	q->klen = (uint32_t)klen;
	w->fq_len += klen;
	/* the sensor name may not outlive this call: kept by value, once per
	 * run of observations from the same sensor */
	if (!sensor || !*sensor) {
		q->soff = -1;
	} else if (w->fq_last_soff >= 0 &&
		   !strncmp((const char *)w->fq_buf + w->fq_last_soff, sensor, LB_STORE_SENSOR_MAX)) {
		q->soff = w->fq_last_soff;
	} else {
		size_t l = strnlen(sensor, LB_STORE_SENSOR_MAX);
		memcpy(w->fq_buf + w->fq_len, sensor, l);
		w->fq_buf[w->fq_len + l] = 0;
		q->soff = w->fq_last_soff = (int32_t)w->fq_len;
		w->fq_len += l + 1;
	}
	if (++w->fq_n == FQ_N)
		fq_drain(w);
}

/* Stage one sighting of the identity in w->k (folded by fq_drain). */
static void fq_stage(lb_window_t *w, uint64_t t, const char *sensor)
{
	if (w->k.err) {
		w->st.drop_invalid++;
		return;
	}
	if (w->k.len > FQ_KEY_MAX) {
		uint64_t h = lb_hash64(w->k.p, w->k.len, w->seed);
		fq_drain(w);
		fold(w, w->k.p, w->k.len, h, t, sensor);
		w->sn_name = NULL; /* the caller's: its bytes may change */
		return;
	}
	memcpy(w->fq_buf + w->fq_len, w->k.p, w->k.len);
	fq_stage_at(w, w->k.len, t, sensor);
}

static uint64_t ts_sec(const struct timeval *tv)
{
	return tv->tv_sec > 0 ? (uint64_t)tv->tv_sec : 0;
}

/* A sighting's time the store can keep: from 1 s after the epoch (0 is the
 * store's "no time", and a merge takes it so: keeping it as a first-seen
 * made the result depend on the order windows merge in) to LB_TIME_MAX. */
static bool ts_ok(const struct timeval *tv)
{
	uint64_t t = ts_sec(tv);
	return t >= 1 && t <= LB_TIME_MAX;
}

void lb_window_rrset(void *ctx, const lb_obs_rrset_t *o)
{
	lb_window_t *w = ctx;
	w->st.rrsets_in++;
	if (o->rclass != LB_C_IN) {
		w->st.drop_class++;
		return;
	}
	if (!o->owner || !o->nrdata || o->nrdata > LB_STORE_MAX_RDATA || !ts_ok(&o->ts) ||
	    lb_name_check(o->owner, o->owner_len) != (int)o->owner_len ||
	    (o->bailiwick && lb_name_check(o->bailiwick, o->bailiwick_len) != (int)o->bailiwick_len)) {
		w->st.drop_invalid++;
		return;
	}
	if (o->truncated) {
		w->st.drop_truncated++;
		return;
	}
	if (!o->bailiwick) {
		if (o->section != LB_SEC_ANSWER) {
			w->st.drop_section++;
			return;
		}
		if (o->unrelated) {
			w->st.drop_unrelated++;
			return;
		}
	} else if (!lb_name_is_subdomain(o->owner, o->bailiwick)) {
		w->st.drop_bailiwick++;
		return;
	}
	lb_store_rec_t *r = &w->rec; /* the fields the key is made of */
	r->kind = LB_REC_RRSET;
	r->owner = o->owner;
	r->owner_len = o->owner_len;
	r->bailiwick = o->bailiwick;
	r->bailiwick_len = o->bailiwick_len;
	r->type = o->type;
	r->nrdata = o->nrdata;
	r->rdata = o->rdata;
	r->rdlen = o->rdlen;
	/* built where it is staged: room for FQ_KEY_MAX bytes is left there */
	if (lb_key_rrset_need(r) <= FQ_KEY_MAX) {
		fq_stage_at(w, lb_key_rrset_put(w->fq_buf + w->fq_len, r), ts_sec(&o->ts), o->sensor);
		return;
	}
	lb_kbuf_reset(&w->k);
	lb_key_rrset(&w->k, r);
	fq_stage(w, ts_sec(&o->ts), o->sensor);
}

void lb_window_negative(void *ctx, const lb_obs_neg_t *o)
{
	lb_window_t *w = ctx;
	w->st.negatives_in++;
	if (o->qclass != LB_C_IN) {
		w->st.drop_class++;
		return;
	}
	if (!o->qname || !ts_ok(&o->ts) ||
	    lb_name_check(o->qname, o->qname_len) != (int)o->qname_len ||
	    (o->bailiwick && lb_name_check(o->bailiwick, o->bailiwick_len) != (int)o->bailiwick_len)) {
		w->st.drop_invalid++;
		return;
	}
	lb_store_rec_t *r = &w->rec;
	memset(r, 0, offsetof(lb_store_rec_t, val));
	r->kind = LB_REC_NEG;
	r->owner = o->qname;
	r->owner_len = o->qname_len;
	r->bailiwick = o->bailiwick;
	r->bailiwick_len = o->bailiwick_len;
	r->type = o->qtype;
	r->rcode = o->rcode;
	lb_kbuf_reset(&w->k);
	lb_key_neg(&w->k, r);
	fq_stage(w, ts_sec(&o->ts), o->sensor);
}

lb_obs_sink_t lb_window_sink(lb_window_t *w)
{
	lb_obs_sink_t s = { lb_window_rrset, lb_window_negative, w };
	return s;
}

void lb_window_get_stats(const lb_window_t *w, lb_window_stats_t *st)
{
	fq_drain((lb_window_t *)w);
	wait_job((lb_window_t *)w); /* counts the flush in flight once it is written */
	*st = w->st;
	st->entries = w->nent;
	st->bytes = w->key_bytes;
	st->background = w->spare_arena != NULL; /* given back by wait_job */
}

/* ---- ingest ---- */

struct lb_ingest {
	lb_store_t *store;
	lb_window_t *win;
};

int lb_ingest_open(const char *dir, const char *sensor, const lb_window_opts_t *o, lb_ingest_t **out)
{
	*out = NULL;
	lb_ingest_t *ing = calloc(1, sizeof *ing);
	if (!ing)
		return LB_ENOMEM;
	*out = ing;
	lb_store_opts_t so = { .create = true, .bulk = true };
	int err = lb_store_open(dir, &so, &ing->store);
	if (err)
		return err;
	lb_window_opts_t wo = { 0 };
	if (o)
		wo = *o;
	if (sensor)
		wo.sensor = sensor;
	return lb_window_new(ing->store, &wo, &ing->win);
}

int lb_ingest_open_out(const lb_window_out_t *out, const char *sensor, const lb_window_opts_t *o,
		       lb_ingest_t **res)
{
	*res = NULL;
	lb_ingest_t *ing = calloc(1, sizeof *ing);
	if (!ing)
		return LB_ENOMEM;
	*res = ing;
	lb_window_opts_t wo = { 0 };
	if (o)
		wo = *o;
	if (sensor)
		wo.sensor = sensor;
	return lb_window_new_out(out, &wo, &ing->win);
}

int lb_ingest_add(lb_ingest_t *ing, const lb_store_rec_t *rec)
{
	fq_drain(ing->win);
	wait_job(ing->win); /* the store has one writing thread at a time */
	lb_window_t *w = ing->win;
	int err;
	if ((rec->kind == LB_REC_RRSET || rec->kind == LB_REC_NEG) && !rec->nsources &&
	    !(rec->sensor && *rec->sensor) && w->default_sensor[0]) {
		/* a record that names no source: the ingest's own */
		lb_store_rec_t r = *rec;
		r.sensor = w->default_sensor;
		err = out_add(w, &r, NULL, 0);
	} else {
		err = out_add(w, rec, NULL, 0);
	}
	if (err)
		return err;
	/* what lb_window_tick and a kill -9 count on: aggregated records reach
	 * the store within flush_secs and max_entries as observations do (they
	 * waited for the store's own batch bound, a million operations) */
	if (!w->direct_n++)
		w->direct_wall = (uint64_t)time(NULL);
	if (w->direct_n >= w->o.max_entries)
		return direct_commit(w);
	return 0;
}

lb_obs_sink_t lb_ingest_sink(lb_ingest_t *ing) { return lb_window_sink(ing->win); }
lb_window_t *lb_ingest_window(lb_ingest_t *ing) { return ing->win; }
lb_store_t *lb_ingest_store(lb_ingest_t *ing) { return ing->store; }

const char *lb_ingest_errmsg(const lb_ingest_t *ing, int err)
{
	return lb_store_errmsg(ing ? ing->store : NULL, err);
}

int lb_ingest_finish(lb_ingest_t *ing, int prev, char *msg, size_t n)
{
	int err = prev, described = 0;
	if (ing) {
		int e1 = lb_window_free(ing->win);
		if (!err)
			err = e1;
		/* the store's text of it (with the reason: "No space left on
		 * device") while the store is there to give it */
		if (err && msg && n) {
			snprintf(msg, n, "%s", lb_store_errmsg(ing->store, err));
			described = 1;
		}
		int e2 = lb_store_close(ing->store);
		free(ing);
		if (!err)
			err = e2;
	}
	if (err && !described && msg && n)
		snprintf(msg, n, "%s", lb_strerror(err));
	return err;
}

int lb_ingest_close(lb_ingest_t *ing)
{
	return lb_ingest_finish(ing, 0, NULL, 0);
}
