/*
 * file_common.h - for fuzz targets whose parser reads a named file: the
 * input written to an anonymous memory file, named by its /proc/self/fd path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a file: its descriptor (close it after), path in path[]. */
static int fz_file(const uint8_t *data, size_t size, char *path, size_t pathsz)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	snprintf(path, pathsz, "/proc/self/fd/%d", fd);
	return fd;
}
