/*
 * fstrm_server.c - Frame Streams listener: unix and TCP sockets, one poll()
 * loop, many clients.  Each client has its own lb_fstrm_conn_t; a client that
 * violates the protocol is closed and counted, the others go on.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sources/dnstap.h"

struct client {
	int fd;
	lb_fstrm_conn_t *conn;
	bool closing; /* stream ended: flush replies then close */
	time_t since; /* accepted at (monotonic seconds) */
	time_t last;  /* bytes last came (monotonic seconds) */
};

struct lb_tap_server {
	lb_dnstap_t *d;
	size_t data_max;
	unsigned max_clients;
	unsigned handshake_secs;
	int unix_fd, tcp_fd;
	int tcp_port;
	char *unix_path;   /* set only if we created the socket file */
	struct client *cl;
	unsigned ncl;
	struct pollfd *pfd;
};

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

static int open_unix(lb_tap_server_t *s, const char *path, char *errbuf)
{
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(errbuf, 256, "unix socket path too long: %s", path);
		return LB_EINVAL;
	}
	strcpy(sa.sun_path, path);
	struct stat sb;
	int fd = -1;
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode)) {
			snprintf(errbuf, 256, "%s exists and is not a socket", path);
			return LB_EINVAL;
		}
		/* stale (from an earlier run) if nobody accepts on it; a live one
		 * is another listener's, which unlinking would cut off unseen */
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			goto fail;
		bool live = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
		close(fd);
		fd = -1;
		if (live) {
			snprintf(errbuf, 256, "unix socket %s: another process is listening on it", path);
			return LB_EINVAL;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		goto fail;
	s->unix_path = strdup(path);
	if (listen(fd, 64) < 0 || set_nonblock(fd) < 0)
		goto fail;
	s->unix_fd = fd;
	return 0;
fail:;
	int e = errno;
	snprintf(errbuf, 256, "unix socket %s: %s", path, strerror(e));
	if (fd >= 0)
		close(fd);
	return -e;
}

static int open_tcp(lb_tap_server_t *s, const char *spec, char *errbuf)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof host || !colon[1]) {
		snprintf(errbuf, 256, "bad listen address '%s' (want ADDR:PORT)", spec);
		return LB_EINVAL;
	}
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = 0;
	if (host[0] == '[') { /* [v6]:port */
		size_t hl = strlen(host);
		if (hl < 3 || host[hl - 1] != ']') {
			snprintf(errbuf, 256, "bad listen address '%s'", spec);
			return LB_EINVAL;
		}
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = 0;
	}
	/* getaddrinfo takes "99999" as port 34463 and " 80" or "+80" as 80 */
	size_t pl = strspn(colon + 1, "0123456789");
	if (pl == 0 || pl > 5 || colon[1 + pl] || atol(colon + 1) > 65535) {
		snprintf(errbuf, 256, "bad listen address '%s': the port is not a number 0..65535",
			 spec);
		return LB_EINVAL;
	}
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	int g = getaddrinfo(host, colon + 1, &hints, &res);
	if (g != 0) {
		snprintf(errbuf, 256, "bad listen address '%s': %s", spec, gai_strerror(g));
		return LB_EINVAL;
	}
	int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 64) < 0 ||
	    set_nonblock(fd) < 0)
		goto fail;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		s->tcp_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
							     : ((struct sockaddr_in *)&ss)->sin_port);
	freeaddrinfo(res);
	s->tcp_fd = fd;
	return 0;
fail:;
	int e = errno;
	snprintf(errbuf, 256, "tcp %s: %s", spec, strerror(e));
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	return -e;
}

