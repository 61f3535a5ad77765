/*
 * Remote RFC 5424 to a collector over UDP or TCP (RFC 6587 octet counting).
 * Never blocks the capture thread: the name is resolved once at create,
 * sockets are non-blocking, a partly written message stays at the head of
 * the queue with its offset, and a TCP connect is polled, not waited for.
 * TCP: reconnect after 1 s, doubling per failed attempt up to 60 s; a
 * connection that carried alerts or stayed up 10 s resets the delay.
 * Syslog over TCP (RFC 6587) has no acknowledgements, so messages the
 * kernel accepted just before the collector went away can be lost. We
 * watch TCP's own acknowledgements (SIOCOUTQ: bytes the peer has not
 * acknowledged) and count messages written but never acknowledged when a
 * connection ends as "unconfirmed", reported like any other loss; a
 * partly sent one is sent again whole on the next connection.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "alert_int.h"
#include "floodspot/log.h"

#define US 1000000LL
#define BACKOFF_MIN_US (1 * US)
#define BACKOFF_MAX_US (60 * US)
#define CONNECT_TIMEOUT_US (10 * US)
#define STABLE_US (10 * US)
#define SLOT_SIZE (FS_ALERT_SYSLOG_MAX + 24)
#define INFLIGHT_MAX 256	/* written messages awaiting TCP's ack */
enum { TAG_ALERT, TAG_SUMMARY };	/* what a queued message is */

enum conn { CONN_IDLE, CONN_CONNECTING, CONN_UP };

struct fs_alert_remote {
	bool tcp;
	char url[160];
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int fd;
	enum conn conn;
	int64_t now_us;
	int64_t next_attempt_us;
	int64_t connect_started_us;
	int64_t backoff_us;	/* the wait after the next failure */
	int64_t up_since_us;
	bool sent_on_conn;
	bool failure_logged;
	size_t head_off;	/* bytes of the head message already written */
	struct fs_alert_queue q;
	int facility;
	char hostname[256];
	char agent[FS_ALERT_AGENT_MAX + 1];	/* named in summaries */
	char sd_id[40];		/* "" when none */
	long pid;
	int64_t last_ts_us;	/* packet time of the last alert, for summaries */
	struct fs_alert_losses unreported;
	/* TCP: lengths of the messages written on this connection that the
	 * peer has not acknowledged yet, oldest first, and their sum. */
	uint32_t infl_len[INFLIGHT_MAX];
	uint8_t infl_tag[INFLIGHT_MAX];
	uint32_t infl_head, infl_n, infl_alerts;
	uint64_t infl_bytes;
	bool path_ok;		/* a send succeeded since the last loss */
	struct fs_ratelimit warn;
	struct fs_alert_sinks_stats st;
};

static struct fs_alert_origin origin(const struct fs_alert_remote *r)
{
	return (struct fs_alert_origin){ r->facility, r->hostname, r->pid,
					 r->sd_id[0] ? r->sd_id : NULL,
					 r->agent };
}

static bool port_ok(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || n > 5 || strspn(p, "0123456789") != n)
		return false;
	long v = strtol(p, NULL, 10);
	return v >= 1 && v <= 65535;
}

int fs_alert_parse_url(const char *url, enum fs_alert_proto *proto,
		       char *host, size_t hostlen, char *port, size_t portlen,
		       char *err, size_t errlen)
{
	static const struct { const char *scheme; enum fs_alert_proto p;
			      const char *port; } schemes[] = {
		{ "udp://", FS_ALERT_UDP, "514" },
		{ "tcp://", FS_ALERT_TCP, "514" },
		{ "relp://", FS_ALERT_RELP, "2514" },
	};
	const char *h = NULL, *defport = NULL;
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strncmp(url, schemes[i].scheme, strlen(schemes[i].scheme)) == 0) {
			*proto = schemes[i].p;
			h = url + strlen(schemes[i].scheme);
			defport = schemes[i].port;
		}
	if (!h) {
		snprintf(err, errlen, "remote syslog '%s': expected udp://, "
			 "tcp:// or relp://HOST:PORT", url);
		return -1;
	}
	const char *hend, *p = NULL;
	if (*h == '[') {
		hend = strchr(h, ']');
		if (!hend) {
			snprintf(err, errlen, "remote syslog '%s': missing ']'", url);
			return -1;
		}
		h++;
		if (hend[1] == ':')
			p = hend + 2;
		else if (hend[1] != '\0') {
			snprintf(err, errlen, "remote syslog '%s': junk after ']'", url);
			return -1;
		}
	} else {
		const char *colon = strchr(h, ':');
		if (colon && strchr(colon + 1, ':')) {
			snprintf(err, errlen, "remote syslog '%s': write IPv6 addresses as [ADDR]:PORT", url);
			return -1;
		}
		hend = colon ? colon : h + strlen(h);
		p = colon ? colon + 1 : NULL;
	}
	size_t hl = (size_t)(hend - h);
	if (hl == 0 || hl >= hostlen || (p && (!port_ok(p) || strlen(p) >= portlen))) {
		snprintf(err, errlen, "remote syslog '%s': bad host or port "
			 "(1-65535)", url);
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	snprintf(port, portlen, "%s", p ? p : defport);
	return 0;
}

