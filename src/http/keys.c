/*
 * keys.c - the API key file.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_impl.h"

#define KEYS_MAX 100000

static int num(const char *v, uint64_t *out)
{
	if (!*v || strlen(v) > 19)
		return -1;
	uint64_t x = 0;
	for (; *v; v++) {
		if (!isdigit((unsigned char)*v))
			return -1;
		x = x * 10 + (uint64_t)(*v - '0');
	}
	*out = x;
	return 0;
}

static int token_ok(const char *t, size_t max)
{
	size_t n = strlen(t);
	if (n == 0 || n > max)
		return 0;
	for (; *t; t++)
		if (!isgraph((unsigned char)*t))
			return 0;
	return 1;
}

int lb_keys_load(const char *path, lb_keyset_t *out, char *msgbuf, size_t msgsz)
{
	out->k = NULL;
	out->n = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(msgbuf, msgsz, "%s: %s", path, strerror(errno));
		return -errno;
	}
	char line[1024];
	size_t cap = 0, lineno = 0;
	int err = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(msgbuf, msgsz, "%s:%zu: line too long", path, lineno);
			err = LB_ETEXT;
			break;
		}
		char *save = NULL, *id = strtok_r(line, " \t\r\n", &save);
		if (!id || id[0] == '#')
			continue;
		char *key = strtok_r(NULL, " \t\r\n", &save);
		if (!token_ok(id, LB_KEY_ID_MAX) || !key || !token_ok(key, LB_KEY_MAX)) {
			snprintf(msgbuf, msgsz, "%s:%zu: want 'ID KEY [options]'", path, lineno);
			err = LB_ETEXT;
			break;
		}
		if (out->n == KEYS_MAX) {
			snprintf(msgbuf, msgsz, "%s: more than %d keys", path, KEYS_MAX);
			err = LB_ELIMIT;
			break;
		}
		if (out->n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			lb_key_t *nk = realloc(out->k, nc * sizeof *nk);
			if (!nk) {
				err = LB_ENOMEM;
				break;
			}
			out->k = nk;
			cap = nc;
		}
		lb_key_t *k = &out->k[out->n];
		memset(k, 0, sizeof *k);
		strcpy(k->id, id);
		strcpy(k->key, key);
		for (char *o = strtok_r(NULL, " \t\r\n", &save); o; o = strtok_r(NULL, " \t\r\n", &save)) {
			char *eq = strchr(o, '=');
			uint64_t v;
			if (!eq || num(eq + 1, &v)) {
				snprintf(msgbuf, msgsz, "%s:%zu: bad option '%.40s'", path, lineno, o);
				err = LB_ETEXT;
				goto out;
			}
			*eq = 0;
			if (!strcmp(o, "daily"))
				k->daily = v;
			else if (!strcmp(o, "burst"))
				k->burst = v;
			else if (!strcmp(o, "window"))
				k->window = v;
			else if (!strcmp(o, "expires"))
				k->expires = v;
			else if (!strcmp(o, "results_max"))
				k->results_max = v;
			else if (!strcmp(o, "offset_max"))
				k->offset_max = v;
			else {
				snprintf(msgbuf, msgsz, "%s:%zu: unknown option '%.40s'", path, lineno, o);
				err = LB_ETEXT;
				goto out;
			}
		}
		if (k->burst && !k->window)
			k->window = 60;
		for (size_t i = 0; i < out->n; i++)
			if (!strcmp(out->k[i].key, key) || !strcmp(out->k[i].id, id)) {
				snprintf(msgbuf, msgsz, "%s:%zu: duplicate key or id", path, lineno);
				err = LB_ETEXT;
				goto out;
			}
		out->n++;
	}
	if (!err && ferror(f)) {
		snprintf(msgbuf, msgsz, "%s: read error", path);
		err = LB_EIO;
	}
out:
	fclose(f);
	if (err)
		lb_keys_free(out);
	return err;
}

void lb_keys_free(lb_keyset_t *ks)
{
	if (ks->k)
		memset(ks->k, 0, ks->n * sizeof *ks->k); /* secrets do not outlive the set */
	free(ks->k);
	ks->k = NULL;
	ks->n = 0;
}

void lb_keys_carry(lb_keyset_t *nw, const lb_keyset_t *old)
{
	for (size_t i = 0; i < nw->n; i++)
		for (size_t j = 0; j < old->n; j++)
			if (!strcmp(nw->k[i].id, old->k[j].id)) {
				nw->k[i].day = old->k[j].day;
				nw->k[i].used_today = old->k[j].used_today;
				nw->k[i].win_start = old->k[j].win_start;
				nw->k[i].win_used = old->k[j].win_used;
				break;
			}
}

static int ct_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;
	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

lb_key_t *lb_keys_find(lb_keyset_t *ks, const char *key)
{
	for (size_t i = 0; i < ks->n; i++)
		if (ct_equal(ks->k[i].key, key))
			return &ks->k[i];
	return NULL;
}
