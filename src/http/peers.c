/*
 * peers.c - open connections per client address, for `serve
 * --max-conns-per-ip`: one client must not take every connection slot.
 *
 * libmicrohttpd has a limit of its own (MHD_OPTION_PER_IP_CONNECTION_LIMIT),
 * but it closes the connection before any callback of ours runs, so what it
 * refuses cannot be counted in /metrics.  This table is asked twice: by the
 * accept policy callback (a check: the connection is closed before
 * libmicrohttpd sets it up) and when the connection starts (the count, taken
 * under the lock, so connections accepted at once by two worker threads
 * cannot both pass); the close gives the count back.
 */
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_impl.h"
#include "util/hash.h"

#define PEER_BUCKETS 1024 /* a power of 2 */

struct peer {
	uint8_t addr[16]; /* IPv6, or IPv4 as ::ffff:a.b.c.d */
	unsigned n;
	struct peer *next;
};

struct lb_peers {
	pthread_mutex_t lock;
	unsigned max_each;
	uint64_t seed;
	struct peer *b[PEER_BUCKETS];
};

lb_peers_t *lb_peers_new(unsigned max_each)
{
	lb_peers_t *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	p->max_each = max_each;
	p->seed = lb_hash_seed();
	return p;
}

void lb_peers_free(lb_peers_t *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < PEER_BUCKETS; i++)
		for (struct peer *e = p->b[i], *nx; e; e = nx) {
			nx = e->next;
			free(e);
		}
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* The address of sa as 16 bytes; false for a family without addresses
 * (not limited). */
static bool peer_key(const struct sockaddr *sa, uint8_t key[16])
{
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET) {
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		memcpy(key, mapped, 12);
		memcpy(key + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return true;
	}
	return false;
}

/* The entry of key in its bucket (*pp: the link to it), or NULL. */
static struct peer *peer_find(lb_peers_t *p, const uint8_t key[16], struct peer ***pp)
{
	struct peer **l = &p->b[lb_hash64(key, 16, p->seed) & (PEER_BUCKETS - 1)];
	for (; *l; l = &(*l)->next)
		if (!memcmp((*l)->addr, key, 16))
			break;
	*pp = l;
	return *l;
}

bool lb_peers_room(lb_peers_t *p, const struct sockaddr *sa)
{
	uint8_t key[16];
	if (!p || !peer_key(sa, key))
		return true;
	pthread_mutex_lock(&p->lock);
	struct peer **l;
	struct peer *e = peer_find(p, key, &l);
	bool room = !e || e->n < p->max_each;
	pthread_mutex_unlock(&p->lock);
	return room;
}

int lb_peers_take(lb_peers_t *p, const struct sockaddr *sa)
{
	uint8_t key[16];
	if (!p || !peer_key(sa, key))
		return 0;
	int ret = 1;
	pthread_mutex_lock(&p->lock);
	struct peer **l;
	struct peer *e = peer_find(p, key, &l);
	if (!e) {
		e = calloc(1, sizeof *e);
		if (!e) {
			ret = 0; /* no memory for the entry: let it in, uncounted */
			goto out;
		}
		memcpy(e->addr, key, 16);
		*l = e;
	}
	if (e->n >= p->max_each)
		ret = -1;
	else
		e->n++;
out:
	pthread_mutex_unlock(&p->lock);
	return ret;
}

void lb_peers_give(lb_peers_t *p, const struct sockaddr *sa)
{
	uint8_t key[16];
	if (!p || !peer_key(sa, key))
		return;
	pthread_mutex_lock(&p->lock);
	struct peer **l;
	struct peer *e = peer_find(p, key, &l);
	if (e && e->n && --e->n == 0) {
		*l = e->next;
		free(e);
	}
	pthread_mutex_unlock(&p->lock);
}

unsigned lb_peers_count(lb_peers_t *p, const struct sockaddr *sa)
{
	uint8_t key[16];
	if (!p || !peer_key(sa, key))
		return 0;
	pthread_mutex_lock(&p->lock);
	struct peer **l;
	struct peer *e = peer_find(p, key, &l);
	unsigned n = e ? e->n : 0;
	pthread_mutex_unlock(&p->lock);
	return n;
}
