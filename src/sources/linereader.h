/*
 * linereader.h - streaming line reader over plain, gzip, zstd or xz input.
 *
 * The compression is detected from the first bytes (gzip 1f 8b, zstd
 * 28 b5 2f fd, xz fd 37 7a 58 5a 00); anything else is read as plain text.
 * Concatenated gzip members, zstd frames and xz streams are all read.
 *
 * The decompression is util/zread.h's.  Memory is bounded whatever the
 * input: one raw buffer of LB_LR_CHUNK bytes (none for memory input) and
 * one line buffer of max_line + LB_LR_CHUNK bytes, and the decoder's:
 * gzip 32 KiB, zstd a window of at most 128 MiB (libzstd's default limit),
 * xz at most LB_LR_XZ_MEMLIMIT (an xz header names its dictionary size, up
 * to 4 GiB, and liblzma fills as much of it as the stream decodes to: 183 kB
 * of xz took 1.2 GB without a limit); a stream past these is LB_ECORRUPT.
 * A line longer than max_line is skipped up to its newline and reported as
 * LB_ELIMIT (its line number is counted), so one absurd line never stops an
 * import.
 *
 * Lines are handed out without the '\n' (and without a '\r' before it); a
 * last line without newline is still a line.  The bytes are NOT
 * NUL-terminated and may contain NUL bytes: parsers use the length.
 */
#ifndef LB_SOURCES_LINEREADER_H
#define LB_SOURCES_LINEREADER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define LB_LR_CHUNK (256 * 1024)
#define LB_LR_DEFAULT_MAX_LINE (1024 * 1024)
/* xz decoder memory (xz -9 needs 65 MiB) */
#define LB_LR_XZ_MEMLIMIT (256u << 20)

typedef struct lb_lr lb_lr_t;

/*
 * Open path ("-" = stdin) for reading lines of at most max_line bytes
 * (0 = LB_LR_DEFAULT_MAX_LINE).  Errors: negated errno (LB_ENOENT ...),
 * LB_ENOMEM, LB_EIO (decompressor could not start).
 */
LB_WUR int lb_lr_open(const char *path, size_t max_line, lb_lr_t **out);

/* Open path only if it is a regular file, the file opened being the one
 * checked (open without blocking, then fstat: no window for a FIFO or a
 * device to take its place between a check and the open); its identity in
 * *sb.  Errors as lb_lr_open, and LB_EINVAL when it is not a regular file. */
struct stat;
LB_WUR int lb_lr_open_regular(const char *path, size_t max_line, lb_lr_t **out, struct stat *sb);

/* Same over a memory buffer (borrowed: must outlive the reader); for tests and fuzzing. */
LB_WUR int lb_lr_open_mem(const void *buf, size_t len, size_t max_line, lb_lr_t **out);

/* Call idle(ctx) after each read of the input and at least every 250 ms while
 * it is quiet (a pipe from `tail -F`) or a signal interrupts the wait: where an
 * importer ticks its aggregation window and answers SIGHUP.  NULL = none. */
void lb_lr_set_idle(lb_lr_t *r, void (*idle)(void *), void *ctx);
/* With stop set (a signal handler's flag), reading ends: lb_lr_next returns
 * LB_EINTR at the next read, a wait included. */
void lb_lr_set_stop(lb_lr_t *r, volatile sig_atomic_t *stop);

/*
 * Next line.  Returns 1 with *line / *len set (borrowed until the next call),
 * 0 at the end of input, LB_ELIMIT for a line longer than max_line (skipped;
 * reading may go on), or a fatal error: LB_EIO (read error), LB_ECORRUPT
 * (compressed data does not decode, ends inside a compressed stream, or
 * needs more decoder memory than the bounds above).
 * After a fatal error every further call returns the same error.
 */
LB_WUR int lb_lr_next(lb_lr_t *r, const char **line, size_t *len);

/* Number of the line last returned (1-based; also counts skipped long lines). */
uint64_t lb_lr_lineno(const lb_lr_t *r);
/* Raw (possibly compressed) bytes consumed so far, and the input size if known (else 0). */
uint64_t lb_lr_in_bytes(const lb_lr_t *r);
uint64_t lb_lr_in_size(const lb_lr_t *r);
/* "plain", "gzip", "zstd" or "xz" (valid after the first lb_lr_next). */
const char *lb_lr_codec(const lb_lr_t *r);
/* Modification time of the input file (0 for stdin, pipes and memory). */
int64_t lb_lr_mtime(const lb_lr_t *r);

/* Close the file (not stdin) and free.  NULL-safe. */
void lb_lr_close(lb_lr_t *r);

#endif
