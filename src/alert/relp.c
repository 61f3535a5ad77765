/*
 * Remote RFC 5424 over RELP (librelp), the protocol rsyslog's imrelp and
 * syslog-ng speak, for acknowledged delivery.
 *
 * librelp's client blocks (connect, a full window, waiting for acks), so
 * it runs on a thread of its own; the capture thread only formats the
 * message and appends it to a bounded queue under a lock held for a copy.
 * The thread sends the queue in order. While the collector is away the
 * messages wait (at most queue_len, the oldest dropped past it and
 * counted); the thread reconnects with backoff (0.5 s doubling to 5 s)
 * through relpCltReconnect, which also sends again what the broken session
 * left unacknowledged. A message is taken off the queue once librelp took
 * it; a send that failed is sent again after the reconnect, so a message
 * can arrive twice (RELP is at-least-once), never not at all while the
 * queue has room. After losses, the next message that goes through is
 * followed by one "alerts-dropped" summary saying how many.
 */
#include <pthread.h>
#include <stddef.h>
#include <librelp.h>	/* after stddef.h: it uses size_t without it */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "alert_int.h"
#include "floodspot/log.h"
#include "floodspot/thread.h"

#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 5000
#define RELP_TIMEOUT_S 5	/* librelp's wait for an ack window */

struct fs_alert_relp {
	char url[160], host[256], port[32];
	struct fs_alert_origin o;
	char hostname[256], sd_id[40];
	char agent[FS_ALERT_AGENT_MAX + 1];	/* named in summaries */
	relpEngine_t *engine;
	relpClt_t *clt;
	bool connected, ever_connected;

	pthread_mutex_t mu;
	pthread_cond_t wake, idle;
	struct fs_alert_queue q;	/* under mu */
	bool stop, sending;		/* under mu */
	int64_t drop_deadline_us;	/* under mu; 0: none */
	pthread_t thread;
	bool started;
	struct fs_alert_sinks_stats st;	/* under mu */
	struct fs_alert_losses unreported;	/* under mu: not yet summarised */
	int64_t last_ts_us;		/* under mu: the last alert's time */
};

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* librelp calls its debug hook unconditionally: it must be set. */
static void relp_dbg(char *fmt, ...)
{
	(void)fmt;
}

static bool relp_connect(struct fs_alert_relp *r)
{
	relpRetVal rc;
	if (!r->clt) {
		if (relpEngineCltConstruct(r->engine, &r->clt) != RELP_RET_OK)
			return false;
		relpCltSetTimeout(r->clt, RELP_TIMEOUT_S);
		relpCltSetConnTimeout(r->clt, RELP_TIMEOUT_S);
		rc = relpCltConnect(r->clt, AF_UNSPEC,
				    (unsigned char *)r->port,
				    (unsigned char *)r->host);
		if (rc != RELP_RET_OK) {
			relpEngineCltDestruct(r->engine, &r->clt);
			r->clt = NULL;
		}
	} else {
		rc = relpCltReconnect(r->clt);
	}
	r->connected = rc == RELP_RET_OK;
	pthread_mutex_lock(&r->mu);
	if (r->connected) {
		r->st.remote_connects++;
		if (r->ever_connected)
			r->st.remote_reconnects++;
	} else {
		r->st.remote_connect_failures++;
	}
	r->st.remote_connected = r->connected;
	pthread_mutex_unlock(&r->mu);
	if (r->connected) {
		fs_log(FS_LOG_NOTICE, "remote syslog %s: connected%s", r->url,
		       r->ever_connected ? " again" : "");
		r->ever_connected = true;
	}
	return r->connected;
}

/* Under mu, right after a send went through: says what was lost since
 * the last summary; a summary that fails is tried again after the next
 * alert that goes. */
