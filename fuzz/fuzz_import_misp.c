/* fuzz_import_misp.c - the MISP CSV importer on arbitrary input (see import_common.h). */
#include "import_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run(LB_FMT_MISP, data, size);
}
