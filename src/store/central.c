/*
 * central.c: one agent's part of a central rrdcached.
 *
 * - The daemon's address is checked before anything connects, so a typo
 *   is an error at start, not a warning a minute later.
 * - Each agent writes under its own directory, its name made safe for a
 *   path. The name is claimed through the daemon itself (rrdcached has
 *   no lock command and a remote one shares no filesystem with us):
 *   DIR/agent.rrd holds one GAUGE, "held", updated to 1 every second
 *   while the agent runs and to 0 when it stops. An agent whose name's
 *   file says held within the last FS_STORE_CLAIM_STALE_S seconds is
 *   refused at start. rrdcached refuses an update not after the file's
 *   last one, so two agents claiming in the same second cannot both
 *   succeed, and one that slipped past the check is told at its next
 *   heartbeat (counted, logged).
 * - While the daemon is away (not connected, or the connection lost in a
 *   write) the writer keeps updates in a bounded FIFO and reconnects with
 *   backoff; when the daemon answers again the FIFO is replayed in order
 *   before anything newer. Past the bound the oldest update is dropped
 *   and counted.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <rrd.h>
#include <rrd_client.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "store_priv.h"

#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 4000

static bool valid_port(const char *p)
{
	if (!*p || strlen(p) > 5)
		return false;
	for (const char *q = p; *q; q++)
		if (!isdigit((unsigned char)*q))
			return false;
	long v = strtol(p, NULL, 10);
	return v >= 1 && v <= 65535;
}

static bool valid_host(const char *h, size_t len)
{
	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '.' && h[i] != '-' &&
		    h[i] != '_')
			return false;
	return true;
}

/* librrd's forms: "unix:/path" or "/path"; "host", "host:port",
 * "[v6]" or "[v6]:port"; a bare IPv6 address. */
int fs_store_check_daemon_addr(const char *addr, char *err, size_t errlen)
{
	const char *why = NULL;
	if (!addr || !*addr) {
		why = "empty";
	} else if (strncmp(addr, "unix:", 5) == 0 || addr[0] == '/') {
		const char *path = addr[0] == '/' ? addr : addr + 5;
		if (path[0] != '/')
			why = "a unix socket needs an absolute path";
		else if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			why = "socket path too long";
	} else if (strstr(addr, "://")) {
		why = "no scheme: unix:/PATH, /PATH, HOST or HOST:PORT";
	} else if (addr[0] == '[') {
		const char *close = strchr(addr, ']');
		char v6[64];
		size_t n = close ? (size_t)(close - addr - 1) : 0;
		if (!close || n == 0 || n >= sizeof(v6))
			why = "unbalanced [ ]";
		else {
			memcpy(v6, addr + 1, n);
			v6[n] = '\0';
			struct in6_addr a6;
			if (inet_pton(AF_INET6, v6, &a6) != 1)
				why = "not an IPv6 address inside [ ]";
			else if (close[1] && (close[1] != ':' ||
					      !valid_port(close + 2)))
				why = "port must be 1-65535";
		}
	} else {
		const char *colon = strchr(addr, ':');
		struct in6_addr a6;
		if (colon && strchr(colon + 1, ':')) {
			if (inet_pton(AF_INET6, addr, &a6) != 1)
				why = "not an IPv6 address (use [ADDR]:PORT)";
		} else if (!valid_host(addr, colon ? (size_t)(colon - addr)
						   : strlen(addr))) {
			why = "bad host name";
		} else if (colon && !valid_port(colon + 1)) {
			why = "port must be 1-65535";
		}
	}
	if (!why)
		return 0;
	snprintf(err, errlen, "rrdcached address '%s': %s", addr ? addr : "",
		 why);
	return -1;
}

int fs_store_agent_dir(const char *name, char *out, size_t len)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= len || n > 128)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		out[i] = isalnum(c) || c == '-' || c == '_' ||
				 (c == '.' && i > 0) ? (char)c : '_';
	}
	out[n] = '\0';
	return 0;
}

static const char *rrd_text(void)
{
	const char *e = rrd_get_error();
	return e && *e ? e : "no reason given";
}

static void claim_path(const struct fs_store *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s/agent.rrd", s->dir);
}

