/*
 * Test driver for the alert sinks: creates them from argv, emits alerts on
 * an event bus and services them until the goal is met or time runs out.
 * Prints the sink stats as one JSON line; exit 0 = goal met, 1 = timeout.
 *
 *   alert_send [--remote URL] [--queue N] [--local PATH] [--facility NAME]
 *              [--exec CMD] [--alerts N] [--interval-ms MS] [--states rac]
 *              [--expect-sent N] [--expect-exec N] [--timeout S]
 *              [--flush-ms MS]   (emit all at once, then flush, no service)
 *              [--sd-id NAME@PEN] [--agent NAME] [--alert-agent NAME]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "floodspot/alert.h"
#include "floodspot/event.h"

#define T0 (1768471230LL * 1000000)	/* 2026-01-15T10:00:30Z */

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static const char *agent_field;	/* --alert-agent: the alert's agent */

static void make_alert(struct fs_alert *a, int i, char state)
{
	memset(a, 0, sizeof(*a));
	if (agent_field)
		snprintf(a->agent, sizeof(a->agent), "%s", agent_field);
	a->ts_us = T0 + (int64_t)i * 1000000 + 250000;
	a->state = state == 'c' ? FS_ALERT_CLEARED
		   : state == 'a' ? FS_ALERT_ACTIVE : FS_ALERT_RAISED;
	a->severity = FS_SEV_CRITICAL;
	snprintf(a->rule, sizeof(a->rule), "router_flood");
	snprintf(a->kind, sizeof(a->kind), "flood-start");
	fs_alert_add(a, "seq", "%d", i);
	fs_alert_add(a, "mac", "02:00:0a:00:00:%02x", i & 0xff);
	fs_alert_add(a, "vlan", "%d", 0);
	fs_alert_add(a, "ip", "10.0.0.%d", i & 0xff);
	fs_alert_add(a, "class", "to_router");
	fs_alert_add(a, "pps", "%d", 4000 + i);
	fs_alert_add(a, "note", "say \"hi\" [x] \\ y");
	snprintf(a->message, sizeof(a->message), "host %d floods the routers", i);
}

