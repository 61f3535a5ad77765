/* RFC 5424 form, SD escaping, octet framing, the send queue, the remote
 * drop summary and local syslog, against real sockets on loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

#include "floodspot/alert.h"
#include "../../src/alert/alert_int.h"
#include "fs_config.h"

#define T0 (1768471230LL * 1000000)	/* 2026-01-15T10:00:30Z */
#define S 1000000LL

/* RFC 5612's documentation number: fine in a test, never a default. */
#define SDID "example@32473"
#define ORIGIN "[origin software=\"floodspot\" swVersion=\"" FS_VERSION "\"]"

static size_t fmt(const struct fs_alert *a, int facility, const char *host,
		  long pid, char *buf, size_t len)
{
	struct fs_alert_origin o = { facility, host, pid, SDID, NULL };
	return fs_alert_format_rfc5424(a, &o, buf, len);
}

static void sample(struct fs_alert *a)
{
	memset(a, 0, sizeof(*a));
	a->ts_us = T0 + 123456;
	a->state = FS_ALERT_RAISED;
	a->severity = FS_SEV_CRITICAL;
	snprintf(a->rule, sizeof(a->rule), "router_flood");
	snprintf(a->kind, sizeof(a->kind), "flood-start");
	fs_alert_add(a, "mac", "02:00:0a:00:00:0d");
	fs_alert_add(a, "vlan", "%u", 0u);
	fs_alert_add(a, "ip", "10.0.0.13");
	fs_alert_add(a, "class", "to_router");
	fs_alert_add(a, "pps", "%d", 4012);
	fs_alert_add(a, "baseline", "%d", 3);
	fs_alert_add(a, "since", "2026-01-15T10:00:30.000Z");
}

static void test_rfc5424_example(void **state)
{
	(void)state;
	struct fs_alert a;
	sample(&a);
	char buf[FS_ALERT_SYSLOG_MAX];
	size_t n = fmt(&a, LOG_LOCAL3, "host1", 4242, buf,
					   sizeof(buf));
	const char *want =
		"<154>1 2026-01-15T10:00:30.123Z host1 floodspot 4242 flood-start "
		ORIGIN "[" SDID " state=\"raised\" rule=\"router_flood\" "
		"severity=\"critical\" mac=\"02:00:0a:00:00:0d\" vlan=\"0\" "
		"ip=\"10.0.0.13\" class=\"to_router\" pps=\"4012\" baseline=\"3\" "
		"since=\"2026-01-15T10:00:30.000Z\"] flood-start state=raised "
		"rule=router_flood severity=critical mac=02:00:0a:00:00:0d vlan=0 "
		"ip=10.0.0.13 class=to_router pps=4012 baseline=3 "
		"since=2026-01-15T10:00:30.000Z";
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

/* HOSTNAME is the agent name's host part; the agent rides in the SD
 * element after severity and in MSG; without an SD-ID only origin. */
static void test_rfc5424_agent(void **state)
{
	(void)state;
	char host[64];
	fs_alert_hostname(host, sizeof(host), "sw1/span0");
	assert_string_equal(host, "sw1");
	fs_alert_hostname(host, sizeof(host), "dc1-span");
	assert_string_equal(host, "dc1-span");
	fs_alert_hostname(host, sizeof(host), "/odd");
	assert_string_equal(host, "/odd");

	struct fs_alert a;
	sample(&a);
	snprintf(a.agent, sizeof(a.agent), "sw1/span0");
	char buf[FS_ALERT_SYSLOG_MAX];
	struct fs_alert_origin o = { LOG_DAEMON, "sw1", 7, SDID, "sw1/span0" };
	fs_alert_format_rfc5424(&a, &o, buf, sizeof(buf));
	assert_non_null(strstr(buf, " sw1 floodspot 7 flood-start " ORIGIN "[" SDID
				    " state=\"raised\" rule=\"router_flood\" "
				    "severity=\"critical\" agent=\"sw1/span0\" mac="));
	assert_non_null(strstr(buf, "] flood-start state=raised rule=router_flood "
				    "severity=critical agent=sw1/span0 mac="));
	/* A summary names the agent as its alerts do: a collector filing
	 * by agent files it with them. */
	struct fs_alert_losses lost = { 4, 1, 0 };
	assert_true(fs_alert_format_dropped(a.ts_us, &lost, &o, buf,
					    sizeof(buf)) > 0);
	assert_non_null(strstr(buf, " alerts-dropped dropped=5 queue_full=4 "
				    "send_error=1 unconfirmed=0 agent=sw1/span0"));
	o.sd_id = NULL;
	fs_alert_format_rfc5424(&a, &o, buf, sizeof(buf));
	assert_non_null(strstr(buf, " flood-start " ORIGIN " flood-start state="));
	assert_null(strstr(buf, SDID));
	o.agent = NULL;
	assert_true(fs_alert_format_dropped(a.ts_us, &lost, &o, buf,
					    sizeof(buf)) > 0);
	assert_null(strstr(buf, "agent="));
}

static const struct {
	int facility;
	enum fs_alert_severity sev;
	const char *host;
	long pid;
	const char *kind;
	const char *head;
} headers[] = {
	{ LOG_DAEMON, FS_SEV_CRITICAL, "h", 1, "culprit",
	  "<26>1 2026-01-15T10:00:30.123Z h floodspot 1 culprit [" },
	{ LOG_DAEMON, FS_SEV_WARNING, "h", 1, "x", "<28>1 " },
	{ LOG_LOCAL0, FS_SEV_NOTICE, "h", 1, "x", "<133>1 " },
	{ LOG_LOCAL7, FS_SEV_INFO, "h", 1, "x", "<190>1 " },
	{ -5, FS_SEV_INFO, "h", 1, "x", "<30>1 " },	/* bad: daemon */
	{ LOG_USER, FS_SEV_INFO, "my host", 0, "",
	  "<14>1 2026-01-15T10:00:30.123Z my_host floodspot - alert [" },
	{ LOG_USER, FS_SEV_INFO, "", 7, "a b",
	  "<14>1 2026-01-15T10:00:30.123Z - floodspot 7 a_b [" },
};

static void test_rfc5424_header(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		struct fs_alert a;
		sample(&a);
		a.severity = headers[i].sev;
		snprintf(a.kind, sizeof(a.kind), "%s", headers[i].kind);
		char buf[FS_ALERT_SYSLOG_MAX];
		fmt(&a, headers[i].facility, headers[i].host,
					headers[i].pid, buf, sizeof(buf));
		assert_memory_equal(buf, headers[i].head, strlen(headers[i].head));
	}
}

