/*
 * pcap.c - libpcap driver: files (pcap and pcapng, "-" = stdin) and live
 * interfaces, frames handed to lb_decoder_frame().
 */
#include "capture/pcap.h"

#include <fcntl.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <errno.h>
#include <unistd.h>

#include "util/fdwait.h"

/*
 * Classic pcap files are read by our own reader: 128 KiB read()s into one
 * reused buffer, records decoded in place (no copy per packet: measured about
 * 15% of decode time went to libpcap's fread per record).  A file mapping
 * measured no faster here (its page faults cost what the read's copy does)
 * and needed madvise to keep resident memory bounded.  libpcap still opens
 * and validates the file (link type, precision); pcapng, stdin and live
 * captures go through libpcap's reader.
 */
struct lb_pcap {
	pcap_t *h;
	bool live;
	/* classic pcap read by run_classic(): fd >= 0 */
	int fd;
	bool swapped, nsec;
	struct bpf_program prog;
	bool has_prog;
	void (*idle)(void *ctx);
	void *idle_ctx;
	volatile sig_atomic_t *stop; /* lb_pcap_run's, for pipe_read */
};

#define PCAP_MAX_CAPLEN (256 * 1024) /* libpcap's own bound on a record */
/* read size: a few hundred KiB stay in a core's L2 cache; any record
 * (16-byte header + PCAP_MAX_CAPLEN) fits after the unread tail is moved down */
#define RD_CHUNK ((size_t)128 * 1024)
#define RD_BUF (RD_CHUNK + PCAP_MAX_CAPLEN + 16)

static void open_classic(lb_pcap_t *p, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	struct stat st;
	uint8_t b[24];
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || pread(fd, b, sizeof b, 0) != 24) {
		close(fd);
		return;
	}
	uint32_t magic = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
			 (uint32_t)b[3] << 24;
	switch (magic) {
	case 0xa1b2c3d4: p->swapped = false; p->nsec = false; break;
	case 0xa1b23c4d: p->swapped = false; p->nsec = true; break;
	case 0xd4c3b2a1: p->swapped = true; p->nsec = false; break;
	case 0x4d3cb2a1: p->swapped = true; p->nsec = true; break;
	default:
		close(fd);
		return; /* pcapng or other: libpcap reads it */
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	p->fd = fd;
}

static void set_err(char *errbuf, const char *msg)
{
	snprintf(errbuf, 256, "%s", msg);
}

/*
 * Standard input that is not a regular file (`tcpdump -U -w - | lookback
 * capture -r -`): libpcap reads it through this stdio stream, whose reads wait
 * at most 250 ms at a time and call the idle callback meanwhile, so a quiet
 * pipe still ticks the aggregation window and answers SIGHUP.  A stop request
 * reads as the end of the input.
 */
static ssize_t pipe_read(void *cookie, char *buf, size_t n)
{
	lb_pcap_t *p = cookie;
	for (;;) {
		int k = lb_fd_wait(STDIN_FILENO, p->idle, p->idle_ctx, p->stop);
		if (k <= 0)
			return k; /* a stop request reads as the end */
		ssize_t got = read(STDIN_FILENO, buf, n);
		if (got < 0 && errno == EINTR)
			continue;
		return got;
	}
}

static pcap_t *open_pipe(lb_pcap_t *p, char *pe)
{
	cookie_io_functions_t io = { .read = pipe_read };
	FILE *f = fopencookie(p, "r", io);
	if (!f) {
		snprintf(pe, PCAP_ERRBUF_SIZE, "standard input: %s", strerror(errno));
		return NULL;
	}
	(void)setvbuf(f, NULL, _IOFBF, RD_CHUNK);
	pcap_t *h = pcap_fopen_offline(f, pe);
	if (!h)
		fclose(f); /* libpcap closes it with the handle only */
	return h;
}

lb_pcap_t *lb_pcap_open_file(const char *path, char *errbuf)
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	lb_pcap_t *p = calloc(1, sizeof(*p));
	if (!p) {
		set_err(errbuf, "out of memory");
		return NULL;
	}
	p->fd = -1;
	struct stat st;
	if (strcmp(path, "-") == 0 && fstat(STDIN_FILENO, &st) == 0 && !S_ISREG(st.st_mode))
		p->h = open_pipe(p, pe);
	else
		p->h = pcap_open_offline(path, pe);
	if (!p->h) {
		set_err(errbuf, pe);
		free(p);
		return NULL;
	}
	if (strcmp(path, "-") != 0)
		open_classic(p, path);
	return p;
}

