/* Capture gaps: silence where traffic flowed, drops, link down, marks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "floodspot/gap.h"

#define S 1000000LL
#define SL 100000LL

struct run {
	struct fs_gaps g;
	struct fs_event_bus bus;
	uint64_t packets, drops;
	int64_t t;		/* start of the next slice */
	struct fs_ev_capture_gap told[16];
	unsigned n;
};

static void rec(const struct fs_event *ev, void *ctx)
{
	struct run *r = ctx;
	if (ev->type == FS_EV_CAPTURE_GAP && r->n < 16)
		r->told[r->n++] = ev->u.gap;
}

static void setup(struct run *r)
{
	memset(r, 0, sizeof(*r));
	fs_event_bus_init(&r->bus);
	fs_event_subscribe(&r->bus, rec, r);
	fs_gaps_init(&r->g, &r->bus);
	r->t = 100 * S;
}

/* One slice with n packets spread in it, dropped more lost by the kernel;
 * the busiest host sends busy of each second's packets. */
static void slice(struct run *r, unsigned n, unsigned dropped, unsigned busy)
{
	for (unsigned i = 0; i < n; i++) {
		r->packets++;
		fs_gaps_packet(&r->g, r->t + (int64_t)i * SL / n);
	}
	r->drops += dropped;
	bool second = (r->t + SL) % S == 0;
	fs_gaps_slice(&r->g, r->t, r->t + SL, r->packets, r->drops,
		      second ? (int64_t)(n * 10) - busy : -1);
	r->t += SL;
}

/* 50 pps of ordinary traffic, then 3 s of nothing: blind from the last
 * packet until the next one, told when opened and when closed. */
static void test_silence(void **state)
{
	(void)state;
	struct run r;
	setup(&r);
	for (int i = 0; i < 100; i++)
		slice(&r, 5, 0, 0);
	int64_t last = r.g.last_pkt_us;
	assert_false(r.g.open);
	/* A packet 0.5 s on shows the capture watched; 3 s on, not yet. */
	assert_true(fs_gaps_watched(&r.g, last + S / 2));
	assert_false(fs_gaps_watched(&r.g, last + 3 * S));
	for (int i = 0; i < 5; i++)
		slice(&r, 0, 0, 0);
	assert_false(r.g.open);		/* 0.5 s: too short to tell */
	for (int i = 0; i < 25; i++)
		slice(&r, 0, 0, 0);
	assert_true(r.g.open);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.told[0].start_us, last);
	assert_int_equal(r.told[0].reason, FS_GAP_SILENCE);
	assert_int_equal(fs_gaps_blind_until(&r.g, last - S, last + S), INT64_MAX);
	assert_false(fs_gaps_watched(&r.g, r.t));	/* blind till a packet */
	int64_t back = r.t;
	slice(&r, 5, 0, 0);
	assert_false(r.g.open);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.told[1].end_us, back);
	assert_int_equal(fs_gaps_blind_until(&r.g, last - S, last + S), back);
	assert_int_equal(fs_gaps_blind_until(&r.g, back + 1, back + S), 0);
	assert_int_equal(fs_gaps_blind_until(&r.g, 0, last - 1), 0);
	assert_int_equal(r.g.opened[FS_GAP_SILENCE], 1);
}

/* A flooder that stops is no outage: the rate without the busiest host. */
static void test_flooder_stops(void **state)
{
	(void)state;
	struct run r;
	setup(&r);
	for (int i = 0; i < 100; i++)
		slice(&r, 400, 0, 3995);	/* 5 pps from the rest */
	for (int i = 0; i < 30; i++)
		slice(&r, 0, 0, 0);
	assert_false(r.g.open);
	assert_int_equal(r.n, 0);
}

/* The kernel lost as many as it gave: blind; fewer: not. */
static void test_drops(void **state)
{
	(void)state;
	struct run r;
	setup(&r);
	slice(&r, 100, 30, 0);
	assert_false(r.g.open);
	int64_t from = r.t;
	slice(&r, 100, 150, 0);
	slice(&r, 100, 400, 0);
	assert_true(r.g.open);
	assert_int_equal(r.told[0].reason, FS_GAP_DROPS);
	assert_int_equal(r.told[0].start_us, from);
	slice(&r, 100, 10, 0);
	assert_false(r.g.open);
	assert_int_equal(r.told[1].lost, 550);
	assert_int_equal(r.told[1].end_us, from + 2 * SL);
}

static void test_link_and_mark(void **state)
{
	(void)state;
	struct run r;
	setup(&r);
	fs_gaps_link(&r.g, 10 * S, true);
	fs_gaps_link(&r.g, 11 * S, true);	/* still down: nothing new */
	assert_true(r.g.open);
	fs_gaps_packet(&r.g, 12 * S);		/* a packet does not end it */
	assert_true(r.g.open);
	fs_gaps_link(&r.g, 13 * S, false);
	assert_false(r.g.open);
	assert_int_equal(r.n, 2);
	assert_int_equal(fs_gaps_blind_until(&r.g, 12 * S, 20 * S), 13 * S);
	fs_gaps_mark(&r.g, 30 * S, FS_GAP_CLOCK_STEP);
	assert_int_equal(fs_gaps_blind_until(&r.g, 29 * S, 31 * S), 30 * S);
	assert_int_equal(fs_gaps_blind_until(&r.g, 31 * S, 32 * S), 0);
	/* The ring keeps the latest FS_GAP_KEEP spans. */
	for (int i = 0; i < FS_GAP_KEEP + 5; i++)
		fs_gaps_mark(&r.g, (100 + i) * S, FS_GAP_CLOCK_STEP);
	assert_int_equal(r.g.n, FS_GAP_KEEP);
	assert_int_equal(fs_gaps_blind_until(&r.g, 29 * S, 31 * S), 0);
	assert_string_equal(fs_gap_reason_name(FS_GAP_LINK_DOWN), "link-down");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_silence),
		cmocka_unit_test(test_flooder_stops),
		cmocka_unit_test(test_drops),
		cmocka_unit_test(test_link_and_mark),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