struct fs_alert_remote *fs_alert_remote_create(const char *url,
					       uint32_t queue_len, int facility,
					       const char *agent_name,
					       const char *sd_id,
					       char *err, size_t errlen)
{
	enum fs_alert_proto proto;
	char host[256], port[32];
	if (fs_alert_parse_url(url, &proto, host, sizeof(host), port,
			       sizeof(port), err, errlen) < 0)
		return NULL;
	bool tcp = proto == FS_ALERT_TCP;
	/* Resolved once, here: never a DNS lookup on the capture path. */
	struct addrinfo hints = { .ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM };
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0 || !res) {
		snprintf(err, errlen, "remote syslog '%s': %s", url,
			 rc ? gai_strerror(rc) : "no address");
		return NULL;
	}
	struct fs_alert_remote *r = calloc(1, sizeof(*r));
	if (!r) {
		freeaddrinfo(res);
		snprintf(err, errlen, "remote syslog: out of memory");
		return NULL;
	}
	r->tcp = tcp;
	snprintf(r->url, sizeof(r->url), "%s", url);
	memcpy(&r->addr, res->ai_addr, res->ai_addrlen);
	r->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	r->fd = -1;
	r->backoff_us = BACKOFF_MIN_US;
	r->warn = (struct fs_ratelimit)FS_RATELIMIT_INIT(60, 1);
	r->facility = facility;
	r->pid = (long)getpid();
	fs_alert_hostname(r->hostname, sizeof(r->hostname), agent_name);
	snprintf(r->agent, sizeof(r->agent), "%s", agent_name ? agent_name : "");
	snprintf(r->sd_id, sizeof(r->sd_id), "%s", sd_id ? sd_id : "");
	if (fs_alert_queue_init(&r->q, queue_len ? queue_len : 1024, SLOT_SIZE) < 0) {
		snprintf(err, errlen, "remote syslog: cannot allocate the queue");
		free(r);
		return NULL;
	}
	if (!tcp) {
		r->fd = socket(r->addr.ss_family,
			       SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (r->fd < 0) {
			snprintf(err, errlen, "remote syslog '%s': socket: %s",
				 url, strerror(errno));
			fs_alert_queue_fini(&r->q);
			free(r);
			return NULL;
		}
		r->conn = CONN_UP;
	}
	return r;
}

/* Forgets the written messages TCP has acknowledged. The count stays
 * right after a reset: SIOCOUTQ is write_seq - snd_una, which a reset
 * does not move. */
static void infl_acked(struct fs_alert_remote *r)
{
	int outq;
	if (r->infl_n == 0 || r->fd < 0 || ioctl(r->fd, SIOCOUTQ, &outq) < 0)
		return;
	uint64_t unacked = (uint64_t)(outq > 0 ? outq : 0);
	/* The partly written head's bytes are the newest in the queue. */
	uint64_t partial = r->head_off;
	while (r->infl_n &&
	       r->infl_bytes - r->infl_len[r->infl_head] + partial >= unacked) {
		r->infl_bytes -= r->infl_len[r->infl_head];
		r->infl_alerts -= r->infl_tag[r->infl_head] == TAG_ALERT;
		r->infl_head = (r->infl_head + 1) % INFLIGHT_MAX;
		r->infl_n--;
	}
}

/* Room to follow one more written message? Past INFLIGHT_MAX awaiting an
 * ack nothing more is written: the collector is not reading, and what
 * waits is better in our queue (counted) than in a socket buffer. */
static bool infl_room(struct fs_alert_remote *r)
{
	if (r->infl_n == INFLIGHT_MAX)
		infl_acked(r);
	return r->infl_n < INFLIGHT_MAX;
}