lb_pcap_t *lb_pcap_open_live(const char *ifname, const char *bpf, int snaplen, bool promisc,
			     char *errbuf)
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	lb_pcap_t *p = calloc(1, sizeof(*p));
	if (!p) {
		set_err(errbuf, "out of memory");
		return NULL;
	}
	p->live = true;
	p->fd = -1;
	p->h = pcap_create(ifname, pe);
	if (!p->h) {
		set_err(errbuf, pe);
		goto fail;
	}
	if (pcap_set_snaplen(p->h, snaplen > 0 ? snaplen : 65535) != 0 ||
	    pcap_set_promisc(p->h, promisc ? 1 : 0) != 0 || pcap_set_timeout(p->h, 100) != 0 ||
	    pcap_set_immediate_mode(p->h, 1) != 0) {
		set_err(errbuf, pcap_geterr(p->h));
		goto fail;
	}
	int rc = pcap_activate(p->h);
	if (rc < 0) {
		snprintf(errbuf, 256, "%s: %s", ifname,
			 rc == PCAP_ERROR ? pcap_geterr(p->h) : pcap_statustostr(rc));
		goto fail;
	}
	if (bpf && lb_pcap_set_filter(p, bpf, errbuf) != 0)
		goto fail;
	/* Non-blocking, and we poll with a timeout ourselves: a blocked read
	 * would never see the stop flag set by SIGTERM (libpcap retries on EINTR). */
	if (pcap_setnonblock(p->h, 1, pe) != 0 || pcap_get_selectable_fd(p->h) < 0) {
		snprintf(errbuf, 256, "%.64s: cannot poll the capture: %.160s", ifname, pe);
		goto fail;
	}
	return p;
fail:
	lb_pcap_close(p);
	return NULL;
}

