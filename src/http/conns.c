/*
 * conns.c - the request-header deadline of open connections (the struct
 * conn comment in http_impl.h): the reaper thread cuts a connection whose
 * request line and headers did not arrive within o.timeout_secs of the
 * request's start.
 *
 * When does a later request on a keep-alive connection start?  libmicrohttpd
 * reads whatever arrives at once and tells nothing before the request line
 * is whole (uri_cb), and a slow client may dribble that line too.  The
 * kernel does know: TCP_INFO's tcpi_last_data_recv is the time since data
 * last arrived on the socket.  The reaper asks it of each connection that
 * waits for a request not yet begun (a few per second: nothing is added to
 * the answering path); data newer than the wait's start begins the request.
 * The kernel gives that time in jiffies (1 to 10 ms), so data within
 * ARRIVAL_SLACK_MS of the wait's start, the previous request's own bytes
 * among it, is not taken for the next request's: a request whose first byte
 * came that soon begins at the next data it sends.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http_impl.h"

#define REAPER_TICK_MS 250
#define ARRIVAL_SLACK_MS 12 /* a jiffy at HZ=100 and some */

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void lb_http_conn_wait(struct conn *cn, bool begun)
{
	atomic_store(&cn->wait, mono_ms() * 2 + (begun ? 1 : 0));
}

void lb_http_conn_claimed(struct conn *cn) { atomic_store(&cn->wait, -1); }

/* When data last arrived on fd, on the mono_ms clock (now); -1 when the
 * kernel does not say. */
static long long last_data_ms(int fd, long long now)
{
	struct tcp_info ti;
	socklen_t n = sizeof ti;
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &n) ||
	    n < offsetof(struct tcp_info, tcpi_last_data_recv) + sizeof ti.tcpi_last_data_recv)
		return -1;
	return now - (long long)ti.tcpi_last_data_recv;
}

void *lb_http_reaper_main(void *arg)
{
	lb_http_t *h = arg;
	/* cut on the last tick before the time is up: a request that has
	 * gone quiet as well (libmicrohttpd stopped reading one that overflowed
	 * its memory) would otherwise be closed by the idle timeout of the
	 * same length at the same moment, not counted as slow nor as 408 */
	long long limit = (long long)h->o.timeout_secs * 1000 - REAPER_TICK_MS;
	while (!atomic_load(&h->stopping)) {
		usleep(REAPER_TICK_MS * 1000);
		long long now = mono_ms();
		pthread_mutex_lock(&h->conn_lock);
		for (struct conn *cn = h->conns; cn; cn = cn->next) {
			long long w = atomic_load(&cn->wait);
			if (w < 0)
				continue;
			long long since = w / 2;
			if (!(w & 1)) {
				/* idle between requests (libmicrohttpd's idle
				 * timeout bounds that) until data comes */
				long long last = last_data_ms(cn->fd, now);
				if (last >= 0 && last <= since + ARRIVAL_SLACK_MS)
					continue;
				/* it began when that data came (the last of it:
				 * up to a tick late), or, without TCP_INFO, when
				 * the wait did */
				long long nw = (last >= 0 ? last : since) * 2 + 1;
				/* (a worker may have moved the wait on meanwhile:
				 * then it is left for the next tick) */
				if (!atomic_compare_exchange_strong(&cn->wait, &w, nw))
					continue;
				w = nw;
				since = nw / 2;
			}
			if (now - since < limit)
				continue;
			if (!atomic_compare_exchange_strong(&cn->wait, &w, -1))
				continue; /* its headers came in just now */
			/* the fd stays open until conn_cb's CLOSED has unlinked
			 * cn (under this lock): libmicrohttpd sees the end of
			 * input and closes the connection itself */
			atomic_store(&cn->cut, true);
			shutdown(cn->fd, SHUT_RDWR);
			atomic_fetch_add(&h->slow_conns, 1);
		}
		pthread_mutex_unlock(&h->conn_lock);
	}
	return NULL;
}