static void infl_add(struct fs_alert_remote *r, size_t n, int tag)
{
	uint32_t i = (r->infl_head + r->infl_n) % INFLIGHT_MAX;
	r->infl_len[i] = (uint32_t)n;
	r->infl_tag[i] = (uint8_t)tag;
	r->infl_n++;
	r->infl_alerts += tag == TAG_ALERT;
	r->infl_bytes += n;
}

/* The connection ends: what it never acknowledged is unconfirmed. */
static void infl_end(struct fs_alert_remote *r)
{
	infl_acked(r);
	if (r->infl_alerts) {
		r->st.remote_unconfirmed += r->infl_alerts;
		r->unreported.unconfirmed += r->infl_alerts;
		r->path_ok = false;
		fs_log(FS_LOG_WARNING,
		       "remote syslog %s: %u alerts written but not acknowledged "
		       "by the collector before the connection ended",
		       r->url, r->infl_alerts);
	}
	r->infl_n = r->infl_head = r->infl_alerts = 0;
	r->infl_bytes = 0;
}

static void conn_close(struct fs_alert_remote *r)
{
	if (r->tcp)
		infl_end(r);
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->conn = CONN_IDLE;
	r->head_off = 0;	/* the next connection gets the head whole */
}

static void conn_failed(struct fs_alert_remote *r, int err)
{
	r->st.remote_connect_failures++;
	if (!r->failure_logged)
		fs_log_errno(FS_LOG_WARNING, err,
			     "remote syslog %s: connect failed, retrying in %lld s",
			     r->url, (long long)(r->backoff_us / US));
	r->failure_logged = true;
	conn_close(r);
	r->next_attempt_us = r->now_us + r->backoff_us;
	r->backoff_us = r->backoff_us * 2 > BACKOFF_MAX_US ? BACKOFF_MAX_US
							   : r->backoff_us * 2;
}

static void conn_lost(struct fs_alert_remote *r, int err)
{
	r->st.remote_disconnects++;
	/* A connection that carried alerts or lasted proves the collector
	 * works: start the backoff over. One dropped at once keeps growing
	 * it, so a collector that accepts and closes is not hammered. */
	if (r->sent_on_conn || r->now_us - r->up_since_us >= STABLE_US)
		r->backoff_us = BACKOFF_MIN_US;
	if (err)
		fs_log_errno(FS_LOG_WARNING, err, "remote syslog %s: connection lost",
			     r->url);
	else
		fs_log(FS_LOG_WARNING, "remote syslog %s: connection closed by the collector",
		       r->url);
	r->failure_logged = true;
	conn_close(r);
	r->next_attempt_us = r->now_us + r->backoff_us;
	r->backoff_us = r->backoff_us * 2 > BACKOFF_MAX_US ? BACKOFF_MAX_US
							   : r->backoff_us * 2;
}

static void conn_up(struct fs_alert_remote *r)
{
	r->conn = CONN_UP;
	r->st.remote_connects++;
	if (r->st.remote_connects > 1)
		r->st.remote_reconnects++;
	r->up_since_us = r->now_us;
	r->sent_on_conn = false;
	if (r->failure_logged)
		fs_log(FS_LOG_NOTICE, "remote syslog %s: connected", r->url);
	r->failure_logged = false;
	r->head_off = 0;
}