/* The last "held" value at or before t, or NAN. */
static double last_held(const char *path, time_t t)
{
	time_t start = t - 5, end = t;
	unsigned long step = 0, n_ds = 0;
	char **names = NULL;
	rrd_value_t *data = NULL;
	double v = NAN;
	if (rrdc_fetch(path, "LAST", &start, &end, &step, &n_ds, &names,
		       &data) != 0)
		return NAN;
	if (n_ds == 1 && step > 0) {
		unsigned long rows = (unsigned long)(end - start) / step;
		for (unsigned long i = 0; i < rows; i++)
			if (!isnan(data[i]))
				v = data[i];
	}
	for (unsigned long i = 0; i < n_ds; i++)
		free(names[i]);
	free(names);
	free(data);
	return v;
}

static int held_update(const char *path, int64_t t, int held)
{
	char val[48];
	const char *argv[1] = { val };
	snprintf(val, sizeof(val), "%" PRId64 ":%d", t, held);
	rrd_clear_error();
	return rrdc_update(path, 1, argv);
}

int fs_store_claim(struct fs_store *s, const char *agent, char *err,
		   size_t errlen)
{
	char path[FS_STORE_PATH_MAX + 16];
	claim_path(s, path, sizeof(path));
	rrd_clear_error();
	if (rrdc_connect(s->daemon) != 0 || !rrdc_is_connected(s->daemon)) {
		snprintf(err, errlen, "rrdcached %s: cannot connect: %s",
			 s->daemon, rrd_text());
		return -1;
	}
	rrdc_flush(path);
	rrd_clear_error();
	time_t now = time(NULL);
	time_t last = rrdc_last(path);
	if (last <= 0) {
		const char *argv[] = { "DS:held:GAUGE:10:0:1",
				       "RRA:LAST:0.5:1:600" };
		rrd_clear_error();
		if (rrdc_create_r2(path, 1, now - 10, 1, NULL, NULL, 2,
				   argv) != 0) {
			const char *e = rrd_text();
			snprintf(err, errlen,
				 "rrdcached %s: cannot create %s: %s%s",
				 s->daemon, path, e,
				 strstr(e, "recursive")
					 ? " (start rrdcached with -B -R so "
					   "agents' directories can be made)"
					 : "");
			return -1;
		}
		last = now - 10;
	} else if (now - last < FS_STORE_CLAIM_STALE_S) {
		double held = last_held(path, last);
		if (!(held == 0)) {
			snprintf(err, errlen,
				 "agent name '%s' is in use: %s on rrdcached "
				 "%s was held %ld s ago by another agent (give "
				 "each agent its own --name; a killed agent's "
				 "name is free %d s after it stopped)",
				 agent, path, s->daemon, (long)(now - last),
				 FS_STORE_CLAIM_STALE_S);
			return -1;
		}
	}
	/* Released this very second (a quick restart): claim the next. */
	for (int i = 0; i < 3 && now <= last; i++) {
		sleep(1);
		now = time(NULL);
	}
	if (held_update(path, now, 1) != 0) {
		snprintf(err, errlen, "agent name '%s': cannot claim %s on "
			 "rrdcached %s: %s", agent, path, s->daemon, rrd_text());
		return -1;
	}
	s->hb_last_s = now;
	return 0;
}

void fs_store_heartbeat(struct fs_store *s, bool release)
{
	if (!s->claimed)
		return;
	int64_t now = time(NULL);
	if (release && now <= s->hb_last_s)
		now = s->hb_last_s + 1;
	if (now <= s->hb_last_s || !rrdc_is_connected(s->daemon))
		return;
	char path[FS_STORE_PATH_MAX + 16];
	claim_path(s, path, sizeof(path));
	if (held_update(path, now, release ? 0 : 1) == 0) {
		s->hb_last_s = now;
		return;
	}
	if (!rrdc_is_connected(s->daemon))
		return;	/* the daemon went away: the retry path says so */
	/* Connected but refused: someone else wrote this second or later. */
	s->hb_last_s = now;
	atomic_fetch_add_explicit(&s->name_conflicts, 1, memory_order_relaxed);
	fs_log_limited(&s->rl_claim, fs_store_mono_us(), FS_LOG_ERR,
		       "%s: another agent is writing this agent's name "
		       "(two agents with one --name?): %s", path, rrd_text());
}

