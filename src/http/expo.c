#include "http/expo.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/addr.h"

#define EXPO_CONNS 16 /* connections at once */

/*
 * libmicrohttpd's timeout is an idle one: 16 clients sending a byte every
 * few seconds held every connection for good, and the scraper got none.  A
 * request must arrive within secs (lb_expo_opts_t) of the connection opening
 * (or the previous answer ending); the reaper shuts down the ones that do not.
 */
struct expo_conn {
	bool used, waiting;
	int fd;
	long long since;
};

struct lb_expo {
	struct MHD_Daemon *d;
	lb_expo_render_fn fn;
	void *ctx;
	unsigned port;
	unsigned secs; /* lb_expo_opts_t's, LB_EXPO_SECS for 0 */
	pthread_mutex_t lock;
	struct expo_conn conns[EXPO_CONNS + 4];
	pthread_t reaper;
	bool reaper_on;
	atomic_bool stopping;
};

static long long mono_secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec;
}

static void *reaper_main(void *arg)
{
	lb_expo_t *e = arg;
	while (!atomic_load(&e->stopping)) {
		usleep(250000);
		long long now = mono_secs();
		pthread_mutex_lock(&e->lock);
		for (size_t i = 0; i < sizeof e->conns / sizeof e->conns[0]; i++) {
			struct expo_conn *c = &e->conns[i];
			if (c->used && c->waiting && now - c->since >= (long long)e->secs) {
				c->waiting = false;
				shutdown(c->fd, SHUT_RDWR); /* open until CLOSED frees the slot */
			}
		}
		pthread_mutex_unlock(&e->lock);
	}
	return NULL;
}

static void set_waiting(lb_expo_t *e, struct MHD_Connection *conn, bool waiting)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct expo_conn *c = ci ? ci->socket_context : NULL;
	if (!c)
		return;
	pthread_mutex_lock(&e->lock);
	c->waiting = waiting;
	c->since = mono_secs();
	pthread_mutex_unlock(&e->lock);
}

static void on_conn(void *cls, struct MHD_Connection *conn, void **socket_context,
		    enum MHD_ConnectionNotificationCode code)
{
	lb_expo_t *e = cls;
	pthread_mutex_lock(&e->lock);
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = NULL;
		for (size_t i = 0; ci && i < sizeof e->conns / sizeof e->conns[0]; i++) {
			if (e->conns[i].used)
				continue;
			e->conns[i] = (struct expo_conn){ true, true, ci->connect_fd, mono_secs() };
			*socket_context = &e->conns[i];
			break;
		}
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
		((struct expo_conn *)*socket_context)->used = false;
		*socket_context = NULL;
	}
	pthread_mutex_unlock(&e->lock);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)req_cls;
	(void)toe;
	set_waiting(cls, conn, true); /* the next request's time starts */
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **req_cls)
{
	(void)version;
	(void)upload;
	(void)req_cls;
	lb_expo_t *e = cls;
	set_waiting(e, conn, false);
	if (*upload_size)
		return MHD_NO;
	if (strcmp(method, "GET") != 0 || strcmp(url, "/metrics") != 0) {
		static const char nf[] = "not found: try /metrics\n";
		struct MHD_Response *r = MHD_create_response_from_buffer(
			sizeof nf - 1, (void *)nf, MHD_RESPMEM_PERSISTENT);
		if (!r)
			return MHD_NO;
		enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_NOT_FOUND, r);
		MHD_destroy_response(r);
		return ret;
	}
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);
	if (!f)
		return MHD_NO;
	e->fn(e->ctx, f);
	fclose(f);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4");
	enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

int lb_expo_start(const char *listen, const lb_expo_opts_t *o, lb_expo_render_fn fn, void *ctx,
		  lb_expo_t **out, const char **msg)
{
	static const lb_expo_opts_t defaults = { 0 };
	if (!o)
		o = &defaults;
	struct sockaddr_storage ss;
	socklen_t slen = 0;
	*out = NULL;
	if (lb_addr_parse(listen, &ss, &slen) != 0) {
		*msg = "want HOST:PORT with a numeric address, e.g. 127.0.0.1:9101 or [::1]:9101";
		return LB_EINVAL;
	}
	if (!lb_addr_is_loopback(&ss) && !o->allow_public) {
		*msg = "metrics have no authentication: listen on a loopback address";
		return LB_EINVAL;
	}
	lb_expo_t *e = calloc(1, sizeof *e);
	if (!e)
		return LB_ENOMEM;
	e->fn = fn;
	e->ctx = ctx;
	e->secs = o->secs ? o->secs : LB_EXPO_SECS;
	pthread_mutex_init(&e->lock, NULL);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	e->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, e, MHD_OPTION_SOCK_ADDR,
				(struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, (unsigned)EXPO_CONNS,
				MHD_OPTION_CONNECTION_TIMEOUT, e->secs,
				MHD_OPTION_NOTIFY_CONNECTION, on_conn, e,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, e, MHD_OPTION_END);
	if (!e->d) {
		pthread_mutex_destroy(&e->lock);
		free(e);
		*msg = "cannot listen there (address in use?)";
		return LB_EIO;
	}
	if (pthread_create(&e->reaper, NULL, reaper_main, e) == 0)
		e->reaper_on = true;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(e->d, MHD_DAEMON_INFO_BIND_PORT);
	e->port = di ? di->port : 0;
	*out = e;
	return 0;
}

unsigned lb_expo_port(const lb_expo_t *e)
{
	return e->port;
}

void lb_expo_stop(lb_expo_t *e)
{
	if (!e)
		return;
	atomic_store(&e->stopping, true);
	if (e->reaper_on)
		pthread_join(e->reaper, NULL);
	MHD_stop_daemon(e->d);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

void lb_expo_stats(FILE *out, const char *prefix, const lb_stats_t *s)
{
	const struct {
		const char *name, *help;
		uint64_t v;
	} c[] = {
		{ "packets_total", "frames handed to the decoder", s->packets },
		{ "bytes_total", "captured bytes handed to the decoder", s->bytes },
		{ "ip_fragments_total", "IP fragments seen", s->ip_fragments },
		{ "ip_reassembled_total", "datagrams completed from fragments", s->ip_reassembled },
		{ "capwap_fragments_total", "CAPWAP data fragments seen", s->capwap_fragments },
		{ "capwap_reassembled_total", "CAPWAP frames completed from fragments",
		  s->capwap_reassembled },
		{ "tunnelled_total", "packets decapsulated at least once", s->tunnels },
		{ "udp_port_guess_total", "DNS responses taken from UDP on no DNS port",
		  s->udp_port_guess },
		{ "dns_messages_total", "DNS messages handed to the parser", s->dns_messages },
		{ "dns_queries_total", "DNS queries seen", s->dns_queries },
		{ "dns_responses_total", "DNS responses parsed", s->dns_responses },
		{ "rrsets_total", "RRset observations produced", s->rrsets },
		{ "negatives_total", "negative observations produced", s->negatives },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		fprintf(out, "# HELP %s_%s %s\n# TYPE %s_%s counter\n%s_%s %llu\n", prefix,
			c[i].name, c[i].help, prefix, c[i].name, prefix, c[i].name,
			(unsigned long long)c[i].v);
	fprintf(out, "# HELP %s_drops_total packets or messages dropped, by reason\n"
		     "# TYPE %s_drops_total counter\n", prefix, prefix);
	for (int i = 0; i < LB_DROP__COUNT; i++)
		fprintf(out, "%s_drops_total{reason=\"%s\"} %llu\n", prefix,
			lb_drop_name((enum lb_drop)i), (unsigned long long)s->drops[i]);
}