int lb_tap_server_new(const lb_tap_server_opts_t *o, lb_dnstap_t *d, lb_tap_server_t **out,
		      char *errbuf)
{
	*out = NULL;
	errbuf[0] = 0;
	lb_tap_server_t *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(errbuf, 256, "out of memory");
		return LB_ENOMEM;
	}
	s->d = d;
	s->data_max = o->data_max;
	s->max_clients = o->max_clients ? o->max_clients : 256;
	s->handshake_secs = o->handshake_secs ? o->handshake_secs : 10;
	s->unix_fd = s->tcp_fd = -1;
	s->cl = calloc(s->max_clients, sizeof *s->cl);
	s->pfd = calloc(s->max_clients + 2, sizeof *s->pfd);
	int rc = 0;
	if (!s->cl || !s->pfd) {
		snprintf(errbuf, 256, "out of memory");
		rc = LB_ENOMEM;
		goto fail;
	}
	if (o->unix_path && (rc = open_unix(s, o->unix_path, errbuf)) != 0)
		goto fail;
	if (o->tcp_addr && (rc = open_tcp(s, o->tcp_addr, errbuf)) != 0)
		goto fail;
	if (s->unix_fd < 0 && s->tcp_fd < 0) {
		snprintf(errbuf, 256, "no socket to listen on");
		rc = LB_EINVAL;
		goto fail;
	}
	*out = s;
	return 0;
fail:
	lb_tap_server_free(s);
	return rc;
}

int lb_tap_server_tcp_port(const lb_tap_server_t *s)
{
	return s->tcp_port;
}

unsigned lb_tap_server_clients(const lb_tap_server_t *s)
{
	return s->ncl;
}

static void client_close(lb_tap_server_t *s, unsigned i)
{
	close(s->cl[i].fd);
	lb_fstrm_conn_free(s->cl[i].conn);
	s->cl[i] = s->cl[--s->ncl];
}

static time_t mono_secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * A client that connects and never starts its stream (no READY, no START)
 * would hold one of max_clients for good: enough of them and no resolver
 * could connect.  Frame Streams sets no time for the handshake; a writer
 * sends it at once, so one that has not started within handshake_secs is
 * closed.  A started stream may be quiet as long as it likes.
 */
static void close_unstarted(lb_tap_server_t *s)
{
	time_t now = mono_secs();
	for (unsigned i = s->ncl; i-- > 0;) {
		if (lb_fstrm_conn_started(s->cl[i].conn) ||
		    now - s->cl[i].since < (time_t)s->handshake_secs)
			continue;
		lb_dnstap_stats(s->d)->clients_timed_out++;
		client_close(s, i);
	}
}

/*
 * A started stream may be quiet for good, so max_clients writers that start
 * and then send nothing (or half a frame) locked every other resolver out.
 * When the table is full, a new client takes the place of the one quiet the
 * longest, if that one has been quiet handshake_secs or more: its stream ends
 * as if it had hung up (a partial frame counted as bad_truncated); a real
 * writer reconnects.  1 if a place was made.
 */
static int evict_quiet(lb_tap_server_t *s)
{
	time_t now = mono_secs();
	unsigned best = s->ncl;
	for (unsigned i = 0; i < s->ncl; i++)
		if (now - s->cl[i].last >= (time_t)s->handshake_secs &&
		    (best == s->ncl || s->cl[i].last < s->cl[best].last))
			best = i;
	if (best == s->ncl)
		return 0;
	(void)lb_fstrm_conn_closed(s->cl[best].conn);
	lb_dnstap_stats(s->d)->clients_evicted++;
	client_close(s, best);
	return 1;
}

static void accept_all(lb_tap_server_t *s, int lfd)
{
	for (int k = 0; k < 64; k++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN, or a transient error: try again next round */
		if (s->ncl >= s->max_clients && !evict_quiet(s)) {
			close(fd);
			lb_dnstap_stats(s->d)->clients_refused++;
			continue;
		}
		lb_fstrm_conn_t *c = lb_fstrm_conn_new(true, s->data_max, lb_dnstap_frame, s->d,
							lb_dnstap_stats(s->d));
		if (!c) {
			close(fd);
			lb_dnstap_stats(s->d)->clients_refused++;
			continue;
		}
		s->cl[s->ncl].fd = fd;
		s->cl[s->ncl].conn = c;
		s->cl[s->ncl].closing = false;
		s->cl[s->ncl].since = s->cl[s->ncl].last = mono_secs();
		s->ncl++;
	}
}

