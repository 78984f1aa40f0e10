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
#include "util/zread.h"

/*
 * Classic pcap files are read by our own reader: 128 KiB read()s into one
 * reused buffer, records decoded in place (no copy per packet: measured about
 * 15% of decode time went to libpcap's fread per record).  A file mapping
 * measured no faster here (its page faults cost what the read's copy does)
 * and needed madvise to keep resident memory bounded.  libpcap still opens
 * and validates the file (link type, precision).  pcapng files are read by
 * our own reader too (run_ng): libpcap refuses a file whose interfaces differ
 * in link type or snap length (dumpcap -i eth0 -i any writes one), which
 * pcapng allows and tshark reads.  Live captures go through libpcap's
 * reader.
 *
 * A stream -- standard input or a path that is not a regular file (a named
 * pipe, /dev/stdin, a shell's <(...)), or a file (or standard input)
 * compressed with gzip, zstd or xz, told by its first bytes -- is read
 * through util/zread.h (which passes plain bytes as they are) by
 * the same two readers: the format is told from the first decompressed
 * bytes, libpcap validates a classic file header given to it alone (the
 * handle then compiles filters), and refill() reads from the stream instead
 * of pread().  A classic variant our reader does not know (libpcap's
 * modified formats) is read by libpcap through a stdio cookie over the
 * stream.  Plain regular files keep the pread() path: no copy through the
 * decompressor's buffer.
 */

/* One pcapng interface (IDB) of the current section. */
typedef struct ng_if {
	int lt;                      /* link type */
	uint32_t snap;
	uint64_t units;              /* timestamp units per second (if_tsresol) */
	int64_t tsoff;               /* seconds added (if_tsoffset) */
	struct bpf_program prog;     /* the filter compiled for lt */
	bool has_prog;
} ng_if_t;

#define NG_MAX_IF 65536        /* interfaces per section (EPB ids are 32-bit) */

struct lb_pcap {
	pcap_t *h;
	bool live;
	/* classic pcap read by run_classic(), pcapng by run_ng(): fd >= 0 */
	int fd;
	bool ng;
	bool swapped, nsec;
	struct bpf_program prog;
	bool has_prog;
	char *bpf;                   /* pcapng: the filter, compiled per link type */
	uint64_t frames;             /* frames read, filtered out or not */
	bool more;                   /* lb_pcap_set_more: the next file continues this one */
	bool got_first;              /* lb_pcap_first_time: a frame was read, at first_ts */
	struct timeval first_ts;
	bool have_ts;                /* a packet with a time was read (or given by
				      * lb_pcap_set_time_before), at last_ts */
	struct timeval last_ts;
	ng_if_t *ifs;
	size_t nifs, capifs;
	void (*idle)(void *ctx);
	void *idle_ctx;
	volatile sig_atomic_t *stop; /* lb_pcap_run's */
	int close_fd;                /* the descriptor to close, or -1 */
	/* A stream (see above): its first decompressed bytes, read to tell the
	 * format (and for classic pcap its file header, which libpcap reads
	 * alone: hdr_only), are given again by stream_read before the rest. */
	lb_zr_t *zr;
	bool pipe;                   /* not a regular file: read only what is needed */
	bool hdr_only;
	int zerr;                    /* the stream's error while libpcap read it */
	uint8_t pre[24];
	uint8_t npre, pre_off;
	char name[128];              /* for messages */
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
	case 0x0a0d0d0a: p->ng = true; break; /* pcapng section header */
	default:
		close(fd);
		return; /* other: libpcap reads it */
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	p->fd = p->close_fd = fd;
}

static void set_err(char *errbuf, const char *msg)
{
	snprintf(errbuf, 256, "%s", msg);
}

/* The stream's next bytes: pre[] first, then the decompressor's (plain
 * bytes as they are).  Returns bytes, 0 at the end, or zread.h's error. */