/* Moves the TCP connection along without waiting. */
static void conn_drive(struct fs_alert_remote *r)
{
	if (r->conn == CONN_IDLE && r->now_us >= r->next_attempt_us) {
		r->fd = socket(r->addr.ss_family,
			       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (r->fd < 0) {
			conn_failed(r, errno);
			return;
		}
		if (connect(r->fd, (struct sockaddr *)&r->addr, r->addrlen) == 0) {
			conn_up(r);
			return;
		}
		if (errno != EINPROGRESS) {
			conn_failed(r, errno);
			return;
		}
		r->conn = CONN_CONNECTING;
		r->connect_started_us = r->now_us;
	}
	if (r->conn == CONN_CONNECTING) {
		struct pollfd p = { .fd = r->fd, .events = POLLOUT };
		if (poll(&p, 1, 0) <= 0) {
			if (r->now_us - r->connect_started_us > CONNECT_TIMEOUT_US)
				conn_failed(r, ETIMEDOUT);
			return;
		}
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
			soerr = errno;
		if (soerr)
			conn_failed(r, soerr);
		else
			conn_up(r);
		return;
	}
	if (r->conn == CONN_UP) {
		/* A collector never talks: readable means it closed (or
		 * reset). Noticing before writing saves the next message. */
		struct pollfd p = { .fd = r->fd, .events = POLLIN | POLLRDHUP };
		if (poll(&p, 1, 0) <= 0)
			return;
		char scratch[256];
		ssize_t n = recv(r->fd, scratch, sizeof(scratch), MSG_DONTWAIT);
		if (n == 0 || (p.revents & (POLLRDHUP | POLLHUP)))
			conn_lost(r, 0);
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			conn_lost(r, errno);
	}
}

static void push(struct fs_alert_remote *r, const char *msg, size_t n,
		 int tag)
{
	char framed[SLOT_SIZE];
	if (r->tcp) {
		n = fs_alert_frame_octet(msg, n, framed, sizeof(framed));
		msg = framed;
	}
	uint8_t gone;
	int rc = fs_alert_queue_push_tag(&r->q, msg, n, (uint8_t)tag,
					 r->head_off > 0, &gone);
	/* A summary that goes loses nothing the stats have not counted. */
	if (rc == 1 && gone == TAG_ALERT) {
		fs_log_limited(&r->warn, r->now_us, FS_LOG_WARNING,
			       "remote syslog %s: queue full, oldest alert dropped",
			       r->url);
		r->st.remote_dropped_queue_full++;
		r->unreported.queue_full++;
		r->path_ok = false;
	}
}

static bool send_head(struct fs_alert_remote *r)
{
	size_t n;
	const char *msg = fs_alert_queue_peek(&r->q, &n);
	int tag = fs_alert_queue_peek_tag(&r->q);
	if (!msg)
		return false;
	if (!r->tcp) {
		ssize_t w = sendto(r->fd, msg, n, MSG_DONTWAIT | MSG_NOSIGNAL,
				   (struct sockaddr *)&r->addr, r->addrlen);
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
			      errno == EINTR || errno == ENOBUFS))
			return false;	/* try again on the next service */
		if (w < 0) {
			int e = errno;
			if (tag == TAG_ALERT) {
				r->st.remote_dropped_send_error++;
				r->unreported.send_error++;
			}
			r->path_ok = false;
			fs_log_limited(&r->warn, r->now_us, FS_LOG_WARNING,
				       "remote syslog %s: alert dropped: %s",
				       r->url, strerror(e));
		} else {
			r->st.remote_sent += tag == TAG_ALERT;
			r->path_ok = true;
		}
		fs_alert_queue_pop(&r->q);
		return true;
	}
	if (r->head_off == 0 && !infl_room(r))
		return false;
	ssize_t w = send(r->fd, msg + r->head_off, n - r->head_off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
	if (w < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			conn_lost(r, errno);
		return false;
	}
	r->head_off += (size_t)w;
	if (r->head_off == n) {
		fs_alert_queue_pop(&r->q);
		r->head_off = 0;
		infl_add(r, n, tag);
		r->st.remote_sent += tag == TAG_ALERT;
		r->path_ok = true;
		r->sent_on_conn = true;
	}
	return true;
}

/* Sends what the socket takes. After losses, one summary says how many,
 * queued once there is room and a send has gone through again (a summary
 * into a path that keeps failing would only fail and count itself). */
static void pump(struct fs_alert_remote *r)
{
	if (r->tcp) {
		conn_drive(r);
		if (r->conn == CONN_UP)
			infl_acked(r);
	}
	for (int round = 0; round < 2; round++) {
		while (r->conn == CONN_UP && send_head(r))
			;
		bool lost = r->unreported.queue_full || r->unreported.send_error ||
			    r->unreported.unconfirmed;
		if (!lost || !r->path_ok || r->conn != CONN_UP ||
		    r->q.count == r->q.cap)
			return;
		char msg[FS_ALERT_SYSLOG_MAX];
		struct fs_alert_origin o = origin(r);
		size_t n = fs_alert_format_dropped(r->last_ts_us, &r->unreported,
						   &o, msg, sizeof(msg));
		memset(&r->unreported, 0, sizeof(r->unreported));
		r->st.remote_summaries++;
		push(r, msg, n, TAG_SUMMARY);
	}
}

void fs_alert_remote_send(struct fs_alert_remote *r, const struct fs_alert *a,
			  int64_t mono_us)
{
	if (mono_us > r->now_us)
		r->now_us = mono_us;
	r->last_ts_us = a->ts_us;
	char msg[FS_ALERT_SYSLOG_MAX];
	struct fs_alert_origin o = origin(r);
	size_t n = fs_alert_format_rfc5424(a, &o, msg, sizeof(msg));
	push(r, msg, n, TAG_ALERT);
	pump(r);
}

