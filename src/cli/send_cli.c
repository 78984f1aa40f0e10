/*
 * send_cli.c - shared --send options of capture, tap and import.
 */
#include "cli/send_cli.h"
#include "cli/cmds.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int parse_bytes(const char *s, unsigned long long *out)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned long long mul = 1;
	if (*end == 'k' || *end == 'K')
		mul = 1ull << 10;
	else if (*end == 'm' || *end == 'M')
		mul = 1ull << 20;
	else if (*end == 'g' || *end == 'G')
		mul = 1ull << 30;
	if (mul > 1)
		end++;
	if (*end || v > (1ull << 50) / mul)
		return -1;
	*out = v * mul;
	return 0;
}

int lb_send_cli_opt(lb_send_cli_t *s, const char *prog, int c, const char *arg)
{
	switch (c) {
	case LB_SEND_O_SEND: s->addr = arg; return 1;
	case LB_SEND_O_SPOOL: s->spool = arg; return 1;
	case LB_SEND_O_KEYFILE: s->key_file = arg; return 1;
	case LB_SEND_O_SPOOL_MAX:
		if (parse_bytes(arg, &s->spool_max) || s->spool_max < (8ull << 20)) {
			fprintf(stderr, "lookback %s: --spool-max takes a size of at least 8M (e.g. 1G)\n", prog);
			return -1;
		}
		return 1;
	case LB_SEND_O_WAIT: {
		char *end;
		long v = strtol(arg, &end, 10);
		if (!*arg || *end || v < 0 || v > 86400 * 365) {
			fprintf(stderr, "lookback %s: --send-wait takes seconds (0 = until delivered)\n", prog);
			return -1;
		}
		s->wait = (unsigned)v;
		return 1;
	}
	default:
		return 0;
	}
}

/* 0, or -1 with errno set (0 when the file has no key on its first line) */
static int read_key(const char *path, char *key, size_t n)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	errno = 0;
	int ok = fgets(key, (int)n, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	key[strcspn(key, "\r\n")] = 0;
	if (!key[0])
		errno = 0;
	return key[0] ? 0 : -1;
}

int lb_send_cli_open(lb_send_cli_t *s, const char *prog, const char *sensor,
		     const lb_window_opts_t *wo, lb_ingest_t **ing)
{
	*ing = NULL;
	char key[LB_WIRE_KEY_MAX + 2] = "";
	if (s->key_file && read_key(s->key_file, key, sizeof key) != 0) {
		fprintf(stderr, "lookback %s: --send-key-file %s: %s\n", prog, s->key_file,
			errno ? strerror(errno) : "no key on its first line");
		return LB_EINVAL;
	}
	lb_sender_opts_t so = { .addr = s->addr, .spool_dir = s->spool, .spool_max = s->spool_max,
				.key = key[0] ? key : NULL, .sensor = sensor };
	char errbuf[256];
	int err = lb_sender_open(&so, &s->snd, errbuf);
	if (err) {
		fprintf(stderr, "lookback %s: --send: %s\n", prog, errbuf);
		return err;
	}
	lb_window_out_t out = lb_sender_out(s->snd);
	err = lb_ingest_open_out(&out, sensor, wo, ing);
	if (err)
		fprintf(stderr, "lookback %s: %s\n", prog, lb_strerror(err));
	return err;
}

int lb_send_cli_check(const lb_send_cli_t *s, const char *prog)
{
	if (s->addr || (!s->spool && !s->key_file && !s->spool_max && !s->wait))
		return 0;
	fprintf(stderr, "lookback %s: %s needs --send HOST:PORT\n", prog,
		s->spool ? "--spool" : s->key_file ? "--send-key-file" : s->spool_max ? "--spool-max"
									     : "--send-wait");
	return -1;
}

int lb_send_cli_exit(int err)
{
	return err == LB_EINVAL || err == LB_ETEXT ? LB_EXIT_USAGE : LB_EXIT_STORE;
}

int lb_send_cli_close(lb_send_cli_t *s, const char *prog, volatile sig_atomic_t *stop, bool stats,
		      FILE *so)
{
	if (!s->snd)
		return 0;
	lb_sender_stats_t st;
	int err = lb_sender_close(s->snd, s->wait, stop, &st);
	s->snd = NULL;
	if (stats)
		lb_sender_stats_print(&st, so);
	if (st.dropped_batches)
		fprintf(stderr, "lookback %s: spool full: %llu oldest batches (%llu records) were dropped\n",
			prog, (unsigned long long)st.dropped_batches, (unsigned long long)st.dropped_records);
	if (err)
		fprintf(stderr, "lookback %s: %llu batches (%llu bytes) not acknowledged by %s%s%s\n", prog,
			(unsigned long long)st.spool_batches, (unsigned long long)st.spool_bytes, s->addr,
			s->spool ? "; they stay in the spool " : "; they are lost (no --spool)",
			s->spool ? s->spool : "");
	return err;
}
