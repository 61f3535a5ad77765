/*
 * Packet clock: slice ticks, bounded catch-up, reordering, and timestamps
 * that disagree with their neighbours (outliers clamped, steps believed
 * only when the packets after them agree).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "floodspot/clock.h"

#define S 1000000LL
#define MS 1000LL
#define MAXREC 4000

struct rec {
	int64_t tick[MAXREC];
	int nt;
	int64_t pkt[MAXREC];	/* delivered times */
	uint8_t tag[MAXREC];	/* first frame byte: which packet */
	int np;
	const struct fs_clock *clock;
	int idle;		/* ticks the idle timer closed */
};

static void on_tick(int64_t slice, void *ctx)
{
	struct rec *r = ctx;
	if (r->nt < MAXREC)
		r->tick[r->nt] = slice;
	r->nt++;
	if (r->clock->idle_ticking)
		r->idle++;
}

static void on_pkt(void *ctx, int64_t ts, const uint8_t *frame, uint32_t caplen,
		   uint32_t wirelen)
{
	struct rec *r = ctx;
	assert_int_equal(caplen, 1);
	assert_int_equal(wirelen, 60);
	if (r->np < MAXREC) {
		r->pkt[r->np] = ts;
		r->tag[r->np] = frame[0];
	}
	r->np++;
}

static void setup(struct fs_clock *c, struct rec *r, bool live)
{
	memset(r, 0, sizeof(*r));
	r->clock = c;
	assert_int_equal(fs_clock_init(c, 0, live, on_tick, on_pkt, r), 0);
}

static void pkt(struct fs_clock *c, int64_t ts, uint8_t tag)
{
	fs_clock_packet(c, ts, &tag, 1, 60);
}

