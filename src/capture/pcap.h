/*
 * pcap.h - the libpcap driver: files (pcap, pcapng, "-" for stdin) and live
 * interfaces, feeding frames to a decoder.
 */
#ifndef LB_CAPTURE_PCAP_H
#define LB_CAPTURE_PCAP_H

#include <signal.h>
#include <stdbool.h>

#include "capture/decode.h"
#include "util/err.h"

typedef struct lb_pcap lb_pcap_t;

/* Open a capture file ("-" = stdin): pcap or pcapng, plain or compressed
 * with gzip, zstd or xz (told by the first bytes, not the name; read as it
 * decompresses, util/zread.h's bounds).  On error returns NULL and writes a
 * message (libpcap's text, or what the decompressed bytes are not) to
 * errbuf (at least 256 bytes). */
lb_pcap_t *lb_pcap_open_file(const char *path, char *errbuf);

/* Open a live interface; bpf may be NULL (then "port 53 or ..." is not
 * applied: everything is read and the decoder filters).  snaplen 0 = 65535. */
lb_pcap_t *lb_pcap_open_live(const char *ifname, const char *bpf, int snaplen,
			     bool promisc, char *errbuf);

/* Apply a BPF filter to an open capture. Returns 0 or LB_EINVAL (message in errbuf). */
LB_WUR int lb_pcap_set_filter(lb_pcap_t *p, const char *bpf, char *errbuf);

/* libpcap link type (DLT_*) of the capture. */
int lb_pcap_linktype(const lb_pcap_t *p);

/*
 * Read frames until end of file, error, or *stop becomes non-zero (checked
 * between packets; live captures wake at least every 100 ms).  Each frame goes
 * to lb_decoder_frame(); a pcapng simple packet block (no time of its own)
 * with the time of the packet before it (before the file's first packet with
 * a time: the one lb_pcap_set_time_before gave), or, without one, counted
 * as LB_DROP_NO_TIME and not decoded.  At the end of a file, a read error's included,
 * lb_decoder_expire() is called with a far-future time so buffered TCP data
 * is flushed, unless lb_pcap_set_more() said another file continues it.
 * Returns 0, or LB_EIO with libpcap's message in errbuf, or for a compressed
 * input LB_ECORRUPT (cut or damaged: the frames before the damage were
 * decoded) or LB_EIO, with a message (the caller names the file).
 */
LB_WUR int lb_pcap_run(lb_pcap_t *p, lb_decoder_t *d, volatile sig_atomic_t *stop,
		       char *errbuf);

/* more: another capture file follows this one and continues it (rotated
 * files read in order): at its end the decoder's buffered TCP data and IP
 * fragments are kept for the next file instead of being flushed.  Default
 * false (the end of the file is the end of the input). */
void lb_pcap_set_more(lb_pcap_t *p, bool more);

/* The time of the last frame read from the file (filtered out or not; a
 * simple packet's is the one it was given; of a file that ends in a damaged
 * record, the last whole one's before it) into *ts: true, or false if no
 * frame with a time was read (nor given by lb_pcap_set_time_before). */
bool lb_pcap_last_time(const lb_pcap_t *p, struct timeval *ts);

/* The time of the packet before the file's first one: the previous file's
 * last (lb_pcap_last_time), when rotated files are read as one capture.  A
 * pcapng simple packet block before the file's first packet with a time
 * takes it (the rule inside a file, carried across the rotation) instead of
 * being counted as LB_DROP_NO_TIME.  Call before lb_pcap_run. */
void lb_pcap_set_time_before(lb_pcap_t *p, const struct timeval *ts);

/* The time of the file's first frame (whatever the filter; in pcapng the
 * first that has a time: a simple packet block has none), read ahead of
 * decoding to put several files in time order.  It reads the file: p can
 * only be closed afterwards.  0, LB_ENOENT (no frame: an empty or damaged
 * file), or LB_EINVAL (standard input or a live capture: nothing to look
 * ahead in). */
LB_WUR int lb_pcap_first_time(lb_pcap_t *p, struct timeval *ts);

/* Number (from 1) of the frame being decoded: frames a filter (-f) leaves
 * out count too, so it is the frame's number in the file, as tshark gives it. */
uint64_t lb_pcap_frame(const lb_pcap_t *p);

/* For live captures: fn(ctx) is called from lb_pcap_run() whenever a poll
 * finds no packet (at most every 100 ms), e.g. to flush time-based windows. */
void lb_pcap_set_idle(lb_pcap_t *p, void (*fn)(void *ctx), void *ctx);

/* libpcap's own counters for live captures (received, dropped by kernel,
 * dropped by interface); zeros for files. */
void lb_pcap_kernel_stats(lb_pcap_t *p, uint64_t *recv, uint64_t *drop, uint64_t *ifdrop);

/* NULL-safe. */
void lb_pcap_close(lb_pcap_t *p);

#endif
