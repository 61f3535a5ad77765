/*
 * src/metrics: Prometheus metrics.
 *   metrics.c   the handle, publication (capture thread) and the HTTP
 *               server on libmicrohttpd's own thread
 *   snapshot.c  filling a snapshot from the modules (capture thread)
 *   expo.c      the text exposition format and label escaping
 *
 * Publication is a pointer swap under a try-lock: the capture thread
 * never waits. A scrape takes the lock only to copy the published
 * snapshot, then formats and sends without it, so a slow client holds
 * nothing the capture thread needs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "floodspot/log.h"
#include "metrics_int.h"

#define CONN_LIMIT 16		/* clients at once */
#define CONN_TIMEOUT_S 10	/* an idle client is closed after this */
#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

int fs_metrics_parse_addr(const char *text, struct sockaddr_storage *out,
			  char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	char host[64];
	const char *port;
	memset(&ss, 0, sizeof(ss));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || close[1] != ':' || (size_t)(close - text - 1) >= sizeof(host)) {
			snprintf(err, errlen, "'%s' is not [IPv6]:PORT", text);
			return -1;
		}
		memcpy(host, text + 1, (size_t)(close - text - 1));
		host[close - text - 1] = '\0';
		port = close + 2;
		if (!strchr(host, ':')) {
			snprintf(err, errlen, "'%s': brackets are for IPv6 "
				 "addresses", text);
			return -1;
		}
	} else {
		const char *colon = strrchr(text, ':');
		if (colon && strchr(text, ':') != colon) {
			snprintf(err, errlen, "'%s': write an IPv6 address as "
				 "[ADDR]:PORT", text);
			return -1;
		}
		if (colon) {
			if ((size_t)(colon - text) >= sizeof(host)) {
				snprintf(err, errlen, "'%s': address too long", text);
				return -1;
			}
			memcpy(host, text, (size_t)(colon - text));
			host[colon - text] = '\0';
			port = colon + 1;
		} else {
			snprintf(host, sizeof(host), "%s",
				 FS_METRICS_PORT_DEFAULT_ADDR);
			port = text;
		}
	}
	char *end;
	errno = 0;
	unsigned long p = strtoul(port, &end, 10);
	if (!*port || *end || errno || p > 65535 || *port == '-' || *port == '+') {
		snprintf(err, errlen, "'%s': the port is not a number from 0 "
			 "to 65535", text);
		return -1;
	}
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)p);
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)p);
	} else {
		snprintf(err, errlen, "'%s': '%s' is not a numeric IPv4 or "
			 "IPv6 address", text, host);
		return -1;
	}
	if (out)
		*out = ss;
	return 0;
}

/* ---- the server's thread ---- */

/* A copy of the published snapshot, rendered; NULL before the first.
 * *seq: the snapshot's number. */
static char *render_latest(struct fs_metrics *m, size_t *len, uint64_t *seq)
{
	struct fs_metrics_snap *copy = malloc(sizeof(*copy));
	if (!copy)
		return NULL;
	pthread_mutex_lock(&m->mu);
	bool have = m->pub->seq != 0;
	if (have)
		*copy = *m->pub;
	pthread_mutex_unlock(&m->mu);
	char *text = NULL;
	if (have) {
		copy->self.scrapes = atomic_load(&m->scrapes);
		copy->self.rejected = atomic_load(&m->rejected);
		text = fs_metrics_format(m, copy, len);
	}
	*seq = copy->seq;
	free(copy);
	return text;
}

char *fs_metrics_render(struct fs_metrics *m, size_t *len)
{
	uint64_t seq;
	return render_latest(m, len, &seq);
}

/* A scrape counts as served once its answer is wholly sent, so a replay
 * waiting for it may exit without cutting the answer short. */
static void on_completed(void *cls, struct MHD_Connection *c, void **state,
			 enum MHD_RequestTerminationCode why)
{
	struct fs_metrics *m = cls;
	uint64_t seq = (uint64_t)(uintptr_t)*state;
	(void)c;
	*state = NULL;
	if (why != MHD_REQUEST_TERMINATED_COMPLETED_OK || !seq)
		return;
	pthread_mutex_lock(&m->mu);
	if (seq > m->served_seq)
		m->served_seq = seq;
	pthread_cond_broadcast(&m->scraped_cv);
	pthread_mutex_unlock(&m->mu);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
			     const char *type, char *body, size_t len,
			     enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **state)
{
	struct fs_metrics *m = cls;
	static const char not_found[] = "not found: try /metrics\n";
	static const char bad_method[] = "only GET and HEAD\n";
	static const char not_yet[] = "no figures yet: the first second "
				      "has not closed\n";
	static const char no_memory[] = "out of memory\n";
	(void)version;
	(void)upload;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		atomic_fetch_add(&m->rejected, 1);
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
			     (char *)bad_method, sizeof(bad_method) - 1,
			     MHD_RESPMEM_PERSISTENT);
	}
	/* GET has no body: answer on the first call. */
	*upload_size = 0;
	*state = NULL;
	if (strcmp(url, "/metrics") != 0) {
		atomic_fetch_add(&m->rejected, 1);
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain",
			     (char *)not_found, sizeof(not_found) - 1,
			     MHD_RESPMEM_PERSISTENT);
	}
	size_t len = 0;
	uint64_t seq = 0;
	char *text = render_latest(m, &len, &seq);
	if (!text) {
		bool none;
		pthread_mutex_lock(&m->mu);
		none = m->pub->seq == 0;
		pthread_mutex_unlock(&m->mu);
		if (!none)
			atomic_fetch_add(&m->render_failed, 1);
		return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain",
			     (char *)(none ? not_yet : no_memory),
			     none ? sizeof(not_yet) - 1 : sizeof(no_memory) - 1,
			     MHD_RESPMEM_PERSISTENT);
	}
	atomic_fetch_add(&m->scrapes, 1);
	*state = (void *)(uintptr_t)seq;
	return reply(c, MHD_HTTP_OK, CONTENT_TYPE, text, len,
		     MHD_RESPMEM_MUST_FREE);
}

