/* fuzz_import_suricata.c - the suricata importer on arbitrary input (see import_common.h). */
#include "import_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run(LB_FMT_SURICATA, data, size);
}