static ssize_t stream_read(lb_pcap_t *p, void *buf, size_t n)
{
	if (p->pre_off < p->npre) {
		size_t k = (size_t)(p->npre - p->pre_off);
		if (k > n)
			k = n;
		memcpy(buf, p->pre + p->pre_off, k);
		p->pre_off = (uint8_t)(p->pre_off + k);
		return (ssize_t)k;
	}
	if (p->hdr_only)
		return 0;
	return lb_zr_read(p->zr, buf, n);
}

/* errbuf for the stream's error err (the caller names the file, as for
 * every read error). */
static void stream_err(const lb_pcap_t *p, int err, char *errbuf)
{
	lb_zr_codec_t c = lb_zr_codec(p->zr);
	if (err == LB_ECORRUPT)
		snprintf(errbuf, 256, "cannot decompress past byte %llu of the capture (%s stream "
			 "cut or corrupt%s)", (unsigned long long)lb_zr_out_bytes(p->zr),
			 lb_zr_codec_name(c), c == LB_ZR_GZIP ? "" : ", or past the decoder's memory bound");
	else
		snprintf(errbuf, 256, "%s", lb_strerror(err));
}

/*
 * The stream as a stdio stream for libpcap (the file header it validates,
 * and a classic variant it reads).  Its reads on a pipe wait at most 250 ms
 * at a time and call the idle callback meanwhile (zread over lb_fd_wait), so
 * a quiet pipe still ticks the aggregation window and answers SIGHUP.  A
 * stop request reads as the end of the input.
 */
static ssize_t pipe_read(void *cookie, char *buf, size_t n)
{
	lb_pcap_t *p = cookie;
	ssize_t got = stream_read(p, buf, n);
	if (got >= 0)
		return got;
	if (got == LB_EINTR)
		return 0;
	p->zerr = (int)got;
	errno = EIO;
	return -1;
}

/* Whether the regular file fd starts, at offset off, with a compressor's magic. */
static bool compressed_at(int fd, off_t off)
{
	uint8_t b[LB_ZR_MAGIC_LEN];
	ssize_t n = off < 0 ? -1 : pread(fd, b, sizeof b, off);
	return n > 0 && lb_zr_sniff(b, (size_t)n) != LB_ZR_PLAIN;
}

/* Open the stream p->zr: tell the format from its first decompressed bytes.
 * pcapng: a placeholder handle (filters are checked on it, then compiled per
 * interface by run_ng).  Classic: libpcap reads the file header, and only
 * it; our reader reads on if it knows the variant, else libpcap does. */
