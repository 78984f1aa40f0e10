#include "http/expo.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/addr.h"

struct lb_expo {
	struct MHD_Daemon *d;
	lb_expo_render_fn fn;
	void *ctx;
	unsigned port;
};

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **req_cls)
{
	(void)version;
	(void)upload;
	(void)req_cls;
	lb_expo_t *e = cls;
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

int lb_expo_start(const char *listen, int allow_public, lb_expo_render_fn fn, void *ctx,
		  lb_expo_t **out, const char **msg)
{
	struct sockaddr_storage ss;
	socklen_t slen = 0;
	*out = NULL;
	if (lb_addr_parse(listen, &ss, &slen) != 0) {
		*msg = "want HOST:PORT with a numeric address, e.g. 127.0.0.1:9101 or [::1]:9101";
		return LB_EINVAL;
	}
	if (!lb_addr_is_loopback(&ss) && !allow_public) {
		*msg = "metrics have no authentication: listen on a loopback address";
		return LB_EINVAL;
	}
	lb_expo_t *e = calloc(1, sizeof *e);
	if (!e)
		return LB_ENOMEM;
	e->fn = fn;
	e->ctx = ctx;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	e->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, e, MHD_OPTION_SOCK_ADDR,
				(struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, (unsigned)16,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10, MHD_OPTION_END);
	if (!e->d) {
		free(e);
		*msg = "cannot listen there (address in use?)";
		return LB_EIO;
	}
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
	MHD_stop_daemon(e->d);
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
		{ "tunnelled_total", "packets decapsulated at least once", s->tunnels },
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
