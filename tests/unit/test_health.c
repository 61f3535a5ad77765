/*
 * Health: the agent.* metrics from cumulative counters, and their alerts
 * through the detector with the shipped rules (rules/health.rules):
 * raised, repeated, cleared like any rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "floodspot/alert.h"
#include "floodspot/detect.h"
#include "floodspot/health.h"

#define SEC 1000000LL
#define T0 (1700000000LL * SEC)

static void test_values(void **state)
{
	(void)state;
	struct fs_health h;
	fs_health_init(&h, true);
	struct fs_health_sample s = { .live = true, .last_packet_us = T0 };
	/* Second 1: 900 packets, 100 dropped: 10 %. */
	s.now_us = T0 + SEC;
	s.packets = 900;
	s.capture_drops = 100;
	s.last_packet_us = T0 + SEC / 2;
	fs_health_tick(&h, &s);
	assert_float_equal(fs_health_value(&h, FS_HEALTH_CAPTURE_DROPS), 10.0, 1e-9);
	assert_float_equal(fs_health_value(&h, FS_HEALTH_SILENT), 500.0, 1e-9);
	assert_float_equal(fs_health_value(&h, FS_HEALTH_OSPF_SILENT), 1000.0, 1e-9);
	/* Nine clean seconds of 1000 packets: 100 of 9900+100 in the window. */
	for (int i = 2; i <= 10; i++) {
		s.now_us = T0 + i * SEC;
		s.packets += 1000;
		s.last_packet_us = s.now_us;
		s.ospf_packets++;
		fs_health_tick(&h, &s);
	}
	assert_float_equal(fs_health_value(&h, FS_HEALTH_CAPTURE_DROPS), 1.0, 1e-9);
	assert_float_equal(fs_health_value(&h, FS_HEALTH_SILENT), 0.0, 1e-9);
	assert_float_equal(fs_health_value(&h, FS_HEALTH_OSPF_SILENT), 0.0, 1e-9);
	/* The dropping second leaves the window. */
	s.now_us = T0 + 11 * SEC;
	s.packets += 1000;
	fs_health_tick(&h, &s);
	assert_float_equal(fs_health_value(&h, FS_HEALTH_CAPTURE_DROPS), 0.0, 1e-9);
	/* Queue drops: per second, and a counter that restarts (a reopened
	 * capture) is no negative figure. */
	s.now_us += SEC;
	s.rrd_dropped = 7;
	s.alert_dropped = 2;
	s.capture_drops = 0;
	fs_health_tick(&h, &s);
	assert_float_equal(fs_health_value(&h, FS_HEALTH_RRD_DROPS), 7.0, 1e-9);
	assert_float_equal(fs_health_value(&h, FS_HEALTH_ALERT_DROPS), 2.0, 1e-9);
	assert_float_equal(fs_health_value(&h, FS_HEALTH_CAPTURE_DROPS), 0.0, 1e-9);
	s.now_us += SEC;
	fs_health_tick(&h, &s);
	assert_float_equal(fs_health_value(&h, FS_HEALTH_RRD_DROPS), 0.0, 1e-9);
	/* OSPF gone: its silence grows from the last second it was seen. */
	s.now_us += 5 * SEC;
	s.last_packet_us = s.now_us;
	fs_health_tick(&h, &s);
	assert_float_equal(fs_health_value(&h, FS_HEALTH_OSPF_SILENT), 8000.0, 1e-9);

	/* A replay is never silent, and OSPF is not expected unless told. */
	fs_health_init(&h, false);
	struct fs_health_sample r = { .now_us = T0 + 100 * SEC,
				      .last_packet_us = T0 };
	fs_health_tick(&h, &r);
	assert_float_equal(fs_health_value(&h, FS_HEALTH_SILENT), 0.0, 1e-9);
	assert_float_equal(fs_health_value(&h, FS_HEALTH_OSPF_SILENT), 0.0, 1e-9);
	assert_string_equal(fs_health_metric_name(FS_HEALTH_CAPTURE_DROPS),
			    "capture_drops");
	assert_string_equal(fs_health_metric_name(FS_HEALTH_COUNT), "unknown");
}

#define MAX_CAUGHT 64

struct sim {
	struct fs_event_bus bus;
	struct fs_detect *det;
	struct fs_health health;
	struct fs_health_sample s;
	int64_t sec;
	struct fs_alert caught[MAX_CAUGHT];
	unsigned n;
};

static void on_event(const struct fs_event *ev, void *ctx)
{
	struct sim *s = ctx;
	if (ev->type == FS_EV_ALERT && s->n < MAX_CAUGHT)
		s->caught[s->n++] = *ev->u.alert;
}

static void sim_init(struct sim *s, bool expect_ospf)
{
	memset(s, 0, sizeof(*s));
	fs_event_bus_init(&s->bus);
	unsigned e = 0;
	struct fs_ruleset *rs = fs_rules_load(FS_SOURCE_RULES_DIR "/health.rules",
					      stderr, &e);
	assert_non_null(rs);
	s->det = fs_detect_create(rs, &s->bus);
	assert_non_null(s->det);
	fs_event_subscribe(&s->bus, on_event, s);
	fs_health_init(&s->health, expect_ospf);
	s->sec = T0;
	s->s.live = true;
	s->s.last_packet_us = T0;
}

