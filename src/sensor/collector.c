/*
 * collector.c - `lookback serve --ingest`: one thread, one poll loop, the
 * store's only writer.  Each BATCH is checked whole, then written with the
 * stream's delivery bookmark in one commit, then acknowledged.
 *
 * Memory bound: a client's read buffer holds at most one frame
 * (LB_WIRE_FRAME_MAX + 4 bytes; 1 KiB before its hello), its write buffer at
 * most 64 KiB of acks; at most max_clients clients.
 *
 * Time bound: a client's hello must come within hello_secs of its connect,
 * and a frame whole within idle_secs of its first byte; else it is dropped
 * (refused "slow").  Idleness alone was the bound: one byte every few
 * minutes held a slot for good, and max_clients such clients (before any
 * hello, so no key needed) locked every sensor out.
 */
#include "sensor/sensor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h" /* the API key file */
#include "util/json.h"

#define HELLO_MAX 1024
#define OUT_MAX 65536
#define NSTREAMS 1024
#define NSENSORS 256

struct client {
	int fd;
	uint8_t *buf;
	size_t len, cap;
	lb_wbuf_t out;
	bool hello;
	uint64_t stream;
	char sensor[LB_STORE_SENSOR_MAX + 1];
	uint64_t last_active;
	uint64_t since;       /* connected (now_s) */
	uint64_t frame_since; /* the first byte of the frame in buf came (len > 0) */
};

struct stream {
	uint64_t id, hwm, used;
};

struct sensor_fresh {
	char name[LB_STORE_SENSOR_MAX + 1];
	uint64_t last_batch, batches, records;
};

enum { B_COMMITTED, B_DUPLICATE, B_RETRY, B__N };
enum { R_AUTH, R_VERSION, R_BUSY, R_SLOW, R__N };

struct lb_collector {
	lb_store_t *store;
	lb_collector_opts_t o;
	int lfd;
	unsigned port;
	bool loopback;
	pthread_t th;
	bool th_started;
	atomic_bool quit;
	int wake[2];
	char *keys_file;
	pthread_mutex_t keys_lock;
	lb_keyset_t keys;
	bool have_keys;
	struct client *cl;
	unsigned ncl;
	struct stream streams[NSTREAMS];
	unsigned nstreams;
	uint64_t tick;
	lb_wire_reader_t rd;
	/* metrics */
	atomic_ullong conns_total, batches[B__N], records, bytes_in, bad_frames, refused[R__N];
	atomic_uint conns_now;
	atomic_ullong rate_x100;   /* records per second over the last 10 s, x100 */
	uint64_t rate_t0, rate_n0;
	pthread_mutex_t fresh_lock;
	struct sensor_fresh fresh[NSENSORS];
	unsigned nfresh;
};

static uint64_t now_s(void) { return (uint64_t)time(NULL); }

static bool is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	if (ss->ss_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
		return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}

/* ---- delivery bookmarks ---- */

static void bookmark_name(uint64_t stream, char *out, size_t n)
{
	snprintf(out, n, LB_INGEST_BOOKMARK_PREFIX "%016" PRIx64, stream);
}

/* The stream's committed seq: from the table, else from the store. */
static struct stream *stream_get(lb_collector_t *c, uint64_t id)
{
	c->tick++;
	for (unsigned i = 0; i < c->nstreams; i++)
		if (c->streams[i].id == id) {
			c->streams[i].used = c->tick;
			return &c->streams[i];
		}
	struct stream *s;
	if (c->nstreams < NSTREAMS) {
		s = &c->streams[c->nstreams++];
	} else {
		s = &c->streams[0]; /* evict the least recently used; its bookmark is in the store */
		for (unsigned i = 1; i < NSTREAMS; i++)
			if (c->streams[i].used < s->used)
				s = &c->streams[i];
	}
	s->id = id;
	s->hwm = 0;
	s->used = c->tick;
	char name[LB_STORE_SENSOR_MAX + 1];
	bookmark_name(id, name, sizeof name);
	lb_store_scan_t q = { .kind = LB_SCAN_SENSORS };
	lb_store_iter_t *it = NULL;
	if (lb_store_iter_new(c->store, &q, &it) == 0) {
		lb_store_rec_t r;
		while (lb_store_iter_next(it, &r) > 0)
			if (r.sensor && !strcmp(r.sensor, name)) {
				s->hwm = r.val.zone_last;
				break;
			}
		lb_store_iter_free(it);
	}
	return s;
}