int lb_pcap_set_filter(lb_pcap_t *p, const char *bpf, char *errbuf)
{
	struct bpf_program prog;
	if (pcap_compile(p->h, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(errbuf, 256, "filter \"%s\": %s", bpf, pcap_geterr(p->h));
		return LB_EINVAL;
	}
	if (p->fd >= 0) { /* our reader applies it itself */
		if (p->has_prog)
			pcap_freecode(&p->prog);
		p->prog = prog;
		p->has_prog = true;
		return 0;
	}
	int rc = pcap_setfilter(p->h, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(errbuf, 256, "filter \"%s\": %s", bpf, pcap_geterr(p->h));
		return LB_EINVAL;
	}
	return 0;
}

int lb_pcap_linktype(const lb_pcap_t *p)
{
	return pcap_datalink(p->h);
}

static void flush_at_end(lb_decoder_t *d)
{
	struct timeval far = { .tv_sec = (time_t)1 << 40, .tv_usec = 0 };
	lb_decoder_expire(d, &far);
}

/* Move buf's unread bytes [*off, *len) to its start, then read at file
 * offset *pos until it holds want bytes, or the file ends (*eof), reading
 * at most up to cap. */
static inline int refill(int fd, uint8_t *buf, size_t *off, size_t *len, off_t *pos, bool *eof,
			 size_t want, size_t cap, char *errbuf)
{
	memmove(buf, buf + *off, *len - *off);
	*len -= *off;
	*off = 0;
	while (*len < want && !*eof) {
		ssize_t n = pread(fd, buf + *len, cap - *len, *pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(errbuf, 256, "read: %s", strerror(errno));
			return LB_EIO;
		}
		if (n == 0)
			*eof = true;
		*len += (size_t)n;
		*pos += n;
	}
	return 0;
}

static int run_classic(lb_pcap_t *p, lb_decoder_t *d, volatile sig_atomic_t *stop, char *errbuf)
{
	int lt = pcap_datalink(p->h);
	uint8_t *buf = malloc(RD_BUF);
	if (!buf) {
		set_err(errbuf, "out of memory");
		return LB_ENOMEM;
	}
	/* locals: the decoder call in the loop would make the compiler reload
	 * every field of *p per packet */
	const int fd = p->fd;
	const bool swapped = p->swapped, nsec = p->nsec, filtered = p->has_prog;
	off_t pos = 24;   /* file offset of buf[len] */
	size_t off = 0, len = 0;
	bool eof = false;
	int rc = 0;
	for (;;) {
		if (stop && *stop)
			goto out;
		/* too little for a record header: move the tail down, read a chunk */
		if (len - off < 16 && !eof &&
		    (rc = refill(fd, buf, &off, &len, &pos, &eof, RD_CHUNK, RD_CHUNK, errbuf)) != 0)
			goto out;
		if (len == off)
			break; /* clean end of file */
		if (len - off < 16) {
			snprintf(errbuf, 256, "truncated dump file; %zu bytes of a packet header",
				 len - off);
			rc = LB_EIO;
			goto out;
		}
		uint32_t hv[4]; /* seconds, fraction, captured length, wire length */
		memcpy(hv, buf + off, sizeof hv);
		if (swapped)
			for (int i = 0; i < 4; i++)
				hv[i] = __builtin_bswap32(hv[i]);
		struct pcap_pkthdr ph;
		ph.ts.tv_sec = (time_t)hv[0];
		ph.ts.tv_usec = (suseconds_t)(nsec ? hv[1] / 1000 : hv[1]);
		ph.caplen = hv[2];
		ph.len = hv[3];
		if (ph.caplen > PCAP_MAX_CAPLEN) {
			snprintf(errbuf, 256, "bad dump file: packet of %u bytes captured", ph.caplen);
			rc = LB_EIO;
			goto out;
		}
		/* the record runs past the buffer: move it down, read the rest
		 * (RD_BUF holds the unread tail of a chunk plus any record) */
		if (len - off - 16 < ph.caplen && !eof &&
		    (rc = refill(fd, buf, &off, &len, &pos, &eof, 16 + (size_t)ph.caplen, RD_BUF,
				 errbuf)) != 0)
			goto out;
		if (len - off - 16 < ph.caplen) {
			snprintf(errbuf, 256,
				 "truncated dump file; tried to read %u captured bytes, only got %zu",
				 ph.caplen, len - off - 16);
			rc = LB_EIO;
			goto out;
		}
		const uint8_t *data = buf + off + 16;
		off += 16 + ph.caplen;
		if (filtered && !pcap_offline_filter(&p->prog, &ph, data))
			continue;
		lb_decoder_frame(d, lt, &ph.ts, data, ph.caplen, ph.len < ph.caplen ? ph.caplen : ph.len);
	}
out:
	if (rc != 0 || !(stop && *stop))
		flush_at_end(d); /* what was read before any damage still counts */
	free(buf);
	return rc;
}

struct live_ctx {
	lb_decoder_t *d;
	int lt;
};

static void on_live(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct live_ctx *lc = (struct live_ctx *)user;
	lb_decoder_frame(lc->d, lc->lt, &h->ts, data, h->caplen, h->len);
}

static int run_live(lb_pcap_t *p, lb_decoder_t *d, volatile sig_atomic_t *stop, char *errbuf)
{
	struct live_ctx lc = { d, pcap_datalink(p->h) };
	struct pollfd pfd = { .fd = pcap_get_selectable_fd(p->h), .events = POLLIN };
	while (!(stop && *stop)) {
		int n = poll(&pfd, 1, 100);
		if (n < 0 && errno != EINTR) {
			snprintf(errbuf, 256, "poll: %s", strerror(errno));
			return LB_EIO;
		}
		/* read what is there, in bounded bites so *stop is seen often */
		int got = pcap_dispatch(p->h, 4096, on_live, (u_char *)&lc);
		if (got == PCAP_ERROR) {
			set_err(errbuf, pcap_geterr(p->h));
			return LB_EIO;
		}
		if (got == PCAP_ERROR_BREAK)
			return 0;
		if (got == 0) {
			/* idle: let the decoder expire old fragments and flows by the clock */
			struct timeval now;
			gettimeofday(&now, NULL);
			lb_decoder_expire(d, &now);
			if (p->idle)
				p->idle(p->idle_ctx);
		}
	}
	return 0;
}

int lb_pcap_run(lb_pcap_t *p, lb_decoder_t *d, volatile sig_atomic_t *stop, char *errbuf)
{
	p->stop = stop;
	if (p->fd >= 0)
		return run_classic(p, d, stop, errbuf);
	if (p->live)
		return run_live(p, d, stop, errbuf);
	int lt = pcap_datalink(p->h);
	for (;;) {
		if (stop && *stop)
			return 0;
		struct pcap_pkthdr *hdr;
		const u_char *data;
		int rc = pcap_next_ex(p->h, &hdr, &data);
		if (rc == 1) {
			lb_decoder_frame(d, lt, &hdr->ts, data, hdr->caplen, hdr->len);
		} else if (rc == 0) {
			continue; /* live timeout: look at *stop again */
		} else if (rc == PCAP_ERROR_BREAK) {
			if (!p->live)
				flush_at_end(d); /* end of file: flush everything still buffered */
			return 0;
		} else {
			set_err(errbuf, pcap_geterr(p->h));
			if (!p->live)
				flush_at_end(d);
			return LB_EIO;
		}
	}
}

void lb_pcap_set_idle(lb_pcap_t *p, void (*fn)(void *ctx), void *ctx)
{
	p->idle = fn;
	p->idle_ctx = ctx;
}

void lb_pcap_kernel_stats(lb_pcap_t *p, uint64_t *recv, uint64_t *drop, uint64_t *ifdrop)
{
	struct pcap_stat ps;
	*recv = *drop = *ifdrop = 0;
	if (!p || !p->live || pcap_stats(p->h, &ps) != 0)
		return;
	*recv = ps.ps_recv;
	*drop = ps.ps_drop;
	*ifdrop = ps.ps_ifdrop;
}

void lb_pcap_close(lb_pcap_t *p)
{
	if (!p)
		return;
	if (p->has_prog)
		pcap_freecode(&p->prog);
	if (p->fd >= 0)
		close(p->fd);
	if (p->h)
		pcap_close(p->h);
	free(p);
}
