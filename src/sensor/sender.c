/*
 * sender.c - the sensor side: batches of aggregated records, a bounded spool
 * (files or memory), and a thread that connects to the collector with
 * exponential backoff, sends the spool in order and removes a batch only
 * when the collector acknowledges that it is committed.
 *
 * Spool directory layout: "stream" (the stream id, 16 hex digits) and one
 * file per batch "b-<seq as 16 hex digits>.lbb" holding the BATCH frame
 * exactly as sent; files are written as ".tmp-*" and renamed into place.
 */
#include "sensor/sensor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/mkdirs.h"

#define MAX_INFLIGHT 64
#define RBUF_MAX 4096   /* the collector only sends small frames */
#define ACK_TIMEOUT_MS 30000

struct qent {
	uint64_t seq;
	uint32_t nrec;
	uint32_t len;
	uint8_t *mem;   /* the frame, or NULL when it is in a spool file */
	bool sent;
	struct qent *next;
};

struct lb_sender {
	lb_sender_opts_t o;
	char *dir;
	char key[LB_WIRE_KEY_MAX + 1];
	char sensor[LB_STORE_SENSOR_MAX + 1];
	struct sockaddr_storage sa;
	unsigned salen;
	/* main thread */
	lb_wbuf_t cur;
	uint32_t cur_nrec;
	uint64_t next_seq;
	uint64_t stream;
	/* shared, under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct qent *head, *tail;
	lb_sender_stats_t st;
	bool quit;
	char last_error[256];
	/* thread */
	pthread_t th;
	bool th_started;
	int wake[2];
	int fd;
	uint64_t fl[MAX_INFLIGHT];
	unsigned nfl;
	uint8_t rbuf[RBUF_MAX];
	size_t rlen;
	uint8_t *sbuf;
	size_t scap;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void spool_path(const lb_sender_t *s, uint64_t seq, char *out, size_t n, bool tmp)
{
	snprintf(out, n, "%s/%sb-%016" PRIx64 ".lbb", s->dir, tmp ? ".tmp-" : "", seq);
}

/* Remove e (under mu). */
static void drop_ent(lb_sender_t *s, struct qent *prev, struct qent *e)
{
	if (prev)
		prev->next = e->next;
	else
		s->head = e->next;
	if (s->tail == e)
		s->tail = prev;
	s->st.spool_batches--;
	s->st.spool_bytes -= e->len;
	if (s->dir) {
		char p[4200];
		spool_path(s, e->seq, p, sizeof p, false);
		unlink(p);
	}
	free(e->mem);
	free(e);
}

/*
 * Append e, dropping the oldest batches while the bound is exceeded (under
 * mu).  The oldest not yet sent go first: a batch in flight (sent, its ack
 * awaited) is probably committed already - dropping it would count records
 * as lost that the collector stored, and lose them when its ack does not
 * come.  In-flight batches are dropped only when nothing unsent is left, so
 * the bound holds.
 */
static void enqueue(lb_sender_t *s, struct qent *e)
{
	while (s->head && s->st.spool_bytes + e->len > s->o.spool_max) {
		struct qent *prev = NULL, *v = s->head;
		while (v && v->sent) {
			prev = v;
			v = v->next;
		}
		if (!v) { /* every batch is in flight */
			prev = NULL;
			v = s->head;
		}
		s->st.dropped_batches++;
		s->st.dropped_records += v->nrec;
		drop_ent(s, prev, v);
	}
	e->next = NULL;
	if (s->tail)
		s->tail->next = e;
	else
		s->head = e;
	s->tail = e;
	s->st.spool_batches++;
	s->st.spool_bytes += e->len;
}

static void wake(lb_sender_t *s)
{
	char c = 1;
	ssize_t r = write(s->wake[1], &c, 1);
	(void)r; /* a full pipe already wakes the thread */
}

static int write_file(const char *tmp, const char *path, const uint8_t *p, size_t n)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? -errno : LB_EIO;
			close(fd);
			unlink(tmp);
			return e;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		int e = -errno;
		unlink(tmp);
		return e;
	}
	return 0;
}

