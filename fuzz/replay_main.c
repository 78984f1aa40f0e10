/*
 * replay_main.c - runs a libFuzzer target over files without libFuzzer, so the
 * corpora and crash reproducers replay in every `make check` (optimized and
 * under ASan+UBSan).  Arguments: files or directories (one level).  Prints one
 * TAP line per directory or file argument that exists.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	/* Copy into an exact-size allocation so ASan sees overreads. */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

int main(int argc, char **argv)
{
	int failed = 0, n = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0)
			continue; /* no crash reproducers for this target: nothing to replay */
		if (S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			size_t files = 0;
			int bad = 0;
			struct dirent *e;
			while (d && (e = readdir(d))) {
				if (e->d_name[0] == '.')
					continue;
				char p[4096];
				snprintf(p, sizeof p, "%s/%s", argv[i], e->d_name);
				if (run_file(p) != 0)
					bad = 1;
				files++;
			}
			if (d)
				closedir(d);
			printf("%sok %d - replay %zu inputs from %s\n", bad ? "not " : "", ++n, files, argv[i]);
			failed |= bad;
		} else {
			int bad = run_file(argv[i]) != 0;
			printf("%sok %d - replay %s\n", bad ? "not " : "", ++n, argv[i]);
			failed |= bad;
		}
	}
	return failed;
}
