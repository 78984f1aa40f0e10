/*
 * zread.h - a byte stream over plain, gzip, zstd or xz input, decompressed
 * as it is read.
 *
 * The codec is told by the first bytes (gzip 1f 8b, zstd 28 b5 2f fd, xz
 * fd 37 7a 58 5a 00); anything else is plain and handed out as it is (read
 * straight into the caller's buffer: no copy).  Concatenated gzip members,
 * zstd frames (skippable ones included) and xz streams are all read.  Used
 * by the line reader (import), the capture file reader and the dnstap file
 * reader (tap -r).
 *
 * Memory is bounded whatever the input: one raw buffer of LB_ZR_CHUNK bytes
 * (none for memory input), and the decoder's: gzip a 32 KiB window, zstd a
 * window of at most 128 MiB (libzstd's default limit), xz at most
 * LB_ZR_XZ_MEMLIMIT (an xz header names its dictionary size, up to 4 GiB,
 * and liblzma fills as much of it as the stream decodes to); a stream past
 * these is LB_ECORRUPT.
 *
 * Errors: LB_ECORRUPT when the compressed data does not decode, when the
 * input ends inside a gzip member, zstd frame or xz stream (a cut file), or
 * when bytes that are not a further member follow one; LB_EIO for a failed
 * read(2); LB_EINTR when the stop flag (lb_zr_set_stop) ended a read.
 * Whatever decoded before the damage is handed out first: the error comes
 * from the read after it, and then from every later read (sticky).
 */
#ifndef LB_UTIL_ZREAD_H
#define LB_UTIL_ZREAD_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/err.h"

#define LB_ZR_CHUNK (256 * 1024)
/* xz decoder memory (xz -9 needs 65 MiB) */
#define LB_ZR_XZ_MEMLIMIT (256u << 20)
/* bytes that tell every codec apart (the xz magic is the longest) */
#define LB_ZR_MAGIC_LEN 6

typedef enum lb_zr_codec {
	LB_ZR_UNKNOWN = 0, /* not yet read */
	LB_ZR_PLAIN,
	LB_ZR_GZIP,
	LB_ZR_ZSTD,
	LB_ZR_XZ,
} lb_zr_codec_t;

typedef struct lb_zr lb_zr_t;

/* The codec the first n bytes of an input name (n < LB_ZR_MAGIC_LEN only
 * when the input is that short): never LB_ZR_UNKNOWN. */
lb_zr_codec_t lb_zr_sniff(const void *head, size_t n);
/* "plain", "gzip", "zstd", "xz" ("unknown" before the first read). */
const char *lb_zr_codec_name(lb_zr_codec_t c);

/* Read fd (borrowed: the caller closes it, after lb_zr_close) from where it
 * stands.  Errors: LB_ENOMEM. */
LB_WUR int lb_zr_open_fd(int fd, lb_zr_t **out);
/* Read a memory buffer (borrowed: it must outlive the reader). */
LB_WUR int lb_zr_open_mem(const void *buf, size_t len, lb_zr_t **out);

/* Call idle(ctx) after each read(2) of the input and at least every 250 ms
 * while it is quiet (lb_fd_wait: a pipe from `tail -F` or `tcpdump -w -`),
 * and when a signal interrupts the wait or the read.  NULL = none, and reads
 * block in read(2). */
void lb_zr_set_idle(lb_zr_t *z, void (*idle)(void *), void *ctx);
/* With stop set (a signal handler's flag), the next read(2) or wait ends the
 * stream with LB_EINTR. */
void lb_zr_set_stop(lb_zr_t *z, volatile sig_atomic_t *stop);

/* Read the first bytes and tell the codec, if not done yet (lb_zr_read does
 * it too).  Returns 0 or an error (LB_EIO, LB_EINTR, LB_ENOMEM when the
 * decoder cannot start). */
LB_WUR int lb_zr_detect(lb_zr_t *z);
lb_zr_codec_t lb_zr_codec(const lb_zr_t *z);

/* Up to n (> 0) decompressed bytes into dst: returns how many (> 0, maybe
 * fewer than n: whatever one read or one decoder step gives; a pipe is not
 * waited on for more), 0 at the clean end of the input, or an error (above). */
LB_WUR ssize_t lb_zr_read(lb_zr_t *z, void *dst, size_t n);

/* Raw (compressed) bytes taken from the input so far, and decompressed
 * bytes handed out. */
uint64_t lb_zr_in_bytes(const lb_zr_t *z);
uint64_t lb_zr_out_bytes(const lb_zr_t *z);

/* Free the reader (not its fd).  NULL-safe. */
void lb_zr_close(lb_zr_t *z);

#endif
