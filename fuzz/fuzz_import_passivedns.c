/* fuzz_import_passivedns.c - the passivedns importer on arbitrary input (see
 * import_common.h).  Leading lines "-f LETTERS" and "-d STR" (each at most
 * once) read the rest as a log written with those -f fields
 * (--passivedns-fields; with a UTC offset of +01:00) and that -d delimiter
 * (--passivedns-delimiter). */
#include "import_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lb_src_opts_t o = { .fmt = LB_FMT_PASSIVEDNS };
	char letters[32], delim[LB_SRC_PD_DELIM_MAX + 1];
	for (int k = 0; k < 2; k++) {
		const uint8_t *nl = size > 3 ? memchr(data, '\n', size) : NULL;
		if (!nl || data[0] != '-' || data[2] != ' ' || (data[1] != 'f' && data[1] != 'd'))
			break;
		bool f = data[1] == 'f';
		char *buf = f ? letters : delim;
		size_t cap = f ? sizeof letters : sizeof delim, n = (size_t)(nl - data) - 3;
		if (n >= cap || (f ? o.pd_fields != NULL : o.pd_delim != NULL))
			return 0;
		memcpy(buf, data + 3, n);
		buf[n] = 0;
		const char *why;
		if (memchr(buf, 0, n))
			return 0;
		if (f) {
			if (lb_src_pd_fields_check(buf, &why))
				return 0;
			o.pd_fields = letters;
			o.pd_utc_offset = 3600;
			o.pd_utc_offset_set = true;
		} else {
			if (lb_src_pd_delim_check(buf, &why))
				return 0;
			o.pd_delim = delim;
		}
		size -= (size_t)(nl + 1 - data);
		data = nl + 1;
	}
	return fz_run_opts(o, data, size);
}
