/* fuzz_import_passivedns.c - the passivedns importer on arbitrary input (see
 * import_common.h).  An input whose first line is "-f LETTERS" is read with
 * those -f fields (--passivedns-fields) and a UTC offset of +01:00, the rest
 * as the log. */
#include "import_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lb_src_opts_t o = { .fmt = LB_FMT_PASSIVEDNS };
	char letters[32];
	const uint8_t *nl = size > 3 ? memchr(data, '\n', size) : NULL;
	if (nl && !memcmp(data, "-f ", 3) && (size_t)(nl - data) - 3 < sizeof letters) {
		size_t n = (size_t)(nl - data) - 3;
		memcpy(letters, data + 3, n);
		letters[n] = 0;
		const char *why;
		if (memchr(letters, 0, n) || lb_src_pd_fields_check(letters, &why))
			return 0;
		o.pd_fields = letters;
		o.pd_utc_offset = 3600;
		o.pd_utc_offset_set = true;
		size -= (size_t)(nl + 1 - data);
		data = nl + 1;
	}
	return fz_run_opts(o, data, size);
}