/* libmicrohttpd's messages are printf formats it passes with their arguments. */
__attribute__((format(printf, 2, 0)))
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	fs_log(FS_LOG_WARNING, "metrics: %s", msg);
}

/* ---- capture thread ---- */

static void on_event(const struct fs_event *ev, void *ctx)
{
	if (ev->type == FS_EV_ALERT && ev->u.alert)
		fs_metrics_count_alert(ctx, ev->u.alert);
}

struct fs_metrics *fs_metrics_create(const struct fs_metrics_config *cfg,
				     struct fs_event_bus *bus, char *err,
				     size_t errlen)
{
	struct fs_metrics *m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, errlen, "metrics: out of memory");
		return NULL;
	}
	snprintf(m->agent, sizeof(m->agent), "%s",
		 cfg->agent_name ? cfg->agent_name : "");
	m->top_n = cfg->top_n > FS_METRICS_TOP_MAX ? FS_METRICS_TOP_MAX
						    : cfg->top_n;
	m->live = cfg->live;
	m->build = calloc(1, sizeof(*m->build));
	m->pub = calloc(1, sizeof(*m->pub));
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->scraped_cv, NULL);
	if (!m->build || !m->pub) {
		snprintf(err, errlen, "metrics: out of memory");
		fs_metrics_destroy(m);
		return NULL;
	}
	if (cfg->addr) {
		struct sockaddr_storage ss;
		char why[160];
		if (fs_metrics_parse_addr(cfg->addr, &ss, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "--metrics %s", why);
			fs_metrics_destroy(m);
			return NULL;
		}
		unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
				 MHD_USE_ERROR_LOG;
		if (ss.ss_family == AF_INET6)
			flags |= MHD_USE_IPv6;
		uint16_t port = ntohs(ss.ss_family == AF_INET6
					      ? ((struct sockaddr_in6 *)&ss)->sin6_port
					      : ((struct sockaddr_in *)&ss)->sin_port);
		/* The server's thread inherits this mask: no signal lands
		 * there (the capture thread reads them from a signalfd). */
		sigset_t all, old;
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		m->daemon = MHD_start_daemon(
			flags, port, NULL, NULL, on_request, m,
			MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
			MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			MHD_OPTION_NOTIFY_COMPLETED, on_completed, m,
			MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_LIMIT,
			MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT_S,
			MHD_OPTION_END);
		int e = errno;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (!m->daemon) {
			snprintf(err, errlen, "--metrics %s: cannot listen: %s",
				 cfg->addr, e ? strerror(e) : "libmicrohttpd failed");
			fs_metrics_destroy(m);
			return NULL;
		}
		const union MHD_DaemonInfo *info =
			MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_BIND_PORT);
		m->port = info ? info->port : port;
	}
	if (bus && fs_event_subscribe(bus, on_event, m) != 0)
		fs_log(FS_LOG_WARNING, "metrics: event bus full, alerts not counted");
	return m;
}

void fs_metrics_tick(struct fs_metrics *m, const struct fs_metrics_inputs *in)
{
	if (!m)
		return;
	struct fs_metrics_snap *s = m->build;
	fs_metrics_fill(m, in, s);
	s->seq = m->published + m->publish_skipped + 1;
	s->self.published = m->published + 1;
	s->self.publish_skipped = m->publish_skipped;
	if (pthread_mutex_trylock(&m->mu) != 0) {
		m->publish_skipped++;
		return;
	}
	m->build = m->pub;
	m->pub = s;
	pthread_mutex_unlock(&m->mu);
	m->published++;
}

bool fs_metrics_wait_scraped(struct fs_metrics *m, int timeout_ms)
{
	if (!m || !m->daemon)
		return false;
	struct timespec at;
	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_sec += timeout_ms / 1000;
	at.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (at.tv_nsec >= 1000000000L) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&m->mu);
	uint64_t want = m->pub->seq;
	int rc = 0;
	while (m->served_seq < want && rc == 0)
		rc = pthread_cond_timedwait(&m->scraped_cv, &m->mu, &at);
	bool ok = m->served_seq >= want;
	pthread_mutex_unlock(&m->mu);
	return ok;
}

void fs_metrics_stats(const struct fs_metrics *m, struct fs_metrics_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!m)
		return;
	st->published = m->published;
	st->publish_skipped = m->publish_skipped;
	st->scrapes = atomic_load(&((struct fs_metrics *)m)->scrapes);
	st->rejected = atomic_load(&((struct fs_metrics *)m)->rejected);
	st->render_failed = atomic_load(&((struct fs_metrics *)m)->render_failed);
}

unsigned fs_metrics_port(const struct fs_metrics *m)
{
	return m && m->daemon ? m->port : 0;
}

void fs_metrics_destroy(struct fs_metrics *m)
{
	if (!m)
		return;
	if (m->daemon)
		MHD_stop_daemon(m->daemon);
	pthread_cond_destroy(&m->scraped_cv);
	pthread_mutex_destroy(&m->mu);
	free(m->build);
	free(m->pub);
	free(m);
}