static const struct {
	const char *value;
	const char *param;
} sd_values[] = {
	{ "plain", " k=\"plain\"]" },
	{ "a]b", " k=\"a\\]b\"]" },
	{ "say \"hi\"", " k=\"say \\\"hi\\\"\"]" },
	{ "c:\\dir", " k=\"c:\\\\dir\"]" },
	{ "x=y z", " k=\"x=y z\"]" },
	{ "", " k=\"\"]" },
	{ "[]", " k=\"[\\]\"]" },
};

static void test_sd_escaping(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(sd_values) / sizeof(sd_values[0]); i++) {
		struct fs_alert a;
		memset(&a, 0, sizeof(a));
		a.ts_us = T0;
		snprintf(a.kind, sizeof(a.kind), "k");
		snprintf(a.rule, sizeof(a.rule), "r");
		fs_alert_add(&a, "k", "%s", sd_values[i].value);
		char buf[512], want[512];
		fmt(&a, LOG_DAEMON, "h", 1, buf, sizeof(buf));
		snprintf(want, sizeof(want),
			 "[" SDID " state=\"raised\" rule=\"r\" "
			 "severity=\"info\"%s ",
			 sd_values[i].param);
		assert_non_null(strstr(buf, want));
	}
}

/* Parses "[id name="v" ...]" with RFC 5424 escapes; returns the number of
 * params and the offset after ']', or -1 when malformed. */
static int parse_sd(const char *s, size_t *end)
{
	if (*s != '[')
		return -1;
	const char *p = strchr(s, ' ');
	int n = 0;
	while (p && *p == ' ') {
		p++;
		while (*p && *p != '=' && *p != ' ' && *p != ']' && *p != '"')
			p++;
		if (*p != '=' || p[1] != '"')
			return -1;
		p += 2;
		while (*p && *p != '"') {
			if (*p == ']')
				return -1;	/* must have been escaped */
			p += *p == '\\' && p[1] ? 2 : 1;
		}
		if (*p != '"')
			return -1;
		p++;
		n++;
	}
	if (!p || *p != ']')
		return -1;
	*end = (size_t)(p + 1 - s);
	return n;
}

