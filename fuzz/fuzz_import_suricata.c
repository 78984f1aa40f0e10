/*
 * fuzz_import_suricata.c - the suricata importer on arbitrary input (see
 * import_common.h).  Besides the common invariants: a denial is of a name
 * the events mention (the question's, or the end of a CNAME chain logged in
 * them: v1 failure events, v2/v3 answers) - checked on plain input without
 * JSON escapes (a backslash could spell a name any way), as the name's
 * labels joined by dots, case-insensitively, somewhere in the input.
 */
#include <ctype.h>

#include "import_common.h"
#include "util/zread.h"

static char *fz_low;      /* the input lowercased, or NULL: no name check */
static size_t fz_low_len;

static void neg_named(const lb_obs_neg_t *o)
{
	if (!fz_low || o->qname_len <= 1)
		return;
	char t[LB_NAME_MAX];
	size_t k = 0;
	for (size_t i = 0; o->qname[i]; i += 1 + o->qname[i]) {
		if (k)
			t[k++] = '.';
		for (size_t j = 1; j <= o->qname[i]; j++) {
			uint8_t c = o->qname[i + j];
			if (c == '.' || c == 0)
				return; /* not spelled plainly */
			t[k++] = (char)tolower(c);
		}
	}
	if (!memmem(fz_low, fz_low_len, t, k))
		abort(); /* a denial of a name no event mentions */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_neg_check = neg_named;
	fz_low = NULL;
	if (lb_zr_sniff(data, size) == LB_ZR_PLAIN && !memchr(data, '\\', size) &&
	    (fz_low = malloc(size ? size : 1))) {
		for (size_t i = 0; i < size; i++)
			fz_low[i] = (char)tolower(data[i]);
		fz_low_len = size;
	}
	int rc = fz_run(LB_FMT_SURICATA, data, size);
	free(fz_low);
	fz_low = NULL;
	return rc;
}