/* Write pending replies; false if the client must be closed. */
static bool client_flush(struct client *c)
{
	const uint8_t *p;
	size_t n;
	while ((n = lb_fstrm_conn_pending(c->conn, &p)) > 0) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false; /* replies are tiny: a full socket buffer means a dead peer */
		lb_fstrm_conn_sent(c->conn, (size_t)w);
	}
	return true;
}

/* Read what is there; false if the client is to be closed now. */
static bool client_read(lb_tap_server_t *s, struct client *c)
{
	for (int rounds = 0; rounds < 16; rounds++) {
		uint8_t *p;
		size_t space = lb_fstrm_conn_space(c->conn, &p);
		if (space == 0)
			return false;
		ssize_t n = recv(c->fd, p, space, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return true;
			(void)lb_fstrm_conn_closed(c->conn);
			return false;
		}
		if (n == 0) {
			(void)lb_fstrm_conn_closed(c->conn);
			return false;
		}
		c->last = mono_secs();
		int r = lb_fstrm_conn_commit(c->conn, (size_t)n);
		if (r < 0) {
			lb_dnstap_stats(s->d)->clients_dropped++;
			return false;
		}
		if (!client_flush(c))
			return false;
		if (r == 1) {
			c->closing = true;
			return false; /* FINISH sent: the stream is over */
		}
		if ((size_t)n < space)
			return true;
	}
	return true;
}

int lb_tap_server_run(lb_tap_server_t *s, volatile sig_atomic_t *stop, void (*after_batch)(void *),
		      void *ctx)
{
	while (!*stop) {
		close_unstarted(s); /* before the poll set: its indices follow s->cl */
		nfds_t n = 0;
		if (s->unix_fd >= 0)
			s->pfd[n++] = (struct pollfd){ .fd = s->unix_fd, .events = POLLIN };
		if (s->tcp_fd >= 0)
			s->pfd[n++] = (struct pollfd){ .fd = s->tcp_fd, .events = POLLIN };
		nfds_t first = n;
		for (unsigned i = 0; i < s->ncl; i++)
			s->pfd[n++] = (struct pollfd){ .fd = s->cl[i].fd, .events = POLLIN };
		int r = poll(s->pfd, n, 250);
		if (r <= 0) {
			if (r < 0 && errno != EINTR)
				return -errno;
			/* quiet (or a signal): the caller still ticks its window */
			if (after_batch)
				after_batch(ctx);
			continue;
		}
		/* clients first (indices match s->cl before any accept or close) */
		unsigned ncl = s->ncl;
		for (unsigned i = ncl; i-- > 0;) {
			if (!s->pfd[first + i].revents)
				continue;
			if (!client_read(s, &s->cl[i]))
				client_close(s, i);
		}
		for (nfds_t k = 0; k < first; k++)
			if (s->pfd[k].revents & POLLIN)
				accept_all(s, s->pfd[k].fd);
		if (after_batch)
			after_batch(ctx);
	}
	/* Stopping: what the clients sent before the stop is read, and a stream
	 * its writer closed is counted as such, not dropped with its socket (a
	 * resolver that exits just before lookback does). */
	for (int pass = 0; pass < 64 && s->ncl > 0; pass++) {
		for (unsigned i = 0; i < s->ncl; i++)
			s->pfd[i] = (struct pollfd){ .fd = s->cl[i].fd, .events = POLLIN };
		if (poll(s->pfd, s->ncl, 0) <= 0)
			break;
		for (unsigned i = s->ncl; i-- > 0;)
			if (s->pfd[i].revents && !client_read(s, &s->cl[i]))
				client_close(s, i);
	}
	if (after_batch)
		after_batch(ctx);
	return 0;
}

void lb_tap_server_free(lb_tap_server_t *s)
{
	if (!s)
		return;
	while (s->ncl > 0)
		client_close(s, s->ncl - 1);
	if (s->unix_fd >= 0)
		close(s->unix_fd);
	if (s->tcp_fd >= 0)
		close(s->tcp_fd);
	if (s->unix_path)
		unlink(s->unix_path);
	free(s->unix_path);
	free(s->cl);
	free(s->pfd);
	free(s);
}