static void test_ticks_each_slice(void **state)
{
	(void)state;
	struct fs_clock c;
	struct rec r;
	setup(&c, &r, false);
	pkt(&c, 100 * S + 50 * MS, 0);
	pkt(&c, 100 * S + 99 * MS, 1);
	assert_int_equal(r.nt, 0);
	pkt(&c, 100 * S + 100 * MS, 2);
	assert_int_equal(r.nt, 1);
	assert_int_equal(r.tick[0], 100 * S);
	pkt(&c, 100 * S + 450 * MS, 3);
	assert_int_equal(r.nt, 4);
	assert_int_equal(r.tick[3], 100 * S + 300 * MS);
	assert_int_equal(r.idle, 0);	/* packets closed them all */
	assert_true(fs_clock_ends_second(&c, 100 * S + 900 * MS));
	assert_false(fs_clock_ends_second(&c, 100 * S + 800 * MS));
	/* The flush closes the open second: its slices 400 to 900 ms. */
	fs_clock_flush(&c);
	assert_int_equal(r.nt, 10);
	assert_int_equal(r.tick[4], 100 * S + 400 * MS);
	assert_int_equal(r.tick[9], 100 * S + 900 * MS);
	assert_int_equal(r.np, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(r.tag[i], i);
	fs_clock_fini(&c);
}

/* A real gap, confirmed by what follows: ticked, then resynchronised. */
static void test_jump_is_bounded(void **state)
{
	(void)state;
	struct fs_clock c;
	struct rec r;
	setup(&c, &r, false);
	pkt(&c, 952041600 * S, 0);	/* year 2000 */
	pkt(&c, 1278547200 * S, 1);	/* year 2010: held */
	pkt(&c, 1278547200 * S + 1, 2);
	assert_int_equal(r.np, 1);
	pkt(&c, 1278547200 * S + 2, 3);	/* second confirmation */
	assert_int_equal(r.np, 4);
	assert_int_equal(r.pkt[1], 1278547200 * S);
	assert_int_equal(r.nt, FS_CLOCK_MAX_CATCHUP_S * 10);
	assert_int_equal(c.jumps, 1);
	assert_int_equal(c.steps_forward, 1);
	assert_int_equal(c.cur_slice_us, 1278547200 * S);
	pkt(&c, 1278547200 * S + 100 * MS, 4);
	assert_int_equal(r.tick[FS_CLOCK_MAX_CATCHUP_S * 10], 1278547200 * S);
	/* Time passing in a replay is no step to report. */
	struct fs_clock_step st;
	assert_false(fs_clock_take_step(&c, &st));
	fs_clock_fini(&c);
}

static void test_reordered_joins_open_slice(void **state)
{
	(void)state;
	struct fs_clock c;
	struct rec r;
	setup(&c, &r, false);
	pkt(&c, 50 * S, 0);
	pkt(&c, 50 * S + 210 * MS, 1);
	pkt(&c, 50 * S + 20 * MS, 2);	/* 190 ms late: within tolerance */
	assert_int_equal(r.nt, 2);
	assert_int_equal(c.reordered, 1);
	assert_int_equal(r.pkt[2], 50 * S + 20 * MS);
	assert_int_equal(c.cur_slice_us, 50 * S + 200 * MS);
	fs_clock_fini(&c);
}

/* One packet far ahead (+600 s, +1 h, +5 y) moves nothing. */
static void test_outlier_ahead_clamped(void **state)
{
	(void)state;
	static const int64_t ahead[] = { 600 * S, 3600 * S, 5 * 365 * 86400 * S };
	for (unsigned k = 0; k < 3; k++) {
		struct fs_clock c;
		struct rec r;
		setup(&c, &r, false);
		for (int i = 0; i < 10; i++)
			pkt(&c, 10 * S + i * 50 * MS, (uint8_t)i);
		pkt(&c, 10 * S + 450 * MS + ahead[k], 10);
		for (int i = 11; i < 20; i++)
			pkt(&c, 10 * S + i * 50 * MS, (uint8_t)i);
		assert_int_equal(c.outliers_ahead, 1);
		assert_int_equal(c.steps_forward + c.steps_back, 0);
		assert_int_equal(r.np, 20);
		/* Delivered in order, the outlier at packet time. */
		assert_int_equal(r.tag[10], 10);
		assert_int_equal(r.pkt[10], 10 * S + 450 * MS);
		assert_int_equal(r.pkt[19], 10 * S + 950 * MS);
		assert_int_equal(r.nt, 9);
		fs_clock_fini(&c);
	}
}

static void test_outliers_behind_and_pairs(void **state)
{
	(void)state;
	struct fs_clock c;
	struct rec r;
	setup(&c, &r, false);
	pkt(&c, 100 * S, 0);
	pkt(&c, 40 * S, 1);		/* alone, behind */
	pkt(&c, 100 * S + 10 * MS, 2);
	/* Two in a row ahead: still not enough to believe. */
	pkt(&c, 800 * S, 3);
	pkt(&c, 800 * S + 1, 4);
	pkt(&c, 100 * S + 20 * MS, 5);
	assert_int_equal(c.outliers_behind, 1);
	assert_int_equal(c.outliers_ahead, 2);
	assert_int_equal(r.np, 6);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(r.tag[i], i);
		assert_true(r.pkt[i] >= 100 * S && r.pkt[i] <= 100 * S + 20 * MS);
	}
	assert_int_equal(r.nt, 0);
	fs_clock_fini(&c);
}

/* The second half of a capture before its first: re-based, reported. */
static void test_backward_run_rebases(void **state)
{
	(void)state;
	struct fs_clock c;
	struct rec r;
	setup(&c, &r, false);
	for (int i = 0; i < 20; i++)
		pkt(&c, 1000 * S + i * 100 * MS, (uint8_t)i);
	int64_t end = 1000 * S + 19 * 100 * MS;
	for (int i = 0; i < 20; i++)
		pkt(&c, 900 * S + i * 100 * MS, (uint8_t)(20 + i));
	assert_int_equal(c.steps_back, 1);
	assert_int_equal(r.np, 40);
	/* Packet time runs on from where it was, in steps of 100 ms. */
	assert_int_equal(r.pkt[20], end);
	assert_int_equal(r.pkt[39], end + 19 * 100 * MS);
	for (int i = 1; i < 40; i++)
		assert_true(r.pkt[i] >= r.pkt[i - 1]);
	struct fs_clock_step st;
	assert_true(fs_clock_take_step(&c, &st));
	assert_true(st.rebased);
	assert_int_equal(st.by_us, 900 * S - end);
	assert_int_equal(c.outliers_ahead + c.outliers_behind, 0);
	fs_clock_fini(&c);
}

/* Live: the wall clock set forward an hour is a re-base, not an hour of
 * silence for the timers. */