static void test_rfc5424_truncation(void **state)
{
	(void)state;
	struct fs_alert a;
	memset(&a, 0, sizeof(a));
	a.ts_us = T0;
	snprintf(a.kind, sizeof(a.kind), "big");
	snprintf(a.rule, sizeof(a.rule), "r");
	char v[96];
	memset(v, ']', sizeof(v) - 1);	/* every byte doubles when escaped */
	v[sizeof(v) - 1] = '\0';
	for (int i = 0; i < FS_ALERT_MAX_FIELDS; i++)
		fs_alert_add(&a, "f", "%s", v);
	snprintf(a.message, sizeof(a.message), "m");
	for (size_t len = 120; len <= 8192; len += 61) {
		char buf[8192];
		memset(buf, 'Z', sizeof(buf));
		size_t n = fmt(&a, LOG_DAEMON, "h", 1, buf, len);
		assert_true(n < len);
		assert_int_equal(buf[n], '\0');
		if (len < sizeof(buf))
			assert_int_equal(buf[len], 'Z');
		/* The origin element always; ours when there is room for it. */
		assert_non_null(strstr(buf, " " ORIGIN));
		const char *sd = strstr(buf, "[" SDID);
		if (!sd) {
			assert_true(len < 200);
			continue;
		}
		size_t end = 0;
		int params = parse_sd(sd, &end);
		assert_true(params >= 1);
		assert_int_equal(sd[end], ' ');
		bool cut = strstr(sd, " truncated=\"") != NULL &&
			   strstr(sd, " truncated=\"") < sd + end;
		/* 3 head params + 24 fields: all there or a marker says so. */
		assert_true(cut || params == 3 + FS_ALERT_MAX_FIELDS);
		if (cut) {
			unsigned left = (unsigned)strtoul(
				strstr(sd, " truncated=\"") + 12, NULL, 10);
			assert_int_equal(params - 1 + (int)left,
					 3 + FS_ALERT_MAX_FIELDS);
		}
	}
}

