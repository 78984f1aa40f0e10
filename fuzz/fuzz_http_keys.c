/*
 * fuzz_http_keys.c - the API key file parser (http/keys.c, serve --keys) on
 * arbitrary bytes.  Invariants: a load either fails with a message (nothing
 * kept) or gives keys whose id and secret are non-empty printable tokens,
 * each found again by its secret.
 */
#include <ctype.h>
#include <string.h>

#include "file_common.h"
#include "http/http.h"
#include "util/err.h"

static void check_token(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);
	if (n == 0 || n > max)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)s[i]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], msg[256] = "";
	int fd = fz_file(data, size, path, sizeof path);
	lb_keyset_t ks;
	int err = lb_keys_load(path, &ks, msg, sizeof msg);
	close(fd);
	if (err != 0) {
		if (err == LB_ENOMEM)
			return 0;
		if (!msg[0] || (err != LB_ETEXT && err != LB_ELIMIT && err != LB_EIO))
			abort();
		if (ks.k || ks.n)
			abort();
		return 0;
	}
	for (size_t i = 0; i < ks.n; i++) {
		check_token(ks.k[i].id, LB_KEY_ID_MAX);
		check_token(ks.k[i].key, LB_KEY_MAX);
		if (!lb_keys_find(&ks, ks.k[i].key))
			abort();
	}
	lb_keys_free(&ks);
	return 0;
}