static int seal(lb_sender_t *s)
{
	if (!s->cur_nrec)
		return 0;
	uint64_t seq = s->next_seq++;
	lb_wire_batch_end(&s->cur, seq, s->cur_nrec);
	if (s->cur.err)
		return s->cur.err;
	struct qent *e = calloc(1, sizeof *e);
	if (!e)
		return LB_ENOMEM;
	e->seq = seq;
	e->nrec = s->cur_nrec;
	e->len = (uint32_t)s->cur.len;
	if (s->dir) {
		char tmp[4200], path[4200];
		spool_path(s, seq, tmp, sizeof tmp, true);
		spool_path(s, seq, path, sizeof path, false);
		int err = write_file(tmp, path, s->cur.p, s->cur.len);
		if (err) {
			free(e);
			return err;
		}
		s->cur.len = 0;
	} else {
		e->mem = s->cur.p;
		s->cur.p = NULL;
		s->cur.len = s->cur.cap = 0;
	}
	pthread_mutex_lock(&s->mu);
	s->st.batches++;
	s->st.records += e->nrec;
	enqueue(s, e);
	pthread_mutex_unlock(&s->mu);
	s->cur_nrec = 0;
	wake(s);
	return 0;
}

int lb_sender_add(lb_sender_t *s, const lb_store_rec_t *rec)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (!s->cur.len)
			lb_wire_batch_begin(&s->cur);
		if (s->cur.err)
			return s->cur.err;
		int err = lb_wire_put_rec(&s->cur, rec);
		if (err == LB_ELIMIT && s->cur_nrec) {
			err = seal(s);
			if (err)
				return err;
			continue;
		}
		if (err == LB_ELIMIT || err == LB_EINVAL) {
			pthread_mutex_lock(&s->mu);
			s->st.unsendable++;
			pthread_mutex_unlock(&s->mu);
			return 0;
		}
		if (err)
			return err;
		s->cur_nrec++;
		if (s->cur.len >= LB_WIRE_BATCH_TARGET || s->cur_nrec >= LB_WIRE_BATCH_RECS)
			return seal(s);
		return 0;
	}
	return 0;
}

int lb_sender_commit(lb_sender_t *s) { return seal(s); }

static int out_add(void *ctx, const lb_store_rec_t *rec) { return lb_sender_add(ctx, rec); }
static int out_commit(void *ctx) { return lb_sender_commit(ctx); }

lb_window_out_t lb_sender_out(lb_sender_t *s)
{
	lb_window_out_t o = { out_add, out_commit, s };
	return o;
}

/* ---- the sending thread ---- */

static void set_error(lb_sender_t *s, const char *fmt, const char *arg)
{
	pthread_mutex_lock(&s->mu);
	char prev[sizeof s->last_error];
	memcpy(prev, s->last_error, sizeof prev);
	snprintf(s->last_error, sizeof s->last_error, fmt, arg);
	bool changed = strcmp(prev, s->last_error) != 0;
	pthread_mutex_unlock(&s->mu);
	if (changed) /* say each new reason once, not once per retry */
		fprintf(stderr, "lookback: collector %s: %s\n", s->o.addr, s->last_error);
}

static void disconnect(lb_sender_t *s)
{
	if (s->fd < 0)
		return;
	close(s->fd);
	s->fd = -1;
	s->nfl = 0;
	s->rlen = 0;
	pthread_mutex_lock(&s->mu);
	s->st.disconnects++;
	s->st.connected = false;
	for (struct qent *e = s->head; e; e = e->next)
		e->sent = false;
	pthread_mutex_unlock(&s->mu);
}

