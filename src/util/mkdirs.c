/* mkdirs.c - mkdir -p (mkdirs.h) */
#include "util/mkdirs.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

int lb_mkdirs(const char *path, mode_t mode)
{
	char p[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof p) {
		errno = n ? ENAMETOOLONG : ENOENT;
		return -1;
	}
	memcpy(p, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != 0)
			continue;
		char c = p[i];
		p[i] = 0;
		if (mkdir(p, mode) != 0) {
			int e = errno;
			struct stat st;
			if (e != EEXIST || stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
				errno = e == EEXIST ? ENOTDIR : e;
				return -1;
			}
		}
		p[i] = c;
	}
	return 0;
}