static void send_summary(struct fs_alert_relp *r, char *msg, size_t cap)
{
	struct fs_alert_losses lost = r->unreported;
	memset(&r->unreported, 0, sizeof(r->unreported));
	size_t n = fs_alert_format_dropped(r->last_ts_us, &lost, &r->o, msg,
					   cap);
	pthread_mutex_unlock(&r->mu);
	bool ok = n && relpCltSendSyslog(r->clt, (unsigned char *)msg, n) ==
			       RELP_RET_OK;
	pthread_mutex_lock(&r->mu);
	if (ok) {
		r->st.remote_summaries++;
		return;
	}
	r->unreported.queue_full += lost.queue_full;
	if (n) {
		r->connected = false;
		r->st.remote_disconnects++;
		r->st.remote_connected = false;
	}
}

static void *relp_main(void *arg)
{
	struct fs_alert_relp *r = arg;
	char msg[FS_ALERT_SYSLOG_MAX + 24];
	uint32_t backoff_ms = BACKOFF_MIN_MS;
	bool warned = false;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		if (r->drop_deadline_us && now_us() >= r->drop_deadline_us &&
		    r->q.count) {
			r->st.remote_dropped_exit += r->q.count;
			while (r->q.count)
				fs_alert_queue_pop(&r->q);
		}
		if (r->q.count == 0) {
			pthread_cond_broadcast(&r->idle);
			if (r->stop)
				break;
			pthread_cond_wait(&r->wake, &r->mu);
			continue;
		}
		size_t n;
		const char *m = fs_alert_queue_peek(&r->q, &n);
		memcpy(msg, m, n);
		r->sending = true;
		pthread_mutex_unlock(&r->mu);

		bool sent = false;
		if (r->connected || relp_connect(r)) {
			sent = relpCltSendSyslog(r->clt, (unsigned char *)msg,
						 n) == RELP_RET_OK;
			if (!sent) {
				r->connected = false;
				pthread_mutex_lock(&r->mu);
				r->st.remote_disconnects++;
				r->st.remote_connected = false;
				pthread_mutex_unlock(&r->mu);
			}
		}
		if (sent) {
			backoff_ms = BACKOFF_MIN_MS;
			warned = false;
		} else {
			if (!warned)
				fs_log(FS_LOG_WARNING, "remote syslog %s: "
				       "collector away; alerts wait (at most "
				       "%u)", r->url, r->q.cap);
			warned = true;
			struct timespec ts = { backoff_ms / 1000,
					       (backoff_ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
			backoff_ms = backoff_ms * 2 > BACKOFF_MAX_MS
					     ? BACKOFF_MAX_MS
					     : backoff_ms * 2;
		}
		pthread_mutex_lock(&r->mu);
		r->sending = false;
		/* The head is still ours: only this thread pops, and a
		 * full queue drops the oldest not in flight. */
		if (sent) {
			fs_alert_queue_pop(&r->q);
			r->st.remote_sent++;
			if (r->unreported.queue_full)
				send_summary(r, msg, sizeof(msg));
		}
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

struct fs_alert_relp *fs_alert_relp_create(const char *url, uint32_t queue_len,
					   int facility, const char *agent_name,
					   const char *sd_id, char *err,
					   size_t errlen)
{
	enum fs_alert_proto proto;
	struct fs_alert_relp *r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "remote syslog: out of memory");
		return NULL;
	}
	if (fs_alert_parse_url(url, &proto, r->host, sizeof(r->host), r->port,
			       sizeof(r->port), err, errlen) < 0 ||
	    proto != FS_ALERT_RELP) {
		free(r);
		return NULL;
	}
	snprintf(r->url, sizeof(r->url), "%s", url);
	fs_alert_hostname(r->hostname, sizeof(r->hostname), agent_name);
	snprintf(r->agent, sizeof(r->agent), "%s", agent_name ? agent_name : "");
	snprintf(r->sd_id, sizeof(r->sd_id), "%s", sd_id ? sd_id : "");
	r->o = (struct fs_alert_origin){ facility, r->hostname,
					 (long)getpid(),
					 r->sd_id[0] ? r->sd_id : NULL,
					 r->agent };
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->wake, NULL);
	pthread_cond_init(&r->idle, NULL);
	if (fs_alert_queue_init(&r->q, queue_len ? queue_len : 1024,
				FS_ALERT_SYSLOG_MAX + 24) < 0 ||
	    relpEngineConstruct(&r->engine) != RELP_RET_OK) {
		snprintf(err, errlen, "remote syslog %s: cannot set up RELP",
			 url);
		fs_alert_relp_destroy(r);
		return NULL;
	}
	relpEngineSetDbgprint(r->engine, relp_dbg);
	/* Offered in the open handshake; the collector refuses without. */
	relpEngineSetEnableCmd(r->engine, (unsigned char *)"syslog",
			       eRelpCmdState_Required);
	relpEngineSetDnsLookupMode(r->engine, 0);
	int rc = fs_thread_start(&r->thread, relp_main, r);
	if (rc != 0) {
		snprintf(err, errlen, "remote syslog %s: thread: %s", url,
			 strerror(rc));
		fs_alert_relp_destroy(r);
		return NULL;
	}
	r->started = true;
	return r;
}