void fs_alert_remote_service(struct fs_alert_remote *r, int64_t mono_us)
{
	if (mono_us > r->now_us)
		r->now_us = mono_us;
	pump(r);
}

int fs_alert_remote_poll_fd(const struct fs_alert_remote *r, short *events)
{
	if (r->fd < 0)
		return -1;
	if (!r->tcp) {
		if (r->q.count == 0)
			return -1;
		*events = POLLOUT;
		return r->fd;
	}
	if (r->conn == CONN_CONNECTING)
		*events = POLLOUT;
	else
		*events = (short)(POLLIN | (r->q.count ? POLLOUT : 0));
	return r->fd;
}

void fs_alert_remote_stats(const struct fs_alert_remote *r,
			   struct fs_alert_sinks_stats *st)
{
	st->remote_sent = r->st.remote_sent;
	st->remote_dropped_queue_full = r->st.remote_dropped_queue_full;
	st->remote_dropped_send_error = r->st.remote_dropped_send_error;
	st->remote_unconfirmed = r->st.remote_unconfirmed;
	st->remote_dropped_exit = r->st.remote_dropped_exit;
	st->remote_summaries = r->st.remote_summaries;
	st->remote_connects = r->st.remote_connects;
	st->remote_reconnects = r->st.remote_reconnects;
	st->remote_connect_failures = r->st.remote_connect_failures;
	st->remote_disconnects = r->st.remote_disconnects;
	st->remote_queued = r->q.n_tag[TAG_ALERT];
	st->remote_connected = r->conn == CONN_UP;
}

static int64_t clock_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Drops what is still queued (and unacknowledged) at exit, counted and
 * said once on stderr: at exit there is no next message to summarise in. */
static void drop_at_exit(struct fs_alert_remote *r)
{
	if (r->tcp && r->conn == CONN_UP) {
		infl_acked(r);
		r->st.remote_unconfirmed += r->infl_alerts;
		if (r->infl_alerts)
			fs_log(FS_LOG_WARNING,
			       "remote syslog %s: %u alerts not acknowledged by "
			       "the collector at exit", r->url, r->infl_alerts);
		r->infl_n = r->infl_head = r->infl_alerts = 0;
		r->infl_bytes = 0;
	}
	uint32_t alerts = r->q.n_tag[TAG_ALERT];
	if (alerts) {
		r->st.remote_dropped_exit += alerts;
		fs_log(FS_LOG_ERR, "remote syslog %s: %u alerts not delivered at "
		       "exit (collector %s)", r->url, alerts,
		       r->conn == CONN_UP ? "too slow" : "unreachable");
	}
	while (r->q.count)
		fs_alert_queue_pop(&r->q);
	r->head_off = 0;
}

/* Shutdown only: waits up to timeout_ms for the queue to drain and TCP to
 * acknowledge it. A collector that is away gets one immediate attempt, not
 * the backoff. What is left is dropped and counted. Our clock runs on from
 * the caller's last mono_us. */
bool fs_alert_remote_flush(struct fs_alert_remote *r, int timeout_ms)
{
	int64_t start = clock_us(), base = r->now_us;
	int64_t deadline = start + (int64_t)timeout_ms * 1000;
	bool retried = false;
	for (;;) {
		int64_t now = clock_us();
		r->now_us = base + (now - start);
		if (r->tcp && r->conn == CONN_IDLE && r->q.count) {
			if (retried) {
				drop_at_exit(r);
				return false;
			}
			r->next_attempt_us = r->now_us;
			retried = true;
		}
		pump(r);
		if (r->q.count == 0 && r->infl_n == 0)
			return true;
		if (now >= deadline) {
			bool all_acked = r->q.count == 0;
			drop_at_exit(r);
			return all_acked;
		}
		short events = 0;
		int fd = fs_alert_remote_poll_fd(r, &events);
		int wait_ms = (int)((deadline - now + 999) / 1000);
		if (wait_ms > 50)
			wait_ms = 50;
		struct pollfd p = { .fd = fd, .events = events };
		if (fd >= 0)
			poll(&p, 1, wait_ms);
		else
			poll(NULL, 0, wait_ms);
	}
}

void fs_alert_remote_destroy(struct fs_alert_remote *r)
{
	if (!r)
		return;
	pump(r);	/* a last non-blocking try */
	if (r->fd >= 0)
		close(r->fd);
	fs_alert_queue_fini(&r->q);
	free(r);
}