static pcap_t *open_stream(lb_pcap_t *p, int fd, char *pe)
{
	ssize_t got = 0;
	while (p->npre < sizeof p->pre) {
		got = lb_zr_read(p->zr, p->pre + p->npre, sizeof p->pre - p->npre);
		if (got <= 0)
			break; /* libpcap says what is wrong with what came */
		p->npre = (uint8_t)(p->npre + got);
	}
	lb_zr_codec_t c = lb_zr_codec(p->zr);
	if (got < 0 && got != LB_EINTR) {
		stream_err(p, (int)got, pe);
		return NULL;
	}
	static const uint8_t shb[4] = { 0x0a, 0x0d, 0x0d, 0x0a };
	if (p->npre >= 4 && !memcmp(p->pre, shb, 4)) {
		pcap_t *h = pcap_open_dead(DLT_EN10MB, 262144);
		if (!h)
			snprintf(pe, PCAP_ERRBUF_SIZE, "%.100s: out of memory", p->name);
		p->ng = true;
		p->fd = fd;
		return h;
	}
	cookie_io_functions_t io = { .read = pipe_read };
	FILE *f = fopencookie(p, "r", io);
	if (!f) {
		snprintf(pe, PCAP_ERRBUF_SIZE, "%.100s: %s", p->name, strerror(errno));
		return NULL;
	}
	(void)setvbuf(f, NULL, _IOFBF, RD_CHUNK);
	p->hdr_only = true;
	pcap_t *h = pcap_fopen_offline(f, pe);
	p->hdr_only = false;
	if (!h) {
		fclose(f); /* libpcap closes it with the handle only */
		if (c != LB_ZR_PLAIN) {
			char why[PCAP_ERRBUF_SIZE];
			snprintf(why, sizeof why, "%s", pe);
			snprintf(pe, PCAP_ERRBUF_SIZE, "%s-compressed data that is not a capture file "
				 "(pcap or pcapng) once decompressed: %.150s", lb_zr_codec_name(c), why);
		}
		return NULL;
	}
	uint32_t magic = (uint32_t)p->pre[0] | (uint32_t)p->pre[1] << 8 |
			 (uint32_t)p->pre[2] << 16 | (uint32_t)p->pre[3] << 24;
	switch (magic) {
	case 0xa1b2c3d4: p->swapped = false; p->nsec = false; break;
	case 0xa1b23c4d: p->swapped = false; p->nsec = true; break;
	case 0xd4c3b2a1: p->swapped = true; p->nsec = false; break;
	case 0x4d3cb2a1: p->swapped = true; p->nsec = true; break;
	default: /* a variant libpcap reads on from the header it read */
		clearerr(f);
		return h;
	}
	p->fd = fd; /* run_classic reads on after the header (read into pre) */
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
	p->fd = p->close_fd = -1;
	bool is_stdin = strcmp(path, "-") == 0;
	snprintf(p->name, sizeof p->name, "%s", is_stdin ? "standard input" : path);
	/*
	 * A stream: standard input or a path that is not a regular file (a
	 * regular file on standard input is read by libpcap, as before), or a
	 * compressed regular file.  pcapng
	 * goes through run_ng even where libpcap could read it: libpcap stops
	 * at the first interface whose link type or snap length differs from
	 * the first one's.
	 */
	int sfd = -1;
	struct stat st;
	if (is_stdin) {
		if (fstat(STDIN_FILENO, &st) == 0 && !S_ISREG(st.st_mode))
			p->pipe = true;
		if (p->pipe || compressed_at(STDIN_FILENO, lseek(STDIN_FILENO, 0, SEEK_CUR)))
			sfd = STDIN_FILENO;
	} else {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
			p->pipe = true; /* a named pipe, /dev/stdin, a shell's <(...) */
		if (fd >= 0 && (p->pipe || (S_ISREG(st.st_mode) && compressed_at(fd, 0))))
			sfd = p->close_fd = fd;
		else if (fd >= 0)
			close(fd); /* plain, or a directory: libpcap opens it (and says why not) */
	}
	if (sfd >= 0) {
		if (lb_zr_open_fd(sfd, &p->zr) != 0)
			snprintf(pe, sizeof pe, "out of memory");
		else
			p->h = open_stream(p, sfd, pe);
	} else {
		p->h = pcap_open_offline(path, pe);
	}
	if (!p->h) {
		set_err(errbuf, pe);
		lb_pcap_close(p);
		return NULL;
	}
	if (sfd < 0 && !is_stdin)
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
	p->fd = p->close_fd = -1;
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
	if (p->fd >= 0 && p->ng) { /* compiled per interface link type by run_ng */
		pcap_freecode(&prog);
		char *c = strdup(bpf);
		if (!c) {
			set_err(errbuf, "out of memory");
			return LB_ENOMEM;
		}
		free(p->bpf);
		p->bpf = c;
		return 0;
	}
	if (!p->live) { /* files: the readers below apply it, counting every frame */
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

void lb_pcap_set_more(lb_pcap_t *p, bool more)
{
	p->more = more;
}

bool lb_pcap_last_time(const lb_pcap_t *p, struct timeval *ts)
{
	if (p->have_ts)
		*ts = p->last_ts;
	return p->have_ts;
}

void lb_pcap_set_time_before(lb_pcap_t *p, const struct timeval *ts)
{
	p->last_ts = *ts;
	p->have_ts = true;
}

/* lb_pcap_first_time's end: the first frame's time kept, the buffer freed. */
static int probe_done(lb_pcap_t *p, const struct timeval *ts, void *buf)
{
	p->got_first = true;
	p->first_ts = *ts;
	free(buf);
	return 0;
}

static void flush_at_end(const lb_pcap_t *p, lb_decoder_t *d)
{
	if (p->more || !d)
		return; /* the next file continues the streams */
	struct timeval far = { .tv_sec = (time_t)1 << 40, .tv_usec = 0 };
	lb_decoder_expire(d, &far);
}

/* Move buf's unread bytes [*off, *len) to its start, then read at file
 * offset *pos (or from the stream) until it holds want bytes, or the file
 * ends (*eof), reading at most up to cap.  A pipe is read only until it
 * holds need bytes (the next header or record): more may not come for a
 * while.  A stream's error comes once what came before it is used up;
 * LB_EINTR is a stop request. */
static inline int refill(lb_pcap_t *p, int fd, uint8_t *buf, size_t *off, size_t *len, off_t *pos,
			 bool *eof, size_t need, size_t want, size_t cap, char *errbuf)
{
	memmove(buf, buf + *off, *len - *off);
	*len -= *off;
	*off = 0;
	if (p->pipe)
		want = need;
	while (*len < want && !*eof) {
		ssize_t n;
		if (p->zr) {
			n = stream_read(p, buf + *len, cap - *len);
			if (n < 0) {
				if (*len >= need && n != LB_EINTR)
					break; /* the error is sticky: the next refill has it */
				stream_err(p, (int)n, errbuf);
				return (int)n;
			}
		} else {
			n = pread(fd, buf + *len, cap - *len, *pos);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				snprintf(errbuf, 256, "read: %s", strerror(errno));
				return LB_EIO;
			}
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
	const uint64_t frames0 = p->frames;
	/* the last whole record read: after the loop, its time is the one
	 * lb_pcap_last_time gives (no copy per record); filled only once a
	 * record is known to be whole, so a damaged one leaves the one before */
	struct pcap_pkthdr ph;
	int rc = 0;
	for (;;) {
		if (stop && *stop)
			goto out;
		/* too little for a record header: move the tail down, read a chunk */
		if (len - off < 16 && !eof &&
		    (rc = refill(p, fd, buf, &off, &len, &pos, &eof, 16, RD_CHUNK, RD_CHUNK, errbuf)) != 0)
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
		const uint32_t caplen = hv[2];
		if (caplen > PCAP_MAX_CAPLEN) {
			snprintf(errbuf, 256, "bad dump file: packet of %u bytes captured", caplen);
			rc = LB_EIO;
			goto out;
		}
		/* the record runs past the buffer: move it down, read the rest
		 * (RD_BUF holds the unread tail of a chunk plus any record) */
		if (len - off - 16 < caplen && !eof &&
		    (rc = refill(p, fd, buf, &off, &len, &pos, &eof, 16 + (size_t)caplen,
				 16 + (size_t)caplen, RD_BUF, errbuf)) != 0)
			goto out;
		if (len - off - 16 < caplen) {
			snprintf(errbuf, 256,
				 "truncated dump file; tried to read %u captured bytes, only got %zu",
				 caplen, len - off - 16);
			rc = LB_EIO;
			goto out;
		}
		ph.ts.tv_sec = (time_t)hv[0];
		ph.ts.tv_usec = (suseconds_t)(nsec ? hv[1] / 1000 : hv[1]);
		ph.caplen = caplen;
		ph.len = hv[3];
		const uint8_t *data = buf + off + 16;
		off += 16 + ph.caplen;
		p->frames++;
		if (LB_UNLIKELY(!d)) /* lb_pcap_first_time */
			return probe_done(p, &ph.ts, buf);
		if (filtered && !pcap_offline_filter(&p->prog, &ph, data))
			continue;
		lb_decoder_frame(d, lt, &ph.ts, data, ph.caplen, ph.len < ph.caplen ? ph.caplen : ph.len);
	}
out:
	if (p->frames > frames0) { /* ph: the last whole record read */
		p->last_ts = ph.ts;
		p->have_ts = true;
	}
	if (rc == LB_EINTR && stop && *stop)
		rc = 0; /* a stream's read ended by the stop request */
	if (rc != 0 || !(stop && *stop))
		flush_at_end(p, d); /* what was read before any damage still counts */
	free(buf);
	return rc;
}

/* ---- pcapng (draft-ietf-opsawg-pcapng) ---- */

static void ng_clear_ifs(lb_pcap_t *p)
{
	for (size_t i = 0; i < p->nifs; i++)
		if (p->ifs[i].has_prog)
			pcap_freecode(&p->ifs[i].prog);
	p->nifs = 0;
}

static inline uint16_t ng16(bool sw, const uint8_t *b)
{
	uint16_t v;
	memcpy(&v, b, 2);
	return sw ? __builtin_bswap16(v) : v;
}

static inline uint32_t ng32(bool sw, const uint8_t *b)
{
	uint32_t v;
	memcpy(&v, b, 4);
	return sw ? __builtin_bswap32(v) : v;
}

/* An Interface Description Block's body [b, b + n). */
static int ng_idb(lb_pcap_t *p, bool sw, const uint8_t *b, size_t n, char *errbuf)
{
	if (n < 8) {
		set_err(errbuf, "bad pcapng file: interface description block too short");
		return LB_EIO;
	}
	if (p->nifs == NG_MAX_IF) {
		set_err(errbuf, "bad pcapng file: too many interfaces");
		return LB_EIO;
	}
	if (p->nifs == p->capifs) {
		size_t nc = p->capifs ? p->capifs * 2 : 4;
		ng_if_t *ni = realloc(p->ifs, nc * sizeof(*ni));
		if (!ni) {
			set_err(errbuf, "out of memory");
			return LB_ENOMEM;
		}
		p->ifs = ni;
		p->capifs = nc;
	}
	ng_if_t *f = &p->ifs[p->nifs];
	memset(f, 0, sizeof(*f));
	f->lt = ng16(sw, b);
	/* LINKTYPE_* values are DLT_* values except these (libpcap maps them
	 * the same way for its handles and filters) */
	if (f->lt == 100)
		f->lt = DLT_ATM_RFC1483;
	else if (f->lt == 101)
		f->lt = DLT_RAW;
	else if (f->lt == 102)
		f->lt = DLT_SLIP_BSDOS;
	else if (f->lt == 103)
		f->lt = DLT_PPP_BSDOS;
	f->snap = ng32(sw, b + 4);
	f->units = 1000000;
	/* options: code, length, value padded to 4; opt_endofopt ends them */
	for (size_t o = 8; o + 4 <= n;) {
		uint16_t code = ng16(sw, b + o), len = ng16(sw, b + o + 2);
		if (code == 0 || len > n - o - 4)
			break;
		const uint8_t *v = b + o + 4;
		if (code == 9 && len >= 1) { /* if_tsresol */
			unsigned e = v[0] & 0x7f;
			if (v[0] & 0x80)
				f->units = e < 64 ? (uint64_t)1 << e : 0;
			else {
				f->units = 1;
				for (unsigned i = 0; i < e && f->units; i++)
					f->units = f->units > UINT64_MAX / 10 ? 0 : f->units * 10;
			}
			if (f->units == 0) {
				set_err(errbuf, "bad pcapng file: unsupported timestamp resolution");
				return LB_EIO;
			}
		} else if (code == 14 && len >= 8) { /* if_tsoffset, seconds */
			uint64_t o64;
			memcpy(&o64, v, 8);
			f->tsoff = (int64_t)(sw ? __builtin_bswap64(o64) : o64);
		}
		o += 4 + (((size_t)len + 3) & ~(size_t)3);
	}
	if (p->bpf) {
		pcap_t *dead = pcap_open_dead(f->lt, f->snap ? (int)(f->snap & 0x7fffffff) : 262144);
		if (!dead) {
			set_err(errbuf, "out of memory");
			return LB_ENOMEM;
		}
		if (pcap_compile(dead, &f->prog, p->bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			snprintf(errbuf, 256, "filter \"%s\" on link type %d: %s", p->bpf, f->lt,
				 pcap_geterr(dead));
			pcap_close(dead);
			return LB_EINVAL;
		}
		pcap_close(dead);
		f->has_prog = true;
	}
	p->nifs++;
	return 0;
}

static struct timeval ng_time(const ng_if_t *f, uint32_t hi, uint32_t lo)
{
	uint64_t t = (uint64_t)hi << 32 | lo;
	struct timeval tv;
	tv.tv_sec = (time_t)(t / f->units + (uint64_t)f->tsoff);
	tv.tv_usec = (suseconds_t)((unsigned __int128)(t % f->units) * 1000000 / f->units);
	return tv;
}

/*
 * Read a pcapng file block by block: section headers (byte order; each one
 * starts a new list of interfaces), interface descriptions (link type, snap
 * length, timestamp resolution and offset), enhanced, simple and (obsolete)
 * packet blocks; other blocks are skipped.  Each packet goes to the decoder
 * with its own interface's link type.  A simple packet block has no time
 * (pcapng 4.4); it is given the time of the packet before it in the file,
 * the earliest it can have been captured (blocks are written in order) and
 * never 0, the store's "no time".  tshark shows it without a time.  One
 * before the file's first packet with a time has the time of the packet
 * before the file, the previous file's last (lb_pcap_set_time_before: a
 * file rotation cuts no capture, so the rule is the same across it); with
 * none (the first file) it is counted (LB_DROP_NO_TIME), not decoded.
 */
static int run_ng(lb_pcap_t *p, lb_decoder_t *d, volatile sig_atomic_t *stop, char *errbuf)
{
	uint8_t *buf = malloc(RD_BUF);
	if (!buf) {
		set_err(errbuf, "out of memory");
		return LB_ENOMEM;
	}
	const int fd = p->fd;
	off_t pos = 0;
	size_t off = 0, len = 0;
	bool eof = false, sw = false, section = false;
	int rc = 0;
	ng_clear_ifs(p);
	for (;;) {
		if (stop && *stop)
			goto out;
		if (len - off < 12 && !eof &&
		    (rc = refill(p, fd, buf, &off, &len, &pos, &eof, 12, RD_CHUNK, RD_CHUNK, errbuf)) != 0)
			goto out;
		if (len == off)
			break;
		if (len - off < 12) {
			snprintf(errbuf, 256, "truncated pcapng file; %zu bytes of a block header",
				 len - off);
			rc = LB_EIO;
			goto out;
		}
		const uint8_t *b = buf + off;
		uint32_t type = ng32(false, b);
		if (type == 0x0a0d0d0a) { /* the byte-order magic tells the section's order */
			uint32_t bom = ng32(false, b + 8);
			if (bom != 0x1a2b3c4d && bom != 0x4d3c2b1a) {
				set_err(errbuf, "bad pcapng file: unknown byte-order magic");
				rc = LB_EIO;
				goto out;
			}
			sw = bom == 0x4d3c2b1a;
			section = true;
			ng_clear_ifs(p);
		} else if (!section) {
			set_err(errbuf, "bad pcapng file: no section header");
			rc = LB_EIO;
			goto out;
		}
		type = ng32(sw, b);
		uint32_t blen = ng32(sw, b + 4);
		if (blen < 12 || (blen & 3) != 0) {
			snprintf(errbuf, 256, "bad pcapng file: block length %u", blen);
			rc = LB_EIO;
			goto out;
		}
		bool pkt = type == 6 || type == 3 || type == 2;
		if (blen > RD_BUF || (blen > len - off && !pkt && type != 1 && type != 0x0a0d0d0a)) {
			/* a block we skip (or one too large to be a packet) */
			if (pkt) {
				snprintf(errbuf, 256, "bad pcapng file: packet block of %u bytes", blen);
				rc = LB_EIO;
				goto out;
			}
			if (blen <= len - off) {
				off += blen;
			} else if (p->zr) {
				/* a stream: read the rest of the block, dropped */
				size_t left = blen - (len - off);
				off = len = 0;
				while (left > 0 && !eof) {
					ssize_t n = stream_read(p, buf, left < RD_BUF ? left : RD_BUF);
					if (n < 0) {
						stream_err(p, (int)n, errbuf);
						rc = (int)n;
						goto out;
					}
					eof = n == 0;
					left -= (size_t)n;
				}
			} else {
				pos += (off_t)(blen - (len - off));
				off = len = 0;
			}
			continue;
		}
		if (blen > len - off && !eof &&
		    (rc = refill(p, fd, buf, &off, &len, &pos, &eof, blen, blen, RD_BUF, errbuf)) != 0)
			goto out;
		if (blen > len - off) {
			snprintf(errbuf, 256, "truncated pcapng file; block of %u bytes, only got %zu",
				 blen, len - off);
			rc = LB_EIO;
			goto out;
		}
		b = buf + off;
		off += blen;
		const uint8_t *body = b + 8;
		size_t bn = blen - 12;
		if (type == 1) {
			if ((rc = ng_idb(p, sw, body, bn, errbuf)) != 0)
				goto out;
			continue;
		}
		if (!pkt)
			continue;
		uint32_t ifid, caplen, wirelen, thi = 0, tlo = 0;
		size_t hl;
		if (type == 6 || type == 2) {
			/* enhanced packet; the obsolete packet block has a 16-bit
			 * interface id (then 16 bits of drops count) */
			if (bn < 20)
				goto bad_pkt;
			ifid = type == 6 ? ng32(sw, body) : ng16(sw, body);
			thi = ng32(sw, body + 4);
			tlo = ng32(sw, body + 8);
			caplen = ng32(sw, body + 12);
			wirelen = ng32(sw, body + 16);
			hl = 20;
		} else { /* simple packet: interface 0, no time, captured = min(wire, snap, body) */
			if (bn < 4)
				goto bad_pkt;
			ifid = 0;
			wirelen = ng32(sw, body);
			hl = 4;
			caplen = wirelen;
			if (p->nifs && p->ifs[0].snap && caplen > p->ifs[0].snap)
				caplen = p->ifs[0].snap;
			if (caplen > bn - hl)
				caplen = (uint32_t)(bn - hl);
		}
		if (ifid >= p->nifs || caplen > bn - hl || caplen > PCAP_MAX_CAPLEN)
			goto bad_pkt;
		const ng_if_t *f = &p->ifs[ifid];
		struct pcap_pkthdr ph;
		if (type != 3) {
			ph.ts = p->last_ts = ng_time(f, thi, tlo);
			p->have_ts = true;
		} else { /* a simple packet: the time of the packet before (lb_pcap_run) */
			ph.ts = p->have_ts ? p->last_ts : (struct timeval){ 0, 0 };
		}
		ph.caplen = caplen;
		ph.len = wirelen < caplen ? caplen : wirelen;
		const uint8_t *data = body + hl;
		p->frames++;
		if (LB_UNLIKELY(!d)) { /* lb_pcap_first_time */
			if (!p->have_ts)
				continue;
			return probe_done(p, &ph.ts, buf);
		}
		if (f->has_prog && !pcap_offline_filter(&f->prog, &ph, data))
			continue;
		if (LB_UNLIKELY(!p->have_ts)) { /* a simple packet before any time */
			lb_stats_t *st = lb_decoder_stats(d);
			st->packets++;
			st->bytes += ph.caplen;
			st->drops[LB_DROP_NO_TIME]++;
			continue;
		}
		lb_decoder_frame(d, f->lt, &ph.ts, data, ph.caplen, ph.len);
		continue;
bad_pkt:
		snprintf(errbuf, 256, "bad pcapng file: packet block (type %u) does not fit its length, "
			 "or names an interface not described", type);
		rc = LB_EIO;
		goto out;
	}
out:
	if (rc == LB_EINTR && stop && *stop)
		rc = 0;
	if (rc != 0 || !(stop && *stop))
		flush_at_end(p, d);
	free(buf);
	return rc;
}

struct live_ctx {
	lb_pcap_t *p;
	lb_decoder_t *d;
	int lt;
};

static void on_live(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct live_ctx *lc = (struct live_ctx *)user;
	lc->p->frames++;
	lb_decoder_frame(lc->d, lc->lt, &h->ts, data, h->caplen, h->len);
}

static int run_live(lb_pcap_t *p, lb_decoder_t *d, volatile sig_atomic_t *stop, char *errbuf)
{
	struct live_ctx lc = { p, d, pcap_datalink(p->h) };
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

int lb_pcap_first_time(lb_pcap_t *p, struct timeval *ts)
{
	char errbuf[256];
	if (p->live || p->pipe)
		return LB_EINVAL;
	int rc = lb_pcap_run(p, NULL, NULL, errbuf);
	if (rc == 0 && !p->got_first)
		rc = LB_ENOENT;
	if (rc == 0)
		*ts = p->first_ts;
	return rc;
}

int lb_pcap_run(lb_pcap_t *p, lb_decoder_t *d, volatile sig_atomic_t *stop, char *errbuf)
{
	p->stop = stop;
	if (p->zr)
		lb_zr_set_stop(p->zr, stop);
	if (p->fd >= 0)
		return p->ng ? run_ng(p, d, stop, errbuf) : run_classic(p, d, stop, errbuf);
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
			p->frames++;
			if (!d) /* lb_pcap_first_time */
				return probe_done(p, &hdr->ts, NULL);
			p->last_ts = hdr->ts;
			p->have_ts = true;
			if (p->has_prog && !pcap_offline_filter(&p->prog, hdr, data))
				continue;
			lb_decoder_frame(d, lt, &hdr->ts, data, hdr->caplen, hdr->len);
		} else if (rc == 0) {
			continue; /* live timeout: look at *stop again */
		} else if (rc == PCAP_ERROR_BREAK) {
			if (!p->live)
				flush_at_end(p, d); /* end of file: flush everything still buffered */
			return 0;
		} else {
			if (p->zerr)
				stream_err(p, p->zerr, errbuf);
			else
				set_err(errbuf, pcap_geterr(p->h));
			if (!p->live)
				flush_at_end(p, d);
			return LB_EIO;
		}
	}
}

uint64_t lb_pcap_frame(const lb_pcap_t *p)
{
	return p->frames;
}

void lb_pcap_set_idle(lb_pcap_t *p, void (*fn)(void *ctx), void *ctx)
{
	p->idle = fn;
	p->idle_ctx = ctx;
	if (p->zr)
		lb_zr_set_idle(p->zr, fn, ctx);
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
	ng_clear_ifs(p);
	free(p->ifs);
	free(p->bpf);
	if (p->h)
		pcap_close(p->h);
	lb_zr_close(p->zr);
	if (p->close_fd >= 0)
		close(p->close_fd);
	free(p);
}