void fs_alert_relp_send(struct fs_alert_relp *r, const struct fs_alert *a)
{
	char msg[FS_ALERT_SYSLOG_MAX];
	size_t n = fs_alert_format_rfc5424(a, &r->o, msg, sizeof(msg));
	pthread_mutex_lock(&r->mu);
	r->last_ts_us = a->ts_us;
	if (fs_alert_queue_push(&r->q, msg, n, r->sending) == 1) {
		r->st.remote_dropped_queue_full++;
		r->unreported.queue_full++;
	}
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->mu);
}

/* Off the capture path (exit): waits for the queue to go out, then
 * drops and counts what is left. */
bool fs_alert_relp_flush(struct fs_alert_relp *r, int timeout_ms)
{
	int64_t deadline = now_us() + (int64_t)timeout_ms * 1000;
	pthread_mutex_lock(&r->mu);
	r->drop_deadline_us = deadline;
	pthread_cond_signal(&r->wake);
	while (r->q.count && now_us() < deadline + 1000000) {
		struct timespec at;
		clock_gettime(CLOCK_REALTIME, &at);
		at.tv_nsec += 100000000;
		at.tv_sec += at.tv_nsec / 1000000000;
		at.tv_nsec %= 1000000000;
		pthread_cond_timedwait(&r->idle, &r->mu, &at);
	}
	bool all = r->q.count == 0 && r->st.remote_dropped_exit == 0;
	pthread_mutex_unlock(&r->mu);
	return all;
}

void fs_alert_relp_stats(struct fs_alert_relp *r,
			 struct fs_alert_sinks_stats *st)
{
	pthread_mutex_lock(&r->mu);
	st->remote_sent = r->st.remote_sent;
	st->remote_dropped_queue_full = r->st.remote_dropped_queue_full;
	st->remote_dropped_exit = r->st.remote_dropped_exit;
	st->remote_connects = r->st.remote_connects;
	st->remote_reconnects = r->st.remote_reconnects;
	st->remote_connect_failures = r->st.remote_connect_failures;
	st->remote_disconnects = r->st.remote_disconnects;
	st->remote_summaries = r->st.remote_summaries;
	st->remote_queued = r->q.count;
	st->remote_connected = r->st.remote_connected;
	pthread_mutex_unlock(&r->mu);
}

void fs_alert_relp_destroy(struct fs_alert_relp *r)
{
	if (!r)
		return;
	if (r->started) {
		pthread_mutex_lock(&r->mu);
		r->stop = true;
		/* Whatever is left is counted, not waited for again. */
		r->drop_deadline_us = now_us();
		pthread_cond_signal(&r->wake);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thread, NULL);
	}
	if (r->clt)
		relpEngineCltDestruct(r->engine, &r->clt);	/* waits for acks */
	if (r->engine)
		relpEngineDestruct(&r->engine);
	fs_alert_queue_fini(&r->q);
	pthread_cond_destroy(&r->idle);
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->mu);
	free(r);
}