static void test_rfc5424_garbage_struct(void **state)
{
	(void)state;
	struct fs_alert a;
	memset(&a, 'A', sizeof(a));
	a.ts_us = T0;
	a.state = FS_ALERT_RAISED;
	a.severity = FS_SEV_INFO;
	a.n_fields = 1000;
	char buf[FS_ALERT_SYSLOG_MAX];
	size_t n = fmt(&a, LOG_DAEMON, "h", 1, buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	size_t end = 0;
	const char *sd = strstr(buf, "[" SDID);
	assert_non_null(sd);
	assert_true(parse_sd(sd, &end) >= 3);
}

static void test_octet_framing(void **state)
{
	(void)state;
	char out[32];
	assert_int_equal(fs_alert_frame_octet("hello", 5, out, sizeof(out)), 7);
	assert_memory_equal(out, "5 hello", 7);
	assert_int_equal(fs_alert_frame_octet("", 0, out, sizeof(out)), 2);
	assert_memory_equal(out, "0 ", 2);
	char msg[20];
	memset(msg, 'x', sizeof(msg));
	assert_int_equal(fs_alert_frame_octet(msg, 20, out, 23), 23);
	assert_memory_equal(out, "20 ", 3);
	assert_int_equal(fs_alert_frame_octet(msg, 20, out, 22), 0);
}

static void expect_head(struct fs_alert_queue *q, const char *want)
{
	size_t n;
	const char *m = fs_alert_queue_peek(q, &n);
	assert_non_null(m);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(m, want, n);
}

static void test_queue(void **state)
{
	(void)state;
	struct fs_alert_queue q;
	assert_int_equal(fs_alert_queue_init(&q, 3, 8), 0);
	assert_int_equal(fs_alert_queue_push(&q, "a", 1, false), 0);
	assert_int_equal(fs_alert_queue_push(&q, "bb", 2, false), 0);
	assert_int_equal(fs_alert_queue_push(&q, "ccc", 3, false), 0);
	assert_int_equal(fs_alert_queue_push(&q, "123456789", 9, false), -1);
	/* Full: the oldest goes. */
	assert_int_equal(fs_alert_queue_push(&q, "dddd", 4, false), 1);
	assert_int_equal(q.count, 3);
	assert_int_equal(q.dropped, 1);
	expect_head(&q, "bb");
	/* Full with the head in flight: the second oldest goes. */
	assert_int_equal(fs_alert_queue_push(&q, "e", 1, true), 1);
	expect_head(&q, "bb");
	fs_alert_queue_pop(&q);
	expect_head(&q, "dddd");
	fs_alert_queue_pop(&q);
	expect_head(&q, "e");
	fs_alert_queue_pop(&q);
	size_t n;
	assert_null(fs_alert_queue_peek(&q, &n));
	fs_alert_queue_pop(&q);	/* empty: no-op */
	assert_int_equal(q.count, 0);
	assert_int_equal(q.dropped, 2);
	fs_alert_queue_fini(&q);

	/* One slot, in flight: only the newcomer can go. */
	assert_int_equal(fs_alert_queue_init(&q, 1, 8), 0);
	assert_int_equal(fs_alert_queue_push(&q, "x", 1, false), 0);
	assert_int_equal(fs_alert_queue_push(&q, "y", 1, true), 1);
	expect_head(&q, "x");
	assert_int_equal(fs_alert_queue_push(&q, "z", 1, false), 1);
	expect_head(&q, "z");
	fs_alert_queue_fini(&q);
	assert_int_equal(fs_alert_queue_init(&q, 0, 8), -1);
}

static void emit(struct fs_event_bus *bus, struct fs_alert *a)
{
	struct fs_event ev = { .type = FS_EV_ALERT, .ts_us = a->ts_us };
	ev.u.alert = a;
	fs_event_emit(bus, &ev);
}

/* Reads octet-counted frames until want messages or the peer stops. */
static int read_frames(int fd, char msgs[][FS_ALERT_SYSLOG_MAX], int want)
{
	static char buf[1 << 16];
	size_t have = 0;
	int got = 0;
	while (got < want) {
		ssize_t r = recv(fd, buf + have, sizeof(buf) - have, 0);
		if (r <= 0)
			break;
		have += (size_t)r;
		for (;;) {
			char *sp = memchr(buf, ' ', have);
			if (!sp)
				break;
			size_t len = strtoul(buf, NULL, 10);
			size_t hl = (size_t)(sp - buf) + 1;
			if (have < hl + len || len >= FS_ALERT_SYSLOG_MAX)
				break;
			memcpy(msgs[got], sp + 1, len);
			msgs[got][len] = '\0';
			got++;
			memmove(buf, buf + hl + len, have - hl - len);
			have -= hl + len;
		}
	}
	return got;
}

/* Collector absent: the queue keeps the newest 4 of 10, counts 6 dropped;
 * once it listens, the 4 arrive, then one summary saying 6. */
static void test_remote_queue_and_summary(void **state)
{
	(void)state;
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	socklen_t sl = sizeof(sin);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &sl), 0);
	char url[64];
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", ntohs(sin.sin_port));

	struct fs_event_bus bus;
	fs_event_bus_init(&bus);
	struct fs_alert_sinks_config cfg = { .remote = url, .remote_queue_len = 4,
					     .sd_id = SDID };
	char err[128];
	struct fs_alert_sinks *s = fs_alert_sinks_create(&cfg, &bus, err, sizeof(err));
	assert_non_null(s);
	int64_t now = 1000 * S;	/* fake monotonic clock */
	fs_alert_sinks_service(s, now);
	for (int i = 0; i < 10; i++) {
		struct fs_alert a;
		sample(&a);
		a.ts_us = T0 + i * S;
		fs_alert_add(&a, "seq", "%d", i);
		emit(&bus, &a);
		fs_alert_sinks_service(s, now += 100000);
	}
	struct fs_alert_sinks_stats st;
	fs_alert_sinks_stats(s, &st);
	assert_int_equal(st.alerts, 10);
	assert_int_equal(st.remote_dropped_queue_full, 6);
	assert_int_equal(st.remote_queued, 4);
	assert_int_equal(st.remote_sent, 0);
	assert_true(st.remote_connect_failures >= 1);
	assert_false(st.remote_connected);
	short ev;
	assert_int_equal(fs_alert_sinks_poll_fd(s, &ev), -1);	/* waiting */

	/* The collector arrives; backoff is at most 60 s. */
	assert_int_equal(listen(lfd, 4), 0);
	now += 61 * S;
	for (int i = 0; i < 50 && !st.remote_connected; i++) {
		fs_alert_sinks_service(s, now += 10000);
		fs_alert_sinks_stats(s, &st);
		usleep(1000);
	}
	assert_true(st.remote_connected);
	int cfd = accept(lfd, NULL, NULL);
	assert_true(cfd >= 0);
	struct timeval tv = { .tv_sec = 2 };
	setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < 20; i++)
		fs_alert_sinks_service(s, now += 10000);
	static char msgs[8][FS_ALERT_SYSLOG_MAX];
	int got = read_frames(cfd, msgs, 5);
	assert_int_equal(got, 5);
	for (int i = 0; i < 4; i++) {
		char want[32];
		snprintf(want, sizeof(want), " seq=\"%d\"]", 6 + i);
		assert_non_null(strstr(msgs[i], want));
	}
	assert_non_null(strstr(msgs[4], " floodspot "));
	assert_non_null(strstr(msgs[4], " alerts-dropped " ORIGIN "[" SDID
					" dropped=\"6\" queue_full=\"6\" send_error=\"0\""
					" unconfirmed=\"0\"]"));
	assert_memory_equal(msgs[4], "<28>1 2026-01-15T10:00:39.000Z ", 31);
	fs_alert_sinks_stats(s, &st);
	/* Alerts only: 4 sent + 6 dropped = the 10 emitted; the summary is
	 * counted on its own. */
	assert_int_equal(st.remote_sent, 4);
	assert_int_equal(st.remote_sent + st.remote_dropped_queue_full, 10);
	assert_int_equal(st.remote_summaries, 1);
	assert_int_equal(st.remote_queued, 0);
	assert_int_equal(st.remote_connects, 1);
	assert_int_equal(st.remote_reconnects, 0);
	assert_int_equal(fs_alert_sinks_poll_fd(s, &ev) >= 0, 1);
	assert_int_equal(ev, POLLIN);
	fs_alert_sinks_destroy(s);
	close(cfd);
	close(lfd);
}