static void test_live_step_rebases(void **state)
{
	(void)state;
	struct fs_clock c;
	struct rec r;
	setup(&c, &r, true);
	pkt(&c, 10 * S, 0);
	pkt(&c, 10 * S + 50 * MS, 1);
	for (int i = 0; i < 5; i++)
		pkt(&c, 3610 * S + 60 * MS + i * MS, (uint8_t)(2 + i));
	assert_int_equal(c.steps_forward, 1);
	assert_int_equal(r.nt, 0);
	assert_true(r.pkt[6] < 10 * S + 100 * MS);
	fs_clock_advance(&c, 10 * S + 250 * MS);
	assert_int_equal(r.nt, 2);
	assert_int_equal(r.idle, 2);
	assert_false(c.idle_ticking);
	fs_clock_fini(&c);
}

/* Sparse traffic (one packet every 5 s): each delivered at its own time. */
static void test_sparse_exact(void **state)
{
	(void)state;
	struct fs_clock c;
	struct rec r;
	setup(&c, &r, false);
	for (int i = 0; i < 8; i++)
		pkt(&c, 100 * S + i * 5 * S, (uint8_t)i);
	pkt(&c, 100 * S + 35 * S + 1, 8);
	pkt(&c, 100 * S + 35 * S + 2, 9);
	assert_int_equal(r.np, 10);
	for (int i = 0; i < 8; i++)
		assert_int_equal(r.pkt[i], 100 * S + i * 5 * S);
	assert_int_equal(c.outliers_ahead + c.outliers_behind, 0);
	assert_int_equal(c.steps_forward, 7);
	fs_clock_flush(&c);
	fs_clock_fini(&c);
}

/* Held at the end with nothing after: far ahead, an outlier; a few
 * seconds ahead (a sparse capture's last packets), time passing. */
static void test_flush_releases_held(void **state)
{
	(void)state;
	struct fs_clock c;
	struct rec r;
	setup(&c, &r, false);
	pkt(&c, 50 * S, 0);
	pkt(&c, 5000 * S, 1);
	assert_int_equal(r.np, 1);
	fs_clock_flush(&c);
	assert_int_equal(r.np, 2);
	assert_int_equal(r.pkt[1], 50 * S);
	assert_int_equal(c.outliers_ahead, 1);
	fs_clock_fini(&c);

	setup(&c, &r, false);
	pkt(&c, 50 * S, 0);
	pkt(&c, 60 * S, 1);
	pkt(&c, 70 * S, 2);
	assert_int_equal(r.np, 1);
	fs_clock_flush(&c);
	assert_int_equal(r.np, 3);
	assert_int_equal(r.pkt[1], 60 * S);
	assert_int_equal(r.pkt[2], 70 * S);
	assert_int_equal(c.outliers_ahead, 0);
	fs_clock_fini(&c);
}

static void test_negative_time_floors(void **state)
{
	(void)state;
	struct fs_clock c;
	struct rec r;
	setup(&c, &r, false);
	pkt(&c, -1, 0);
	assert_int_equal(c.cur_slice_us, -100 * MS);
	pkt(&c, 0, 1);
	assert_int_equal(r.nt, 1);
	assert_int_equal(r.tick[0], -100 * MS);
	fs_clock_fini(&c);
}

static void test_bad_slice(void **state)
{
	(void)state;
	struct fs_clock c;
	struct rec r;
	assert_int_equal(fs_clock_init(&c, 300000, false, on_tick, on_pkt, &r), -1);
	assert_int_equal(fs_clock_init(&c, 2 * S, false, on_tick, on_pkt, &r), -1);
	assert_int_equal(fs_clock_init(&c, 200000, false, on_tick, on_pkt, &r), 0);
	fs_clock_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticks_each_slice),
		cmocka_unit_test(test_jump_is_bounded),
		cmocka_unit_test(test_reordered_joins_open_slice),
		cmocka_unit_test(test_outlier_ahead_clamped),
		cmocka_unit_test(test_outliers_behind_and_pairs),
		cmocka_unit_test(test_backward_run_rebases),
		cmocka_unit_test(test_live_step_rebases),
		cmocka_unit_test(test_sparse_exact),
		cmocka_unit_test(test_flush_releases_held),
		cmocka_unit_test(test_negative_time_floors),
		cmocka_unit_test(test_bad_slice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