static void fresh_note(lb_collector_t *c, const char *sensor, uint64_t nrec)
{
	const char *name = *sensor ? sensor : "(unnamed)";
	pthread_mutex_lock(&c->fresh_lock);
	struct sensor_fresh *f = NULL;
	for (unsigned i = 0; i < c->nfresh; i++)
		if (!strcmp(c->fresh[i].name, name))
			f = &c->fresh[i];
	if (!f && c->nfresh < NSENSORS) {
		f = &c->fresh[c->nfresh++];
		snprintf(f->name, sizeof f->name, "%s", name);
	}
	if (f) {
		f->last_batch = now_s();
		f->batches++;
		f->records += nrec;
	}
	pthread_mutex_unlock(&c->fresh_lock);
}

/* ---- clients ---- */

static void client_close(lb_collector_t *c, unsigned i)
{
	struct client *k = &c->cl[i];
	close(k->fd);
	free(k->buf);
	lb_wbuf_free(&k->out);
	c->cl[i] = c->cl[--c->ncl];
	atomic_fetch_sub(&c->conns_now, 1);
}

/* Try to write what is pending; -1 = the client is gone or hopelessly behind. */
static int client_flush(struct client *k)
{
	while (k->out.len) {
		ssize_t w = send(k->fd, k->out.p, k->out.len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return k->out.len > OUT_MAX ? -1 : 0;
		if (w <= 0)
			return -1;
		memmove(k->out.p, k->out.p + w, k->out.len - (size_t)w);
		k->out.len -= (size_t)w;
	}
	return 0;
}

/* Say why and hang up (best effort). */
static void refuse(struct client *k, uint16_t code, const char *text)
{
	lb_wire_put_error(&k->out, code, text);
	(void)client_flush(k);
}

static int on_hello(lb_collector_t *c, struct client *k, const uint8_t *body, size_t blen)
{
	lb_wire_hello_t h;
	int err = lb_wire_get_hello(body, blen, &h);
	if (err == LB_EVERSION) {
		atomic_fetch_add(&c->refused[R_VERSION], 1);
		refuse(k, LB_WERR_VERSION, "protocol version not supported (collector speaks 1)");
		return -1;
	}
	if (err) {
		atomic_fetch_add(&c->bad_frames, 1);
		refuse(k, LB_WERR_FRAME, "malformed hello");
		return -1;
	}
	if (c->have_keys || !c->loopback) {
		pthread_mutex_lock(&c->keys_lock);
		lb_key_t *key = h.key[0] ? lb_keys_find(&c->keys, h.key) : NULL;
		bool ok = key && (!key->expires || now_s() <= key->expires);
		pthread_mutex_unlock(&c->keys_lock);
		if (!ok) {
			atomic_fetch_add(&c->refused[R_AUTH], 1);
			refuse(k, LB_WERR_AUTH, "API key missing, unknown or expired");
			return -1;
		}
	}
	k->hello = true;
	k->stream = h.stream;
	snprintf(k->sensor, sizeof k->sensor, "%s", h.sensor);
	struct stream *s = stream_get(c, h.stream);
	lb_wire_put_welcome(&k->out, s->hwm);
	return 0;
}

/* A SENSOR record under the bookmarks' name: the collector's own, never a
 * sensor's (merged by max, it would move another stream's bookmark past
 * batches not yet delivered, which would then be taken as duplicates). */
static bool is_bookmark(const lb_store_rec_t *rec)
{
	return rec->kind == LB_REC_SENSOR && rec->sensor &&
	       !strncmp(rec->sensor, LB_INGEST_BOOKMARK_PREFIX, sizeof LB_INGEST_BOOKMARK_PREFIX - 1);
}

static int on_batch(lb_collector_t *c, struct client *k, const uint8_t *body, size_t blen)
{
	lb_wire_reader_t *rd = &c->rd;
	lb_store_rec_t rec;
	int r = lb_wire_batch_open(rd, body, blen);
	while (r == 0 && (r = lb_wire_batch_next(rd, &rec)) == 1)
		r = is_bookmark(&rec) ? LB_ERDATA : 0;
	if (r < 0) {
		atomic_fetch_add(&c->bad_frames, 1);
		refuse(k, LB_WERR_FRAME, "malformed batch");
		return -1;
	}
	uint64_t seq = rd->seq;
	uint32_t nrec = rd->nrec;
	struct stream *s = stream_get(c, k->stream);
	if (seq <= s->hwm) {
		atomic_fetch_add(&c->batches[B_DUPLICATE], 1);
		lb_wire_put_ack(&k->out, seq, LB_ACK_DUPLICATE);
		return 0;
	}
	int err = lb_wire_batch_open(rd, body, blen);
	while (!err && (r = lb_wire_batch_next(rd, &rec)) == 1)
		err = lb_store_add(c->store, &rec);
	if (!err) {
		char name[LB_STORE_SENSOR_MAX + 1];
		bookmark_name(k->stream, name, sizeof name);
		lb_store_rec_t b;
		memset(&b, 0, sizeof b);
		b.kind = LB_REC_SENSOR;
		b.sensor = name;
		/* the seq rides in the zone fields (merged by max); no times, so
		 * the bookmark never moves the store's oldest/newest data */
		b.val.zone_first = b.val.zone_last = seq;
		b.val.count = 1;
		err = lb_store_add(c->store, &b);
	}
	if (err)
		lb_store_discard(c->store); /* the records before the failed one: not without the rest */
	else
		err = lb_store_commit(c->store);
	if (err) {
		atomic_fetch_add(&c->batches[B_RETRY], 1);
		fprintf(stderr, "lookback serve: ingest: store: %s\n", lb_store_errmsg(c->store, err));
		lb_wire_put_ack(&k->out, seq, LB_ACK_RETRY);
		/* and hang up: a later batch of this connection, committed, would
		 * move the bookmark past this one, which the sensor sends again
		 * after its backoff - it would be taken as a duplicate, and lost */
		(void)client_flush(k);
		return -1;
	}
	s->hwm = seq;
	atomic_fetch_add(&c->batches[B_COMMITTED], 1);
	atomic_fetch_add(&c->records, nrec);
	fresh_note(c, k->sensor, nrec);
	lb_wire_put_ack(&k->out, seq, LB_ACK_COMMITTED);
	return 0;
}

/* Handle every complete frame in the buffer; -1 = close the client. */
static int client_frames(lb_collector_t *c, struct client *k)
{
	size_t off = 0;
	int rc = 0;
	while (!rc) {
		uint8_t type;
		const uint8_t *body;
		size_t blen, used;
		size_t max = k->hello ? LB_WIRE_FRAME_MAX : HELLO_MAX;
		int r = lb_wire_frame(k->buf + off, k->len - off, max, &type, &body, &blen, &used);
		if (r == 0)
			break;
		if (r < 0) {
			atomic_fetch_add(&c->bad_frames, 1);
			refuse(k, LB_WERR_FRAME, "frame length over the limit");
			return -1;
		}
		if (!k->hello && type == LB_WIRE_HELLO)
			rc = on_hello(c, k, body, blen);
		else if (k->hello && type == LB_WIRE_BATCH)
			rc = on_batch(c, k, body, blen);
		else {
			atomic_fetch_add(&c->bad_frames, 1);
			refuse(k, LB_WERR_FRAME, k->hello ? "unexpected frame type" : "hello expected");
			rc = -1;
		}
		off += used;
	}
	if (off) {
		memmove(k->buf, k->buf + off, k->len - off);
		k->len -= off;
		k->frame_since = k->last_active; /* the next frame began in this read */
	}
	if (!rc && client_flush(k) != 0)
		rc = -1;
	return rc;
}

static int client_read(lb_collector_t *c, struct client *k)
{
	size_t limit = (k->hello ? LB_WIRE_FRAME_MAX : HELLO_MAX) + 4;
	if (k->len == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 65536;
		if (cap > limit)
			cap = limit;
		if (cap <= k->len)
			return -1; /* cannot happen: a full frame is handled before the buffer fills */
		uint8_t *nb = realloc(k->buf, cap);
		if (!nb)
			return -1;
		k->buf = nb;
		k->cap = cap;
	}
	ssize_t n = recv(k->fd, k->buf + k->len, k->cap - k->len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0)
		return -1;
	atomic_fetch_add(&c->bytes_in, (unsigned long long)n);
	k->last_active = now_s();
	if (k->len == 0)
		k->frame_since = k->last_active;
	k->len += (size_t)n;
	return client_frames(c, k);
}

static void accept_one(lb_collector_t *c)
{
	int fd = accept4(c->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	atomic_fetch_add(&c->conns_total, 1);
	if (c->ncl >= c->o.max_clients) {
		struct client tmp = { .fd = fd };
		atomic_fetch_add(&c->refused[R_BUSY], 1);
		refuse(&tmp, LB_WERR_BUSY, "too many sensors connected");
		lb_wbuf_free(&tmp.out);
		close(fd);
		return;
	}
	struct client *k = &c->cl[c->ncl++];
	memset(k, 0, sizeof *k);
	k->fd = fd;
	k->out.max = OUT_MAX * 2;
	k->last_active = k->since = now_s();
	atomic_fetch_add(&c->conns_now, 1);
}

static void update_rate(lb_collector_t *c)
{
	uint64_t now = now_s();
	if (!c->rate_t0) {
		c->rate_t0 = now;
		c->rate_n0 = atomic_load(&c->records);
	} else if (now >= c->rate_t0 + 10) {
		uint64_t n = atomic_load(&c->records);
		atomic_store(&c->rate_x100, (n - c->rate_n0) * 100 / (now - c->rate_t0));
		c->rate_t0 = now;
		c->rate_n0 = n;
	}
}

static void *run(void *arg)
{
	lb_collector_t *c = arg;
	struct pollfd *p = calloc(c->o.max_clients + 2, sizeof *p);
	if (!p)
		return NULL;
	while (!atomic_load(&c->quit)) {
		p[0] = (struct pollfd){ .fd = c->wake[0], .events = POLLIN };
		p[1] = (struct pollfd){ .fd = c->lfd, .events = POLLIN };
		unsigned n = c->ncl;
		for (unsigned i = 0; i < n; i++)
			p[2 + i] = (struct pollfd){ .fd = c->cl[i].fd,
						    .events = POLLIN | (c->cl[i].out.len ? POLLOUT : 0) };
		int r = poll(p, 2 + n, 1000);
		update_rate(c);
		if (r < 0) {
			if (errno != EINTR)
				usleep(10000);
			continue;
		}
		if (atomic_load(&c->quit))
			break;
		uint64_t now = now_s();
		/* clients first, from the end, so closing (swap with last) keeps indexes valid */
		for (unsigned i = n; i-- > 0;) {
			struct client *k = &c->cl[i];
			short re = p[2 + i].revents;
			int bad = 0;
			if (re & POLLOUT)
				bad = client_flush(k);
			if (!bad && (re & (POLLIN | POLLHUP | POLLERR)))
				bad = client_read(c, k);
			if (!bad && now > k->last_active + c->o.idle_secs)
				bad = -1;
			if (!bad && ((!k->hello && now >= k->since + c->o.hello_secs) ||
				     (k->len && now >= k->frame_since + c->o.idle_secs))) {
				atomic_fetch_add(&c->refused[R_SLOW], 1);
				bad = -1;
			}
			if (bad)
				client_close(c, i);
		}
		if (p[1].revents & POLLIN)
			accept_one(c);
		if (p[0].revents & POLLIN) {
			char junk[64];
			while (read(c->wake[0], junk, sizeof junk) > 0)
				;
		}
	}
	while (c->ncl)
		client_close(c, c->ncl - 1);
	free(p);
	return NULL;
}

/* ---- lifecycle ---- */

static char keymsg[512];

int lb_collector_start(lb_store_t *store, const lb_collector_opts_t *o, lb_collector_t **out,
		       const char **msg)
{
	*out = NULL;
	*msg = "";
	struct sockaddr_storage ss;
	unsigned sl;
	if (lb_wire_parse_addr(o->listen, &ss, &sl) != 0) {
		*msg = "bad ingest address (want HOST:PORT or [V6]:PORT with a numeric address)";
		return LB_EINVAL;
	}
	if (!o->keys_file && !is_loopback(&ss)) {
		*msg = "refusing to accept sensors without API keys (--keys FILE) on a non-loopback address";
		return LB_EINVAL;
	}
	lb_collector_t *c = calloc(1, sizeof *c);
	if (!c)
		return LB_ENOMEM;
	c->store = store;
	c->o = *o;
	c->lfd = c->wake[0] = c->wake[1] = -1;
	c->loopback = is_loopback(&ss);
	if (!c->o.max_clients)
		c->o.max_clients = 64;
	if (!c->o.idle_secs)
		c->o.idle_secs = 300;
	if (!c->o.hello_secs)
		c->o.hello_secs = 10;
	pthread_mutex_init(&c->keys_lock, NULL);
	pthread_mutex_init(&c->fresh_lock, NULL);
	int err = 0;
	c->cl = calloc(c->o.max_clients, sizeof *c->cl);
	if (!c->cl) {
		err = LB_ENOMEM;
		goto fail;
	}
	if (o->keys_file) {
		c->keys_file = strdup(o->keys_file);
		err = c->keys_file ? lb_keys_load(c->keys_file, &c->keys, keymsg, sizeof keymsg) : LB_ENOMEM;
		if (err) {
			*msg = keymsg;
			goto fail;
		}
		c->have_keys = true;
	}
	c->lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1;
	if (c->lfd < 0 || setsockopt(c->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(c->lfd, (struct sockaddr *)&ss, sl) != 0 || listen(c->lfd, 128) != 0) {
		*msg = "cannot listen on the ingest address (in use, or not a local address?)";
		err = LB_EIO;
		goto fail;
	}
	struct sockaddr_storage bound;
	socklen_t bl = sizeof bound;
	if (getsockname(c->lfd, (struct sockaddr *)&bound, &bl) == 0)
		c->port = ntohs(bound.ss_family == AF_INET ? ((struct sockaddr_in *)&bound)->sin_port
							   : ((struct sockaddr_in6 *)&bound)->sin6_port);
	if (pipe2(c->wake, O_CLOEXEC | O_NONBLOCK) != 0 || pthread_create(&c->th, NULL, run, c) != 0) {
		*msg = "cannot start the ingest thread";
		err = LB_ENOMEM;
		goto fail;
	}
	c->th_started = true;
	*out = c;
	return 0;
fail:
	lb_collector_stop(c);
	return err;
}

unsigned lb_collector_port(const lb_collector_t *c) { return c->port; }

int lb_collector_reload_keys(lb_collector_t *c, const char **msg)
{
	*msg = "";
	if (!c->keys_file)
		return 0;
	lb_keyset_t nk;
	int err = lb_keys_load(c->keys_file, &nk, keymsg, sizeof keymsg);
	if (err) {
		*msg = keymsg;
		return err;
	}
	pthread_mutex_lock(&c->keys_lock);
	lb_keyset_t old = c->keys;
	c->keys = nk;
	pthread_mutex_unlock(&c->keys_lock);
	lb_keys_free(&old);
	return 0;
}

void lb_collector_stop(lb_collector_t *c)
{
	if (!c)
		return;
	if (c->th_started) {
		atomic_store(&c->quit, true);
		char b = 1;
		ssize_t w = write(c->wake[1], &b, 1);
		(void)w;
		pthread_join(c->th, NULL);
	}
	if (c->lfd >= 0)
		close(c->lfd);
	if (c->wake[0] >= 0)
		close(c->wake[0]);
	if (c->wake[1] >= 0)
		close(c->wake[1]);
	free(c->cl);
	lb_keys_free(&c->keys);
	free(c->keys_file);
	pthread_mutex_destroy(&c->keys_lock);
	pthread_mutex_destroy(&c->fresh_lock);
	free(c);
}

void lb_collector_metrics(void *ctx, FILE *f)
{
	lb_collector_t *c = ctx;
	static const char *bres[B__N] = { "committed", "duplicate", "retry" };
	static const char *rres[R__N] = { "auth", "version", "busy", "slow" };
	fputs("# HELP lookback_ingest_batches_total Sensor batches by outcome (duplicate: already"
	      " committed, acknowledged again; retry: store error).\n"
	      "# TYPE lookback_ingest_batches_total counter\n", f);
	for (int i = 0; i < B__N; i++)
		fprintf(f, "lookback_ingest_batches_total{result=\"%s\"} %llu\n", bres[i],
			(unsigned long long)atomic_load(&c->batches[i]));
	fprintf(f, "# TYPE lookback_ingest_records_total counter\nlookback_ingest_records_total %llu\n",
		(unsigned long long)atomic_load(&c->records));
	fprintf(f, "# HELP lookback_ingest_records_per_second Records committed per second over the"
		   " last 10 s.\n# TYPE lookback_ingest_records_per_second gauge\n"
		   "lookback_ingest_records_per_second %.2f\n",
		(double)atomic_load(&c->rate_x100) / 100);
	fprintf(f, "# TYPE lookback_ingest_bytes_total counter\nlookback_ingest_bytes_total %llu\n",
		(unsigned long long)atomic_load(&c->bytes_in));
	fprintf(f, "# HELP lookback_ingest_bad_frames_total Malformed or oversized frames (the sensor"
		   " was disconnected).\n# TYPE lookback_ingest_bad_frames_total counter\n"
		   "lookback_ingest_bad_frames_total %llu\n",
		(unsigned long long)atomic_load(&c->bad_frames));
	fputs("# TYPE lookback_ingest_refused_total counter\n", f);
	for (int i = 0; i < R__N; i++)
		fprintf(f, "lookback_ingest_refused_total{reason=\"%s\"} %llu\n", rres[i],
			(unsigned long long)atomic_load(&c->refused[i]));
	fprintf(f, "# TYPE lookback_ingest_connections gauge\nlookback_ingest_connections %u\n",
		atomic_load(&c->conns_now));
	fprintf(f, "# TYPE lookback_ingest_connections_total counter\n"
		   "lookback_ingest_connections_total %llu\n",
		(unsigned long long)atomic_load(&c->conns_total));
	fputs("# HELP lookback_ingest_sensor_last_batch_seconds Unix time of the last batch committed"
	      " per sensor (name from its hello).\n"
	      "# TYPE lookback_ingest_sensor_last_batch_seconds gauge\n", f);
	/* every sample of a metric in one group after its TYPE line (text
	 * format 0.0.4): one pass per metric */
	pthread_mutex_lock(&c->fresh_lock);
	for (unsigned i = 0; i < c->nfresh; i++) {
		fputs("lookback_ingest_sensor_last_batch_seconds{sensor=", f);
		lb_prom_put_label(f, c->fresh[i].name);
		fprintf(f, "} %llu\n", (unsigned long long)c->fresh[i].last_batch);
	}
	fputs("# HELP lookback_ingest_sensor_records_total Records committed per sensor (name from"
	      " its hello).\n# TYPE lookback_ingest_sensor_records_total counter\n", f);
	for (unsigned i = 0; i < c->nfresh; i++) {
		fputs("lookback_ingest_sensor_records_total{sensor=", f);
		lb_prom_put_label(f, c->fresh[i].name);
		fprintf(f, "} %llu\n", (unsigned long long)c->fresh[i].records);
	}
	pthread_mutex_unlock(&c->fresh_lock);
}