/* Collector absent: waits of 1, 2, 4, ... 32 s, then 60 s (capped), so
 * attempts at 0, 1, 3, 7, 15, 31, 63, 123, 183 s, on a fake clock. */
static void test_remote_backoff(void **state)
{
	(void)state;
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	socklen_t sl = sizeof(sin);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &sl), 0);
	char url[64];
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", ntohs(sin.sin_port));
	struct fs_event_bus bus;
	fs_event_bus_init(&bus);
	struct fs_alert_sinks_config cfg = { .remote = url };
	char err[128];
	struct fs_alert_sinks *s = fs_alert_sinks_create(&cfg, &bus, err, sizeof(err));
	assert_non_null(s);
	const int64_t step = 100000, t0 = 50 * S;
	static const int64_t want_s[] = { 0, 1, 3, 7, 15, 31, 63, 123, 183 };
	int64_t at[16];
	unsigned n = 0;
	uint64_t seen = 0;
	for (int64_t now = t0; now <= t0 + 215 * S && n < 16; now += step) {
		fs_alert_sinks_service(s, now);
		struct fs_alert_sinks_stats st;
		fs_alert_sinks_stats(s, &st);
		assert_int_equal(st.remote_connects, 0);
		/* A loopback refusal may surface on the next step. */
		if (st.remote_connect_failures > seen) {
			assert_int_equal(st.remote_connect_failures, seen + 1);
			seen = st.remote_connect_failures;
			at[n++] = now - t0;
		}
	}
	assert_int_equal(n, sizeof(want_s) / sizeof(want_s[0]));
	for (unsigned i = 0; i < n; i++) {
		/* Each delay counts from the failure, which may lag the
		 * attempt by one step: allow one step per attempt so far. */
		assert_true(at[i] >= want_s[i] * S);
		assert_true(at[i] <= want_s[i] * S + (int64_t)(i + 1) * step);
	}
	fs_alert_sinks_destroy(s);
	close(lfd);
}

/* Sends that fail (broadcast without SO_BROADCAST: EACCES) are dropped
 * and counted, and no summary is pushed into a path that keeps failing. */
