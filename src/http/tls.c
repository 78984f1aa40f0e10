/*
 * tls.c - the HTTPS server's certificate chain and private key, re-read on
 * SIGHUP (lb_http_reload_tls) so that a renewed certificate is served
 * without a restart.
 *
 * libmicrohttpd asks for the credentials of each new TLS session through
 * GnuTLS's retrieve callback (MHD_OPTION_HTTPS_CERT_CALLBACK), which carries
 * no pointer of ours: the current credentials are process-wide (one HTTPS
 * server per process; lb_http_start refuses a second).  A session may go on
 * using the credentials it started with, so every generation loaded is kept
 * until the server stops (one per reload: a few KiB each).
 */
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_impl.h"

#define CHAIN_MAX 16 /* certificates in a chain */

struct lb_tls_cred {
	gnutls_pcert_st pcert[CHAIN_MAX];
	unsigned n;
	gnutls_privkey_t key;
	struct lb_tls_cred *older;
};

static pthread_mutex_t tls_mu = PTHREAD_MUTEX_INITIALIZER;
static struct lb_tls_cred *tls_cur; /* the newest generation; NULL = no HTTPS server */
static bool tls_owned;              /* an HTTPS server of this process holds it */

/* A PEM file's text, NUL-terminated (at most 1 MiB); NULL if unreadable. */
static char *read_pem(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 20, n;
	char *b = malloc(cap + 1);
	if (b) {
		n = fread(b, 1, cap + 1, f);
		if (n == 0 || n > cap || ferror(f)) {
			free(b);
			b = NULL;
		} else {
			b[n] = 0;
			*len = n;
		}
	}
	fclose(f);
	return b;
}

static void cred_free(struct lb_tls_cred *c)
{
	while (c) {
		struct lb_tls_cred *o = c->older;
		for (unsigned i = 0; i < c->n; i++)
			gnutls_pcert_deinit(&c->pcert[i]);
		if (c->key)
			gnutls_privkey_deinit(c->key);
		free(c);
		c = o;
	}
}

/* Whether the private key is the one the chain's first certificate names. */
static bool key_matches(const struct lb_tls_cred *c)
{
	gnutls_pubkey_t pk;
	if (gnutls_pubkey_init(&pk) < 0)
		return false;
	unsigned char a[64], b[64];
	size_t la = sizeof a, lb = sizeof b;
	bool ok = gnutls_pubkey_import_privkey(pk, c->key, 0, 0) >= 0 &&
		  gnutls_pubkey_get_key_id(pk, 0, a, &la) >= 0 &&
		  gnutls_pubkey_get_key_id(c->pcert[0].pubkey, 0, b, &lb) >= 0 && la == lb &&
		  memcmp(a, b, la) == 0;
	gnutls_pubkey_deinit(pk);
	return ok;
}

/* Load cert_file (a PEM chain, the server's certificate first) and key_file
 * (its PEM private key). */
static int cred_load(const char *cert_file, const char *key_file, struct lb_tls_cred **out,
		     const char **msg)
{
	*out = NULL;
	size_t cl = 0, kl = 0;
	char *cert = read_pem(cert_file, &cl);
	char *key = read_pem(key_file, &kl);
	struct lb_tls_cred *c = calloc(1, sizeof *c);
	int err = LB_EINVAL;
	if (!c) {
		*msg = "out of memory";
		err = LB_ENOMEM;
		goto out;
	}
	if (!cert) {
		*msg = "cannot read the --tls-cert file (a PEM certificate)";
		goto out;
	}
	if (!key) {
		*msg = "cannot read the --tls-key file (a PEM private key)";
		goto out;
	}
	gnutls_datum_t cd = { (unsigned char *)cert, (unsigned)cl };
	gnutls_datum_t kd = { (unsigned char *)key, (unsigned)kl };
	unsigned n = CHAIN_MAX;
	if (gnutls_pcert_list_import_x509_raw(c->pcert, &n, &cd, GNUTLS_X509_FMT_PEM, 0) < 0 || !n) {
		*msg = "the --tls-cert file holds no PEM certificate chain GnuTLS reads "
		       "(at most 16 certificates, the server's first)";
		goto out;
	}
	c->n = n;
	if (gnutls_privkey_init(&c->key) < 0 ||
	    gnutls_privkey_import_x509_raw(c->key, &kd, GNUTLS_X509_FMT_PEM, NULL, 0) < 0) {
		*msg = "the --tls-key file holds no unencrypted PEM private key GnuTLS reads";
		goto out;
	}
	if (!key_matches(c)) {
		*msg = "the --tls-key private key is not the key of the --tls-cert certificate";
		goto out;
	}
	*out = c;
	c = NULL;
	err = 0;
out:
	cred_free(c);
	free(cert);
	if (key) /* the private key leaves no copy behind */
		explicit_bzero(key, kl);
	free(key);
	return err;
}

/* GnuTLS's retrieve callback (gnutls_certificate_retrieve_function2). */
static int retrieve(gnutls_session_t s, const gnutls_datum_t *req_ca, int nreq,
		    const gnutls_pk_algorithm_t *pk, int npk, gnutls_pcert_st **pcert,
		    unsigned int *pcert_length, gnutls_privkey_t *key)
{
	(void)s, (void)req_ca, (void)nreq, (void)pk, (void)npk;
	pthread_mutex_lock(&tls_mu);
	struct lb_tls_cred *c = tls_cur;
	pthread_mutex_unlock(&tls_mu);
	if (!c)
		return -1;
	*pcert = c->pcert;
	*pcert_length = c->n;
	*key = c->key;
	return 0;
}

int lb_tls_open(const char *cert_file, const char *key_file, void **callback, const char **msg)
{
	struct lb_tls_cred *c;
	int err = cred_load(cert_file, key_file, &c, msg);
	if (err)
		return err;
	pthread_mutex_lock(&tls_mu);
	bool busy = tls_owned;
	if (!busy) {
		tls_cur = c;
		tls_owned = true;
	}
	pthread_mutex_unlock(&tls_mu);
	if (busy) {
		cred_free(c);
		*msg = "this process already runs an HTTPS server";
		return LB_EINVAL;
	}
	*callback = (void *)&retrieve;
	return 0;
}

int lb_tls_reload(const char *cert_file, const char *key_file, const char **msg)
{
	struct lb_tls_cred *c;
	int err = cred_load(cert_file, key_file, &c, msg);
	if (err)
		return err;
	pthread_mutex_lock(&tls_mu);
	c->older = tls_cur;
	tls_cur = c;
	pthread_mutex_unlock(&tls_mu);
	return 0;
}

void lb_tls_close(void)
{
	pthread_mutex_lock(&tls_mu);
	struct lb_tls_cred *c = tls_cur;
	tls_cur = NULL;
	tls_owned = false;
	pthread_mutex_unlock(&tls_mu);
	cred_free(c);
}