/* The retry FIFO: a ring of retry_cap records, oldest at retry_head. */
int fs_store_retry_init(struct fs_store *s)
{
	s->retry_cap = s->cfg.retry_len ? s->cfg.retry_len : s->cfg.queue_len;
	s->retry = calloc(s->retry_cap, sizeof(*s->retry));
	s->backoff_ms = BACKOFF_MIN_MS;
	return s->retry ? 0 : -1;
}

void fs_store_retry_fini(struct fs_store *s)
{
	free(s->retry);
	s->retry = NULL;
}

static void publish_retry(struct fs_store *s)
{
	atomic_store_explicit(&s->retry_len_now, s->retry_n,
			      memory_order_relaxed);
}

void fs_store_retry_push(struct fs_store *s, const struct fs_store_rec *r,
			 unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (s->retry_n == s->retry_cap) {
			s->retry_head = (s->retry_head + 1) % s->retry_cap;
			s->retry_n--;
			atomic_fetch_add_explicit(&s->dropped_retry, 1,
						  memory_order_relaxed);
		}
		s->retry[(s->retry_head + s->retry_n) % s->retry_cap] = r[i];
		s->retry_n++;
	}
	atomic_fetch_add_explicit(&s->retry_queued, n, memory_order_relaxed);
	publish_retry(s);
}

/* Up to max records of one file from the front of the FIFO. */
unsigned fs_store_retry_peek(const struct fs_store *s,
			     struct fs_store_rec *out, unsigned max)
{
	unsigned n = 0;
	while (n < max && n < s->retry_n) {
		const struct fs_store_rec *r =
			&s->retry[(s->retry_head + n) % s->retry_cap];
		if (n > 0 && (r->kind != out[0].kind || r->vlan != out[0].vlan ||
			      r->id != out[0].id ||
			      memcmp(r->mac, out[0].mac, 6) != 0))
			break;
		out[n++] = *r;
	}
	return n;
}

void fs_store_retry_pop(struct fs_store *s, unsigned n)
{
	s->retry_head = (s->retry_head + n) % s->retry_cap;
	s->retry_n -= n;
	atomic_fetch_add_explicit(&s->replayed, n, memory_order_relaxed);
	publish_retry(s);
}

void fs_store_retry_drop_all(struct fs_store *s)
{
	atomic_fetch_add_explicit(&s->dropped_exit, s->retry_n,
				  memory_order_relaxed);
	s->retry_n = 0;
	s->retry_head = 0;
	publish_retry(s);
}

/*
 * The daemon is reachable now: connected, or reconnected when its backoff
 * has run out (doubling from BACKOFF_MIN_MS to BACKOFF_MAX_MS).
 */
bool fs_store_daemon_up(struct fs_store *s)
{
	if (rrdc_is_connected(s->daemon)) {
		s->away = false;
		return true;
	}
	int64_t now = fs_store_mono_us();
	if (s->away && now < s->reconnect_at_us)
		return false;
	rrd_clear_error();
	if (rrdc_connect(s->daemon) == 0 && rrdc_is_connected(s->daemon)) {
		if (s->away)
			fs_log(FS_LOG_NOTICE, "rrdcached %s: connected again; "
			       "replaying %u queued updates", s->daemon,
			       s->retry_n);
		s->away = false;
		s->backoff_ms = BACKOFF_MIN_MS;
		atomic_store_explicit(&s->daemon_down, false,
				      memory_order_relaxed);
		return true;
	}
	if (!s->away) {
		fs_log(FS_LOG_WARNING, "rrdcached %s: unreachable (%s); "
		       "queueing up to %u updates", s->daemon, rrd_text(),
		       s->retry_cap);
		atomic_fetch_add_explicit(&s->daemon_outages, 1,
					  memory_order_relaxed);
		s->backoff_ms = BACKOFF_MIN_MS;
	}
	s->away = true;
	atomic_store_explicit(&s->daemon_down, true, memory_order_relaxed);
	s->reconnect_at_us = now + (int64_t)s->backoff_ms * 1000;
	s->backoff_ms = s->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS
							  : s->backoff_ms * 2;
	return false;
}

/* A write failed while connected, or the connection dropped inside it. */
void fs_store_daemon_lost(struct fs_store *s)
{
	rrdc_disconnect();
	s->reconnect_at_us = 0;
	fs_store_daemon_up(s);	/* logs, starts the backoff */
}