static void test_remote_udp_send_error(void **state)
{
	(void)state;
	struct fs_event_bus bus;
	fs_event_bus_init(&bus);
	struct fs_alert_sinks_config cfg = { .remote = "udp://255.255.255.255:9" };
	char err[128];
	struct fs_alert_sinks *s = fs_alert_sinks_create(&cfg, &bus, err, sizeof(err));
	assert_non_null(s);
	int64_t now = 5 * S;
	for (int i = 0; i < 3; i++) {
		struct fs_alert a;
		sample(&a);
		emit(&bus, &a);
		fs_alert_sinks_service(s, now += S);
	}
	struct fs_alert_sinks_stats st;
	fs_alert_sinks_stats(s, &st);
	assert_int_equal(st.remote_dropped_send_error, 3);
	assert_int_equal(st.remote_sent, 0);
	assert_int_equal(st.remote_summaries, 0);
	assert_int_equal(st.remote_queued, 0);
	short ev;
	assert_int_equal(fs_alert_sinks_poll_fd(s, &ev), -1);
	fs_alert_sinks_destroy(s);
}

static void test_remote_bad_config(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"http://x:1", "udp://", "udp://:514", "tcp://[::1", "tcp://::1:514",
		"udp://127.0.0.1:nosuchservice", "tcp://[::1]x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fs_event_bus bus;
		fs_event_bus_init(&bus);
		struct fs_alert_sinks_config cfg = { .remote = bad[i] };
		char err[256] = "";
		assert_null(fs_alert_sinks_create(&cfg, &bus, err, sizeof(err)));
		assert_non_null(strstr(err, bad[i]));
		assert_int_equal(bus.n_sub, 0);
	}
	/* Port defaults to 514; IPv6 literal in brackets. */
	struct fs_event_bus bus;
	fs_event_bus_init(&bus);
	struct fs_alert_sinks_config cfg = { .remote = "udp://[::1]" };
	char err[256];
	struct fs_alert_sinks *s = fs_alert_sinks_create(&cfg, &bus, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(bus.n_sub, 1);
	fs_alert_sinks_destroy(s);
}

static void test_local_syslog(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	char path[108];
	snprintf(path, sizeof(path), "/tmp/fs_test_log.%ld", (long)getpid());
	unlink(path);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);

	struct fs_event_bus bus;
	fs_event_bus_init(&bus);
	struct fs_alert_sinks_config cfg = {
		.use_syslog = true,
		.syslog_facility = LOG_LOCAL0,
		.syslog_path = path,
	};
	char err[128];
	struct fs_alert_sinks *s = fs_alert_sinks_create(&cfg, &bus, err, sizeof(err));
	assert_non_null(s);
	struct fs_alert a;
	sample(&a);
	emit(&bus, &a);
	char buf[4096], want[2048], kv[1024];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	fs_alert_format_kv(&a, kv, sizeof(kv));
	snprintf(want, sizeof(want), "<130>Jan 15 10:00:30 floodspot[%ld]: %s",
		 (long)getpid(), kv);
	assert_string_equal(buf, want);

	/* A logger that stops reading: alerts are dropped, never waited on. */
	for (int i = 0; i < 5000; i++)
		emit(&bus, &a);
	struct fs_alert_sinks_stats st;
	fs_alert_sinks_stats(s, &st);
	assert_int_equal(st.alerts, 5001);
	assert_true(st.local_dropped > 0);
	assert_int_equal(st.local_sent + st.local_dropped, 5001);

	/* The logger gone: counted as dropped. */
	close(fd);
	unlink(path);
	emit(&bus, &a);
	fs_alert_sinks_stats(s, &st);
	assert_int_equal(st.local_sent + st.local_dropped, 5002);
	fs_alert_sinks_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc5424_example),
		cmocka_unit_test(test_rfc5424_agent),
		cmocka_unit_test(test_rfc5424_header),
		cmocka_unit_test(test_sd_escaping),
		cmocka_unit_test(test_rfc5424_truncation),
		cmocka_unit_test(test_rfc5424_garbage_struct),
		cmocka_unit_test(test_octet_framing),
		cmocka_unit_test(test_queue),
		cmocka_unit_test(test_remote_queue_and_summary),
		cmocka_unit_test(test_remote_backoff),
		cmocka_unit_test(test_remote_udp_send_error),
		cmocka_unit_test(test_remote_bad_config),
		cmocka_unit_test(test_local_syslog),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