/* One second: the counters moved by the arguments. */
static void step(struct sim *s, uint64_t packets, uint64_t drops,
		 uint64_t rrd, uint64_t ospf)
{
	s->s.now_us = s->sec + SEC;
	s->s.packets += packets;
	s->s.capture_drops += drops;
	s->s.rrd_dropped += rrd;
	s->s.ospf_packets += ospf;
	if (packets)
		s->s.last_packet_us = s->s.now_us - 1;
	fs_health_tick(&s->health, &s->s);
	struct fs_detect_inputs in = { .now_us = s->s.now_us,
				       .health = &s->health };
	fs_detect_tick(s->det, s->sec, &in);
	s->sec += SEC;
}

/* Index of the n-th alert (0-based) of rule in state, or -1. */
static int find(const struct sim *s, const char *rule,
		enum fs_alert_state st, unsigned nth)
{
	for (unsigned i = 0; i < s->n; i++)
		if (!strcmp(s->caught[i].rule, rule) && s->caught[i].state == st &&
		    nth-- == 0)
			return (int)i;
	return -1;
}

static void test_span_silent(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, false);
	for (int i = 0; i < 30; i++)
		step(&s, 0, 0, 0, 0);
	assert_int_equal(s.n, 0);	/* 30 s is not "> 30s" */
	step(&s, 0, 0, 0, 0);
	int r = find(&s, "span_silent", FS_ALERT_RAISED, 0);
	assert_true(r >= 0);
	assert_string_equal(s.caught[r].kind, "span-silent");
	assert_int_equal(s.caught[r].severity, FS_SEV_CRITICAL);
	/* Traffic again: cleared after 10 s below 5 s of silence. */
	for (int i = 0; i < 9; i++)
		step(&s, 100, 0, 0, 0);
	assert_int_equal(find(&s, "span_silent", FS_ALERT_CLEARED, 0), -1);
	step(&s, 100, 0, 0, 0);
	assert_true(find(&s, "span_silent", FS_ALERT_CLEARED, 0) > r);
	fs_detect_destroy(s.det);
}

static void test_drops_and_queues(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, false);
	for (int i = 0; i < 5; i++)
		step(&s, 1000, 0, 0, 0);
	/* 20 % of each second dropped: over 1 % of the window at once, raised
	 * after its 5 s. */
	for (int i = 0; i < 4; i++)
		step(&s, 800, 200, 0, 0);
	assert_int_equal(find(&s, "capture_drops", FS_ALERT_RAISED, 0), -1);
	step(&s, 800, 200, 0, 0);
	assert_true(find(&s, "capture_drops", FS_ALERT_RAISED, 0) >= 0);
	/* One RRD drop raises at once; repeated while it goes on. */
	step(&s, 1000, 0, 3, 0);
	int r = find(&s, "rrd_queue_dropping", FS_ALERT_RAISED, 0);
	assert_true(r >= 0);
	assert_string_equal(s.caught[r].kind, "rrd-drops");
	for (int i = 0; i < 60; i++)
		step(&s, 1000, 0, 1, 0);
	assert_true(find(&s, "rrd_queue_dropping", FS_ALERT_ACTIVE, 0) > r);
	/* Quiet queues for 60 s: cleared; the drop share long gone too. */
	for (int i = 0; i < 60; i++)
		step(&s, 1000, 0, 0, 0);
	assert_true(find(&s, "rrd_queue_dropping", FS_ALERT_CLEARED, 0) > r);
	assert_true(find(&s, "capture_drops", FS_ALERT_CLEARED, 0) >= 0);
	assert_int_equal(find(&s, "span_silent", FS_ALERT_RAISED, 0), -1);
	fs_detect_destroy(s.det);
}

static void test_ospf_missing(void **state)
{
	(void)state;
	struct sim s;
	sim_init(&s, true);
	for (int i = 0; i < 60; i++)
		step(&s, 100, 0, 0, 0);
	assert_int_equal(find(&s, "ospf_missing", FS_ALERT_RAISED, 0), -1);
	step(&s, 100, 0, 0, 0);
	int r = find(&s, "ospf_missing", FS_ALERT_RAISED, 0);
	assert_true(r >= 0);
	assert_string_equal(s.caught[r].kind, "ospf-missing");
	/* Hellos every 10 s: silences stay below 40 s; cleared after 10 s. */
	for (int i = 0; i < 10; i++)
		step(&s, 100, 0, 0, i % 10 == 0);
	assert_true(find(&s, "ospf_missing", FS_ALERT_CLEARED, 0) > r);

	/* Not expected: never. */
	struct sim q;
	fs_detect_destroy(s.det);
	sim_init(&q, false);
	for (int i = 0; i < 200; i++)
		step(&q, 100, 0, 0, 0);
	assert_int_equal(q.n, 0);
	fs_detect_destroy(q.det);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_span_silent),
		cmocka_unit_test(test_drops_and_queues),
		cmocka_unit_test(test_ospf_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