static int send_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read one frame within timeout_ms into s->rbuf (blocking socket with timeout). */
static int read_frame(lb_sender_t *s, uint8_t *type, const uint8_t **body, size_t *blen)
{
	for (;;) {
		size_t used;
		int r = lb_wire_frame(s->rbuf, s->rlen, RBUF_MAX - 4, type, body, blen, &used);
		if (r < 0)
			return r;
		if (r == 1)
			return (int)used;
		ssize_t n = recv(s->fd, s->rbuf + s->rlen, RBUF_MAX - s->rlen, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return LB_EIO;
		s->rlen += (size_t)n;
	}
}

static void consume(lb_sender_t *s, size_t used)
{
	memmove(s->rbuf, s->rbuf + used, s->rlen - used);
	s->rlen -= used;
}

static void report_error_frame(lb_sender_t *s, const uint8_t *body, size_t blen)
{
	lb_cur_t c;
	lb_cur_init(&c, body, blen);
	(void)lb_cur_u16(&c);
	size_t n = lb_cur_u8(&c);
	char text[256];
	lb_cur_copy(&c, text, n);
	text[lb_cur_err(&c) ? 0 : n] = 0;
	for (size_t i = 0; text[i]; i++)
		if ((unsigned char)text[i] < 32 || (unsigned char)text[i] > 126)
			text[i] = '?';
	set_error(s, "refused: %s", text);
}

/* Connect and shake hands; on success s->fd is set and *hwm is the stream's committed seq. */
static int connect_collector(lb_sender_t *s, uint64_t *hwm)
{
	int fd = socket(s->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	int r = connect(fd, (struct sockaddr *)&s->sa, s->salen);
	if (r != 0 && errno != EINPROGRESS) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (r != 0) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int soerr = 0;
		socklen_t sl = sizeof soerr;
		if (poll(&p, 1, 3000) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 ||
		    soerr) {
			close(fd);
			return soerr ? -soerr : -ETIMEDOUT;
		}
	}
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	struct timeval tv = { .tv_sec = 10 };
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	s->fd = fd;
	s->rlen = 0;
	lb_wire_hello_t h = { .version = LB_WIRE_VERSION, .stream = s->stream };
	snprintf(h.key, sizeof h.key, "%s", s->key);
	snprintf(h.sensor, sizeof h.sensor, "%s", s->sensor);
	lb_wbuf_t b = { 0 };
	lb_wire_put_hello(&b, &h);
	int err = b.err ? b.err : send_all(fd, b.p, b.len) ? -errno : 0;
	lb_wbuf_free(&b);
	uint8_t type = 0;
	const uint8_t *body = NULL;
	size_t blen = 0;
	int used = err ? err : read_frame(s, &type, &body, &blen);
	if (used < 0) {
		err = used;
	} else if (type == LB_WIRE_ERROR) {
		report_error_frame(s, body, blen);
		err = LB_EINVAL;
	} else if (type != LB_WIRE_WELCOME || lb_wire_get_welcome(body, blen, hwm) != 0) {
		set_error(s, "%s", "unexpected handshake reply (not a lookback collector, or another version)");
		err = LB_ERDATA;
	} else {
		consume(s, (size_t)used);
	}
	if (err) {
		close(fd);
		s->fd = -1;
		return err;
	}
	fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	return 0;
}

static bool fl_remove(lb_sender_t *s, uint64_t seq)
{
	for (unsigned i = 0; i < s->nfl; i++)
		if (s->fl[i] == seq) {
			memmove(s->fl + i, s->fl + i + 1, (s->nfl - i - 1) * sizeof *s->fl);
			s->nfl--;
			return true;
		}
	return false;
}

/* Bytes of the first unsent batch into s->sbuf: 1 = got one, 0 = none, < 0 error. */
static int next_unsent(lb_sender_t *s, uint64_t *seq, size_t *len)
{
	pthread_mutex_lock(&s->mu);
	struct qent *e = s->head;
	while (e && e->sent)
		e = e->next;
	if (!e) {
		pthread_mutex_unlock(&s->mu);
		return 0;
	}
	*seq = e->seq;
	*len = e->len;
	if (*len > s->scap) {
		uint8_t *nb = realloc(s->sbuf, *len);
		if (!nb) {
			pthread_mutex_unlock(&s->mu);
			return LB_ENOMEM;
		}
		s->sbuf = nb;
		s->scap = *len;
	}
	int rc = 1;
	if (e->mem) {
		memcpy(s->sbuf, e->mem, *len);
	} else {
		char p[4200];
		spool_path(s, e->seq, p, sizeof p, false);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? pread(fd, s->sbuf, *len, 0) : -1;
		if (fd >= 0)
			close(fd);
		if (n != (ssize_t)*len)
			rc = 2; /* the file vanished or shrank: drop the batch */
	}
	e->sent = true;
	if (rc == 2) {
		struct qent *prev = NULL;
		for (struct qent *q = s->head; q && q != e; q = q->next)
			prev = q;
		s->st.bad_spool_files++;
		drop_ent(s, prev, e);
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

static void handle_ack(lb_sender_t *s, uint64_t seq, uint8_t status)
{
	fl_remove(s, seq);
	pthread_mutex_lock(&s->mu);
	struct qent *prev = NULL, *e = s->head;
	while (e && e->seq != seq) {
		prev = e;
		e = e->next;
	}
	if (e) {
		s->st.acked_batches++;
		s->st.acked_records += e->nrec;
		if (status == LB_ACK_DUPLICATE)
			s->st.duplicate_acks++;
		drop_ent(s, prev, e);
	}
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* Acknowledged-before batches (seq <= hwm) leave the spool. */
static void drop_committed(lb_sender_t *s, uint64_t hwm)
{
	pthread_mutex_lock(&s->mu);
	while (s->head && s->head->seq <= hwm) {
		s->st.acked_batches++;
		s->st.acked_records += s->head->nrec;
		s->st.duplicate_acks++;
		drop_ent(s, NULL, s->head);
	}
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* When to try again after a failure: the backoff (with jitter) from now; the
 * next backoff doubled, up to the ceiling.  Only an acknowledgement resets it:
 * a collector that shakes hands and then refuses or drops every batch is
 * retried as slowly as one that cannot be reached, not every 100 ms. */
static uint64_t retry_later(const lb_sender_t *s, unsigned *backoff)
{
	uint64_t now = now_ms();
	unsigned b = *backoff;
	*backoff = b * 2 > s->o.backoff_max_ms ? s->o.backoff_max_ms : b * 2;
	return now + b + (unsigned)(now % (b / 4 + 1));
}

static void *run(void *arg)
{
	lb_sender_t *s = arg;
	unsigned backoff = 100;
	uint64_t next_try = 0, last_ack = 0;
	for (;;) {
		pthread_mutex_lock(&s->mu);
		bool quit = s->quit, empty = !s->head;
		pthread_mutex_unlock(&s->mu);
		if (quit)
			break;
		uint64_t now = now_ms();
		if (s->fd < 0 && !empty && now >= next_try) {
			uint64_t hwm = 0;
			int err = connect_collector(s, &hwm);
			pthread_mutex_lock(&s->mu);
			if (err) {
				s->st.connect_failures++;
			} else {
				s->st.connects++;
				s->st.connected = true;
				s->last_error[0] = 0;
			}
			pthread_mutex_unlock(&s->mu);
			if (err) {
				if (err != LB_EINVAL && err != LB_ERDATA)
					set_error(s, "%s", lb_strerror(err));
				next_try = retry_later(s, &backoff);
				continue;
			}
			last_ack = now;
			drop_committed(s, hwm);
		}
		/* send ahead up to the in-flight window */
		while (s->fd >= 0 && s->nfl < s->o.inflight) {
			uint64_t seq;
			size_t len;
			int r = next_unsent(s, &seq, &len);
			if (r <= 0)
				break;
			if (r == 2)
				continue;
			int fl = fcntl(s->fd, F_GETFL);
			fcntl(s->fd, F_SETFL, fl & ~O_NONBLOCK);
			int e = send_all(s->fd, s->sbuf, len);
			fcntl(s->fd, F_SETFL, fl | O_NONBLOCK);
			if (e) {
				set_error(s, "send: %s", strerror(errno));
				disconnect(s);
				next_try = retry_later(s, &backoff);
				break;
			}
			if (!s->nfl)
				last_ack = now_ms();
			s->fl[s->nfl++] = seq;
			pthread_mutex_lock(&s->mu);
			s->st.bytes_sent += len;
			pthread_mutex_unlock(&s->mu);
		}
		struct pollfd p[2] = { { .fd = s->wake[0], .events = POLLIN },
				       { .fd = s->fd, .events = POLLIN } };
		int timeout = 200;
		if (s->fd < 0 && next_try > now_ms())
			timeout = (int)(next_try - now_ms()) < 200 ? (int)(next_try - now_ms()) : 200;
		if (poll(p, s->fd >= 0 ? 2 : 1, timeout) < 0 && errno != EINTR)
			usleep(10000);
		if (p[0].revents & POLLIN) {
			char junk[64];
			while (read(s->wake[0], junk, sizeof junk) > 0)
				;
		}
		if (s->fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t n = recv(s->fd, s->rbuf + s->rlen, RBUF_MAX - s->rlen, 0);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				set_error(s, "%s", n == 0 ? "connection closed by the collector"
						      : strerror(errno));
				disconnect(s);
				next_try = retry_later(s, &backoff);
				continue;
			}
			if (n > 0)
				s->rlen += (size_t)n;
			for (;;) {
				uint8_t type;
				const uint8_t *body;
				size_t blen, used;
				int r = lb_wire_frame(s->rbuf, s->rlen, RBUF_MAX - 4, &type, &body, &blen, &used);
				if (r == 0)
					break;
				uint64_t seq = 0;
				uint8_t st = 0;
				if (r < 0 || type != LB_WIRE_ACK || lb_wire_get_ack(body, blen, &seq, &st) != 0) {
					if (r > 0 && type == LB_WIRE_ERROR)
						report_error_frame(s, body, blen);
					else
						set_error(s, "%s", "bad frame from the collector");
					disconnect(s);
					next_try = retry_later(s, &backoff);
					break;
				}
				consume(s, used);
				last_ack = now_ms();
				if (st == LB_ACK_RETRY) {
					set_error(s, "%s", "collector cannot store now; retrying");
					disconnect(s);
					next_try = retry_later(s, &backoff);
					break;
				}
				handle_ack(s, seq, st);
				backoff = 100; /* the collector takes batches again */
			}
		}
		if (s->fd >= 0 && s->nfl && now_ms() - last_ack > ACK_TIMEOUT_MS) {
			set_error(s, "%s", "no acknowledgement for 30 s; reconnecting");
			disconnect(s);
			next_try = retry_later(s, &backoff);
		}
	}
	disconnect(s);
	return NULL;
}

/* ---- spool directory ---- */

static int cmp_seq(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* A spool file is ours if it frames as one BATCH of its own seq whose every
 * record decodes as the collector will decode it: a damaged one would be
 * refused (ERROR) at every try, and the batches behind it never sent. */
static int check_file(lb_sender_t *s, uint64_t seq, uint32_t *len, uint32_t *nrec)
{
	char p[4200];
	spool_path(s, seq, p, sizeof p, false);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat sb;
	uint8_t *buf = NULL;
	lb_wire_reader_t *rd = NULL;
	int ok = fstat(fd, &sb) == 0 && sb.st_size >= LB_WIRE_BATCH_HDR &&
		 sb.st_size <= (off_t)LB_WIRE_FRAME_MAX + 4 && (buf = malloc((size_t)sb.st_size)) &&
		 (rd = malloc(sizeof *rd)) &&
		 pread(fd, buf, (size_t)sb.st_size, 0) == (ssize_t)sb.st_size;
	close(fd);
	uint8_t type = 0;
	const uint8_t *body = NULL;
	size_t blen = 0, used = 0;
	if (ok)
		ok = lb_wire_frame(buf, (size_t)sb.st_size, LB_WIRE_FRAME_MAX, &type, &body, &blen,
				   &used) == 1 &&
		     type == LB_WIRE_BATCH && used == (size_t)sb.st_size;
	if (ok) {
		lb_store_rec_t rec;
		int r = lb_wire_batch_open(rd, body, blen);
		while (r == 0 && (r = lb_wire_batch_next(rd, &rec)) == 1)
			r = 0;
		ok = r == 0 && rd->seq == seq;
		*nrec = rd->nrec;
		*len = (uint32_t)sb.st_size;
	}
	free(rd);
	free(buf);
	return ok ? 0 : -1;
}

static uint64_t new_stream(void)
{
	uint64_t v = 0;
	while (!v) {
		if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
			v = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid() ^ now_ms();
	}
	return v;
}

static int open_spool(lb_sender_t *s, char *errbuf)
{
	if (lb_mkdirs(s->dir, 0700) != 0) {
		snprintf(errbuf, 256, "spool %s: %s", s->dir, strerror(errno));
		return -errno;
	}
	DIR *d = opendir(s->dir);
	if (!d) {
		snprintf(errbuf, 256, "spool %s: %s", s->dir, strerror(errno));
		return -errno;
	}
	uint64_t *seqs = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int err = 0;
	while ((de = readdir(d))) {
		unsigned long long v;
		char tail;
		if (!strncmp(de->d_name, ".tmp-", 5)) {
			char p[4200];
			snprintf(p, sizeof p, "%s/%s", s->dir, de->d_name);
			unlink(p); /* a batch whose writing was interrupted */
			continue;
		}
		if (strlen(de->d_name) != 22 || sscanf(de->d_name, "b-%16llx.lb%c", &v, &tail) != 2 ||
		    tail != 'b' || !v)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			uint64_t *ns = realloc(seqs, cap * sizeof *ns);
			if (!ns) {
				err = LB_ENOMEM;
				break;
			}
			seqs = ns;
		}
		seqs[n++] = v;
	}
	closedir(d);
	if (n)
		qsort(seqs, n, sizeof *seqs, cmp_seq);
	for (size_t i = 0; i < n && !err; i++) {
		uint32_t len, nrec;
		if (check_file(s, seqs[i], &len, &nrec) != 0) {
			char p[4200];
			spool_path(s, seqs[i], p, sizeof p, false);
			unlink(p);
			s->st.bad_spool_files++;
			continue;
		}
		struct qent *e = calloc(1, sizeof *e);
		if (!e) {
			err = LB_ENOMEM;
			break;
		}
		e->seq = seqs[i];
		e->nrec = nrec;
		e->len = len;
		enqueue(s, e);
		s->st.recovered_batches++;
		s->next_seq = seqs[i] + 1;
	}
	free(seqs);
	if (err)
		return err;
	char sp[4200];
	snprintf(sp, sizeof sp, "%s/stream", s->dir);
	if (s->head) {
		/* continue the stream the batches belong to */
		FILE *f = fopen(sp, "r");
		unsigned long long v = 0;
		if (f && fscanf(f, "%16llx", &v) == 1 && v)
			s->stream = v;
		if (f)
			fclose(f);
	}
	if (!s->stream) {
		char tmp[4200], txt[32];
		s->stream = new_stream();
		snprintf(tmp, sizeof tmp, "%s/.stream.tmp", s->dir);
		int n2 = snprintf(txt, sizeof txt, "%016" PRIx64 "\n", s->stream);
		err = write_file(tmp, sp, (const uint8_t *)txt, (size_t)n2);
		if (err) {
			snprintf(errbuf, 256, "spool %s: %s", s->dir, lb_strerror(err));
			return err;
		}
	}
	if (!s->next_seq)
		s->next_seq = 1;
	return 0;
}

int lb_sender_open(const lb_sender_opts_t *o, lb_sender_t **out, char *errbuf)
{
	*out = NULL;
	errbuf[0] = 0;
	lb_sender_t *s = calloc(1, sizeof *s);
	if (!s)
		return LB_ENOMEM;
	s->o = *o;
	s->fd = -1;
	s->wake[0] = s->wake[1] = -1;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (!s->o.spool_max)
		s->o.spool_max = LB_SPOOL_MAX_DEFAULT;
	if (!s->o.inflight)
		s->o.inflight = 8;
	if (s->o.inflight > MAX_INFLIGHT)
		s->o.inflight = MAX_INFLIGHT;
	if (!s->o.backoff_max_ms)
		s->o.backoff_max_ms = 10000;
	if (s->o.backoff_max_ms < 100)
		s->o.backoff_max_ms = 100;
	s->cur.max = LB_WIRE_FRAME_MAX + 4;
	int err = 0;
	if (lb_wire_parse_addr(o->addr, &s->sa, &s->salen) != 0) {
		snprintf(errbuf, 256, "bad collector address '%s' (want HOST:PORT with a numeric address)",
			 o->addr ? o->addr : "");
		err = LB_EINVAL;
		goto fail;
	}
	if (o->key && strlen(o->key) > LB_WIRE_KEY_MAX) {
		snprintf(errbuf, 256, "key longer than %d bytes", LB_WIRE_KEY_MAX);
		err = LB_EINVAL;
		goto fail;
	}
	snprintf(s->key, sizeof s->key, "%s", o->key ? o->key : "");
	snprintf(s->sensor, sizeof s->sensor, "%s", o->sensor ? o->sensor : "");
	if (o->spool_dir) {
		s->dir = strdup(o->spool_dir);
		if (!s->dir) {
			err = LB_ENOMEM;
			goto fail;
		}
		err = open_spool(s, errbuf);
		if (err)
			goto fail;
	} else {
		s->stream = new_stream();
		s->next_seq = 1;
	}
	if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		err = -errno;
		snprintf(errbuf, 256, "pipe: %s", strerror(errno));
		goto fail;
	}
	if (pthread_create(&s->th, NULL, run, s) != 0) {
		err = LB_ENOMEM;
		snprintf(errbuf, 256, "cannot start the sending thread");
		goto fail;
	}
	s->th_started = true;
	*out = s;
	return 0;
fail:
	if (!errbuf[0])
		snprintf(errbuf, 256, "%s", lb_strerror(err));
	lb_sender_close(s, 0, NULL, NULL);
	return err;
}

void lb_sender_get_stats(lb_sender_t *s, lb_sender_stats_t *st)
{
	pthread_mutex_lock(&s->mu);
	*st = s->st;
	pthread_mutex_unlock(&s->mu);
}

int lb_sender_close(lb_sender_t *s, unsigned wait_secs, volatile sig_atomic_t *stop,
		    lb_sender_stats_t *st)
{
	if (!s)
		return 0;
	int err = 0;
	if (s->th_started) {
		err = seal(s);
		uint64_t t0 = now_ms(), stopped_at = 0;
		pthread_mutex_lock(&s->mu);
		while (s->head) {
			uint64_t now = now_ms();
			if (wait_secs && now - t0 >= (uint64_t)wait_secs * 1000)
				break;
			if (stop && *stop && !stopped_at)
				stopped_at = now;
			if (stopped_at && now - stopped_at >= 2000)
				break;
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 100000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&s->cv, &s->mu, &ts);
		}
		s->quit = true;
		pthread_mutex_unlock(&s->mu);
		wake(s);
		pthread_join(s->th, NULL);
	}
	if (s->head && !err)
		err = LB_EIO;
	if (st)
		*st = s->st;
	while (s->head) {
		struct qent *e = s->head;
		s->head = e->next;
		free(e->mem);
		free(e);
	}
	if (s->wake[0] >= 0)
		close(s->wake[0]);
	if (s->wake[1] >= 0)
		close(s->wake[1]);
	lb_wbuf_free(&s->cur);
	free(s->sbuf);
	free(s->dir);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
	return err;
}

void lb_sender_stats_print(const lb_sender_stats_t *st, FILE *out)
{
	fprintf(out,
		"send_records %" PRIu64 "\nsend_batches %" PRIu64 "\nsend_acked_batches %" PRIu64
		"\nsend_acked_records %" PRIu64 "\nsend_duplicate_acks %" PRIu64
		"\nsend_dropped_batches %" PRIu64 "\nsend_dropped_records %" PRIu64
		"\nsend_unsendable %" PRIu64 "\nsend_connects %" PRIu64 "\nsend_connect_failures %" PRIu64
		"\nsend_disconnects %" PRIu64 "\nsend_bytes %" PRIu64 "\nspool_batches %" PRIu64
		"\nspool_bytes %" PRIu64 "\nspool_recovered_batches %" PRIu64 "\nspool_bad_files %" PRIu64
		"\n",
		st->records, st->batches, st->acked_batches, st->acked_records, st->duplicate_acks,
		st->dropped_batches, st->dropped_records, st->unsendable, st->connects,
		st->connect_failures, st->disconnects, st->bytes_sent, st->spool_batches,
		st->spool_bytes, st->recovered_batches, st->bad_spool_files);
}
