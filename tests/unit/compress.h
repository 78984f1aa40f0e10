/*
 * compress.h - the unit tests' compressors (zlib, libzstd, liblzma): the
 * inputs of the decompressing readers (util/zread, sources/linereader).
 * Include after <cmocka.h>.
 */
#ifndef LB_TESTS_UNIT_COMPRESS_H
#define LB_TESTS_UNIT_COMPRESS_H

#include <lzma.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

/* One gzip member of in[0..n) into out (cap bytes); its length. */
static inline size_t tz_gzip(const void *in, size_t n, uint8_t *out, size_t cap)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t o = cap - z.avail_out;
	deflateEnd(&z);
	return o;
}

/* One zstd frame at level. */
static inline size_t tz_zstd(const void *in, size_t n, uint8_t *out, size_t cap, int level)
{
	size_t zl = ZSTD_compress(out, cap, in, n, level);
	assert_false(ZSTD_isError(zl));
	return zl;
}

/* One xz stream at preset level. */
static inline size_t tz_xz(const void *in, size_t n, uint8_t *out, size_t cap, uint32_t level)
{
	size_t o = 0;
	assert_int_equal(lzma_easy_buffer_encode(level, LZMA_CHECK_CRC64, NULL, (const uint8_t *)in, n,
						 out, &o, cap),
			 LZMA_OK);
	return o;
}

#endif