static void print_stats(const struct fs_alert_sinks_stats *st)
{
	printf("{\"alerts\":%llu,\"local_sent\":%llu,\"local_dropped\":%llu,"
	       "\"sent\":%llu,\"dropped_queue_full\":%llu,"
	       "\"dropped_send_error\":%llu,\"dropped_exit\":%llu,"
	       "\"unconfirmed\":%llu,\"summaries\":%llu,"
	       "\"connects\":%llu,\"reconnects\":%llu,"
	       "\"connect_failures\":%llu,\"disconnects\":%llu,\"queued\":%u,"
	       "\"exec_spawned\":%llu,\"exec_dropped_busy\":%llu,"
	       "\"exec_failed\":%llu,\"exec_exit_nonzero\":%llu,"
	       "\"exec_running\":%u}\n",
	       (unsigned long long)st->alerts, (unsigned long long)st->local_sent,
	       (unsigned long long)st->local_dropped,
	       (unsigned long long)st->remote_sent,
	       (unsigned long long)st->remote_dropped_queue_full,
	       (unsigned long long)st->remote_dropped_send_error,
	       (unsigned long long)st->remote_dropped_exit,
	       (unsigned long long)st->remote_unconfirmed,
	       (unsigned long long)st->remote_summaries,
	       (unsigned long long)st->remote_connects,
	       (unsigned long long)st->remote_reconnects,
	       (unsigned long long)st->remote_connect_failures,
	       (unsigned long long)st->remote_disconnects, st->remote_queued,
	       (unsigned long long)st->exec_spawned,
	       (unsigned long long)st->exec_dropped_busy,
	       (unsigned long long)st->exec_failed,
	       (unsigned long long)st->exec_exit_nonzero, st->exec_running);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct fs_alert_sinks_config cfg = { .syslog_facility = 0 };
	int n_alerts = 1, interval_ms = 0;
	long expect_sent = -1, expect_exec = -1;
	double timeout_s = 10;
	int flush_ms = -1;
	const char *states = "r";
	static const struct option opts[] = {
		{ "remote", required_argument, NULL, 'r' },
		{ "queue", required_argument, NULL, 'q' },
		{ "local", required_argument, NULL, 'l' },
		{ "facility", required_argument, NULL, 'f' },
		{ "exec", required_argument, NULL, 'e' },
		{ "alerts", required_argument, NULL, 'n' },
		{ "interval-ms", required_argument, NULL, 'i' },
		{ "states", required_argument, NULL, 's' },
		{ "expect-sent", required_argument, NULL, 'S' },
		{ "expect-exec", required_argument, NULL, 'E' },
		{ "timeout", required_argument, NULL, 't' },
		{ "flush-ms", required_argument, NULL, 'F' },
		{ "sd-id", required_argument, NULL, 'D' },
		{ "agent", required_argument, NULL, 'A' },
		{ "alert-agent", required_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': cfg.remote = optarg; break;
		case 'q': cfg.remote_queue_len = (uint32_t)atoi(optarg); break;
		case 'l':
			cfg.use_syslog = true;
			cfg.syslog_path = optarg;
			break;
		case 'f':
			cfg.syslog_facility = fs_alert_facility_parse(optarg);
			if (cfg.syslog_facility < 0) {
				fprintf(stderr, "unknown facility %s\n", optarg);
				return 2;
			}
			break;
		case 'e': cfg.exec_cmd = optarg; break;
		case 'n': n_alerts = atoi(optarg); break;
		case 'i': interval_ms = atoi(optarg); break;
		case 's': states = optarg; break;
		case 'S': expect_sent = atol(optarg); break;
		case 'E': expect_exec = atol(optarg); break;
		case 't': timeout_s = atof(optarg); break;
		case 'F': flush_ms = atoi(optarg); break;
		case 'D': cfg.sd_id = optarg; break;
		case 'A': cfg.agent_name = optarg; break;
		case 'G': agent_field = optarg; break;
		default: return 2;
		}
	}
	if (!states[0])
		states = "r";

	struct fs_event_bus bus;
	fs_event_bus_init(&bus);
	char err[256];
	struct fs_alert_sinks *s = fs_alert_sinks_create(&cfg, &bus, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "alert_send: %s\n", err);
		return 2;
	}
	int64_t start = mono_us(), deadline = start + (int64_t)(timeout_s * 1e6);
	int64_t next_emit = start;
	int emitted = 0;
	struct fs_alert_sinks_stats st;
	int rc = 1;
	fs_alert_sinks_service(s, start);
	if (flush_ms >= 0) {
		/* A replay's end: a burst of alerts, then exit. */
		for (; emitted < n_alerts; emitted++) {
			struct fs_alert a;
			make_alert(&a, emitted, states[emitted % strlen(states)]);
			struct fs_event ev = { .type = FS_EV_ALERT, .ts_us = a.ts_us };
			ev.u.alert = &a;
			fs_event_emit(&bus, &ev);
		}
		rc = fs_alert_sinks_flush(s, flush_ms) ? 0 : 1;
		fs_alert_sinks_stats(s, &st);
		print_stats(&st);
		fs_alert_sinks_destroy(s);
		return rc;
	}
	for (;;) {
		int64_t now = mono_us();
		while (emitted < n_alerts && now >= next_emit) {
			struct fs_alert a;
			make_alert(&a, emitted, states[emitted % strlen(states)]);
			struct fs_event ev = { .type = FS_EV_ALERT, .ts_us = a.ts_us };
			ev.u.alert = &a;
			fs_event_emit(&bus, &ev);
			emitted++;
			next_emit += (int64_t)interval_ms * 1000;
		}
		fs_alert_sinks_service(s, now);
		fs_alert_sinks_stats(s, &st);
		bool done = emitted == n_alerts;
		if (expect_sent >= 0)
			done = done && (long)st.remote_sent >= expect_sent &&
			       st.remote_queued == 0;
		if (expect_exec >= 0)
			done = done && (long)(st.exec_spawned + st.exec_dropped_busy +
					      st.exec_failed) >= expect_exec &&
			       st.exec_running == 0;
		if (done) {
			rc = 0;
			break;
		}
		if (now > deadline)
			break;
		usleep(20000);
	}
	print_stats(&st);
	fs_alert_sinks_destroy(s);
	return rc;
}
