/*
 * The session model: arrival timing judged per interval (a late arrival
 * followed by an early one is still one late interval, told once, the
 * moment it was overdue), copies, reordering, the jitter-narrowed margin,
 * the learned interval; and the state-table driver with its counts of
 * unexpected pairs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "floodspot/session.h"

#define S 1000000LL
#define MS 1000LL

static void test_first_and_on_time(void **state)
{
	(void)state;
	struct fs_arrivals t;
	fs_arrivals_init(&t, 1 * S);
	assert_int_equal(fs_arrivals_arrive(&t, 10 * S, 0.25f, true), FS_ARR_FIRST);
	assert_int_equal(fs_arrivals_arrive(&t, 11 * S, 0.25f, true), FS_ARR_ON_TIME);
	assert_int_equal(fs_arrivals_arrive(&t, 12 * S, 0.25f, true), FS_ARR_ON_TIME);
	assert_int_equal(t.judged, 2);
	assert_int_equal(t.late, 0);
	assert_int_equal(t.last_gap_ms, 1000);
	assert_int_equal(t.gaps, 2);
	assert_true(t.mean_ms > 999 && t.mean_ms < 1001);
}

/* The starving router of DESIGN.md: 1.80 s then 0.20 s; the mean is
 * still 1 s, but one interval was late and is told once, at the tick
 * that passes 1.25 s, stamped with that moment. */
static void test_late_then_early(void **state)
{
	(void)state;
	struct fs_arrivals t;
	fs_arrivals_init(&t, 1 * S);
	fs_arrivals_arrive(&t, 0 + 1, 0.25f, true);
	fs_arrivals_arrive(&t, 1 * S, 0.25f, true);
	int64_t moment = 0;
	assert_false(fs_arrivals_overdue(&t, 1 * S + 1200 * MS, 0.25f, &moment));
	assert_true(fs_arrivals_overdue(&t, 1 * S + 1300 * MS, 0.25f, &moment));
	assert_int_equal(moment, 1 * S + 1250 * MS);
	/* Told once per interval. */
	assert_false(fs_arrivals_overdue(&t, 1 * S + 1700 * MS, 0.25f, &moment));
	assert_int_equal(fs_arrivals_arrive(&t, 2800 * MS, 0.25f, true),
			 FS_ARR_LATE_TOLD);
	assert_int_equal(fs_arrivals_arrive(&t, 3000 * MS, 0.25f, true),
			 FS_ARR_ON_TIME);
	assert_int_equal(t.late, 1);
	assert_int_equal(t.judged, 3);
	assert_int_equal(t.max_gap_ms, 1800);
	assert_int_equal(fs_arrivals_gap_ms(&t, 3500 * MS), 500);
}

/* Without a tick in between, the arrival itself is the first to know. */
static void test_late_on_arrival(void **state)
{
	(void)state;
	struct fs_arrivals t;
	fs_arrivals_init(&t, 1 * S);
	fs_arrivals_arrive(&t, 5 * S, 0.25f, true);
	assert_int_equal(fs_arrivals_arrive(&t, 6500 * MS, 0.25f, true), FS_ARR_LATE);
	assert_int_equal(t.late, 1);
	assert_true(fs_arrivals_late_share(&t, 8 * S) > 0.49);
	assert_true(fs_arrivals_late_share(&t, 7 * S) < 0.01);
}

static void test_copy_and_reordered(void **state)
{
	(void)state;
	struct fs_arrivals t;
	fs_arrivals_init(&t, 1 * S);
	fs_arrivals_arrive(&t, 5 * S, 0.25f, true);
	assert_int_equal(fs_arrivals_arrive(&t, 5 * S + 30, 0.25f, true), FS_ARR_COPY);
	assert_int_equal(fs_arrivals_arrive(&t, 4 * S, 0.25f, true), FS_ARR_REORDERED);
	assert_int_equal(t.copies, 1);
	assert_int_equal(t.reordered, 1);
	assert_int_equal(t.last_us, 5 * S);
	/* A 50 ms interval (BFD): 15 ms apart is no copy. */
	fs_arrivals_init(&t, 50 * MS);
	fs_arrivals_arrive(&t, 5 * S, 0.25f, true);
	assert_int_equal(fs_arrivals_arrive(&t, 5 * S + 15 * MS, 0.25f, true),
			 FS_ARR_ON_TIME);
	/* TCP callers remove copies themselves; messages of one segment
	 * are one arrival, a KEEPALIVE among them still regular. */
	fs_arrivals_init(&t, 1 * S);
	t.copy_us = 0;
	fs_arrivals_arrive(&t, 4 * S, 0.25f, true);
	fs_arrivals_arrive(&t, 5 * S, 0.25f, false);
	assert_int_equal(fs_arrivals_arrive(&t, 5 * S, 0.25f, true), FS_ARR_SAME);
	assert_int_equal(fs_arrivals_arrive(&t, 5 * S, 0.25f, true), FS_ARR_SAME);
	assert_int_equal(t.gaps, 1);
	assert_int_equal(t.copies, 0);
	assert_int_equal(fs_arrivals_arrive(&t, 5 * S + 10, 0.25f, true),
			 FS_ARR_ON_TIME);
}

/* A steady sender narrows the margin to its jitter (50 ms floor). */
static void test_margin_follows_jitter(void **state)
{
	(void)state;
	struct fs_arrivals t;
	fs_arrivals_init(&t, 10 * S);
	assert_int_equal(fs_arrivals_limit(&t, 0.25f), 12500 * MS);
	for (int i = 0; i < 5; i++)
		fs_arrivals_arrive(&t, (int64_t)i * 10 * S + 1, 0.25f, true);
	assert_int_equal(fs_arrivals_limit(&t, 0.25f), 10 * S + 200 * MS);
	fs_arrivals_init(&t, 0);
	assert_int_equal(fs_arrivals_limit(&t, 0.25f), 0);
	fs_arrivals_arrive(&t, 1 * S, 0.25f, true);
	assert_int_equal(fs_arrivals_arrive(&t, 9 * S, 0.25f, true), FS_ARR_UNTIMED);
	assert_false(fs_arrivals_overdue(&t, 100 * S, 0.25f, NULL));
}

/* The rhythm is from regular message to regular message, whatever came
 * between (an UPDATE does not move a router's keepalive schedule); every
 * gap is judged. */
static void test_regular_and_learned(void **state)
{
	(void)state;
	struct fs_arrivals t;
	fs_arrivals_init(&t, 0);
	int64_t ts[] = { 1 * S, 4 * S, 6500 * MS, 7 * S, 10 * S };
	bool reg[] = { true, true, false, true, true };
	for (int i = 0; i < 5; i++)
		fs_arrivals_arrive(&t, ts[i], 0.25f, reg[i]);
	assert_int_equal(t.gaps, 3);
	assert_true(t.mean_ms > 2999 && t.mean_ms < 3001);
	assert_int_equal(t.last_gap_ms, 3000);
	assert_int_equal(fs_arrivals_learned_us(&t), 3 * S);
	fs_arrivals_arrive(&t, 12900 * MS, 0.25f, true);
	assert_int_equal(fs_arrivals_learned_us(&t), 3 * S);
	/* An outage is no jitter. */
	t.expect_us = 3 * S;
	uint32_t gaps = t.gaps;
	fs_arrivals_arrive(&t, 60 * S, 0.25f, true);
	assert_int_equal(t.gaps, gaps);
	fs_arrivals_reset(&t);
	assert_int_equal(fs_arrivals_arrive(&t, 61 * S, 0.25f, true), FS_ARR_FIRST);
	/* Nor is a burst (keepalives as a session comes up). */
	fs_arrivals_init(&t, 1 * S);
	t.copy_us = 0;
	int64_t b[] = { 0 + 1, 1 * MS, 2 * MS, 1 * S, 2 * S };
	for (int i = 0; i < 5; i++)
		fs_arrivals_arrive(&t, b[i], 0.25f, true);
	assert_int_equal(t.gaps, 2);
	assert_true(t.mean_ms > 997 && t.mean_ms < 1000);
}

/* A small machine: off/on, with an unexpected pair. */
enum { ST_OFF, ST_ON, N_ST };
enum { EV_PRESS, EV_RELEASE, EV_BREAK, N_EV };
enum { ACT_NONE, ACT_LIGHT, ACT_DARK };

static const char *const st_names[N_ST] = { "off", "on" };
static const char *const ev_names[N_EV] = { "press", "release", NULL };

static const struct fs_fsm_row rows[] = {
	{ FS_FSM_BIT(ST_OFF), EV_PRESS, ACT_LIGHT, ST_ON },
	{ FS_FSM_BIT(ST_ON), EV_RELEASE, ACT_DARK, ST_OFF },
	{ FS_FSM_BIT(ST_OFF) | FS_FSM_BIT(ST_ON), EV_BREAK, ACT_NONE,
	  FS_FSM_STAY },
};

static const struct fs_fsm machine = {
	"switch", rows, sizeof(rows) / sizeof(rows[0]), N_ST, N_EV, st_names,
	ev_names,
};

static void subject(char *buf, unsigned len, const void *ctx)
{
	snprintf(buf, len, "%s", (const char *)ctx);
}

static void count_pair(const struct fs_fsm *m, unsigned s, unsigned e,
		       uint64_t n, void *ctx)
{
	(void)m;
	unsigned *seen = ctx;
	assert_int_equal(s, ST_ON);
	assert_int_equal(e, EV_PRESS);
	assert_int_equal(n, 2);
	(*seen)++;
}

static void test_fsm(void **state)
{
	(void)state;
	struct fs_fsm_counts c;
	fs_fsm_counts_init(&c);
	assert_int_equal(fs_fsm_check(&machine), 0);
	uint8_t s = ST_OFF;
	assert_int_equal(fs_fsm_step(&machine, &c, &s, EV_PRESS, subject, "x", 1),
			 ACT_LIGHT);
	assert_int_equal(s, ST_ON);
	assert_int_equal(fs_fsm_step(&machine, &c, &s, EV_PRESS, subject, "x", 2), -1);
	assert_int_equal(fs_fsm_step(&machine, &c, &s, EV_PRESS, NULL, NULL, 3), -1);
	assert_int_equal(s, ST_ON);
	assert_int_equal(fs_fsm_step(&machine, &c, &s, EV_BREAK, NULL, NULL, 4),
			 ACT_NONE);
	assert_int_equal(s, ST_ON);
	assert_int_equal(fs_fsm_step(&machine, &c, &s, EV_RELEASE, NULL, NULL, 5),
			 ACT_DARK);
	assert_int_equal(s, ST_OFF);
	/* An event past the machine's is unexpected, never an index. */
	assert_int_equal(fs_fsm_step(&machine, &c, &s, 200, NULL, NULL, 6), -1);
	assert_int_equal(c.steps, 6);
	assert_int_equal(c.unexpected, 3);
	unsigned seen = 0;
	c.pair[ST_OFF][EV_PRESS] = 0;
	fs_fsm_foreach_unexpected(&machine, &c, count_pair, &seen);
	assert_int_equal(seen, 1);
}

static void test_fsm_check(void **state)
{
	(void)state;
	struct fs_fsm_row bad[] = {
		{ FS_FSM_BIT(ST_OFF), EV_PRESS, ACT_LIGHT, ST_ON },
		{ FS_FSM_BIT(ST_OFF) | FS_FSM_BIT(ST_ON), EV_PRESS, ACT_DARK,
		  ST_OFF },
	};
	struct fs_fsm m = machine;
	m.rows = bad;
	m.n_rows = 2;
	assert_int_equal(fs_fsm_check(&m), -1);	/* (off, press) twice */
	bad[1].states = FS_FSM_BIT(ST_ON);
	assert_int_equal(fs_fsm_check(&m), 0);
	bad[1].next = N_ST;
	assert_int_equal(fs_fsm_check(&m), -1);
	bad[1].next = ST_OFF;
	bad[1].event = N_EV;
	assert_int_equal(fs_fsm_check(&m), -1);
	bad[1].event = EV_PRESS;
	bad[1].states = FS_FSM_BIT(N_ST);
	assert_int_equal(fs_fsm_check(&m), -1);
	m.n_states = FS_FSM_MAX_STATES + 1;
	assert_int_equal(fs_fsm_check(&m), -1);
	assert_string_equal(fs_arrival_name(FS_ARR_LATE_TOLD), "late_told");
	assert_string_equal(fs_arrival_name((enum fs_arrival)99), "unknown");
}

/* A table of three records: full, it lets go only what may go. */
struct rec {
	uint64_t key;
	bool used, up;
};

static struct fs_hkey hk;
static struct fs_sess_table tab;

static struct fs_hword word(uint64_t key)
{
	return fs_hkey_words(&hk, &key, 1);
}

static bool rec_match(const void *ctx, uint32_t idx)
{
	const struct rec *r = fs_sess_table_rec(&tab, idx);
	return r->used && r->key == *(const uint64_t *)ctx;
}

static bool rec_evictable(const void *rec)
{
	return !((const struct rec *)rec)->up;
}

static void rec_forget(void *tracker, void *rec)
{
	(*(unsigned *)tracker)++;
	fs_sess_table_drop(&tab, word(((struct rec *)rec)->key), rec);
}

static struct rec *rec_take(uint64_t key, bool up, unsigned *forgot)
{
	struct rec *r = fs_sess_table_take(&tab, word(key), rec_evictable,
					   rec_forget, forgot);
	if (r) {
		r->key = key;
		r->used = true;
		r->up = up;
	}
	return r;
}

static unsigned used_recs(void)
{
	unsigned n = 0;
	for (uint32_t i = 0; i < tab.cap; i++)
		n += ((struct rec *)fs_sess_table_rec(&tab, i))->used;
	return n;
}

static void test_table(void **state)
{
	(void)state;
	fs_hkey_init(&hk, 7);
	assert_int_equal(fs_sess_table_init(&tab, 3, sizeof(struct rec)), 0);
	unsigned forgot = 0;
	for (uint64_t k = 1; k <= 3; k++)
		assert_non_null(rec_take(k, k != 2, &forgot));
	uint64_t key = 2;
	assert_non_null(fs_sess_table_find(&tab, word(2), rec_match, &key));
	assert_int_equal(fs_sess_table_check(&tab, used_recs()), 0);
	/* Full: record 2 is not up and goes for 4. */
	assert_non_null(rec_take(4, true, &forgot));
	assert_int_equal(forgot, 1);
	assert_null(fs_sess_table_find(&tab, word(2), rec_match, &key));
	/* All up now: a fifth is refused. */
	assert_null(rec_take(5, false, &forgot));
	assert_int_equal(tab.full, 1);
	assert_int_equal(tab.evicted, 1);
	assert_int_equal(fs_sess_table_check(&tab, used_recs()), 0);
	assert_int_equal(fs_sess_table_check(&tab, used_recs() + 1), -1);
	assert_true(fs_sess_table_memory(3, sizeof(struct rec)) >=
		    3 * sizeof(struct rec));
	fs_sess_table_fini(&tab);
	assert_int_equal(fs_sess_table_init(&tab, 0, 8), -1);
	fs_sess_table_fini(&tab);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_and_on_time),
		cmocka_unit_test(test_late_then_early),
		cmocka_unit_test(test_late_on_arrival),
		cmocka_unit_test(test_copy_and_reordered),
		cmocka_unit_test(test_margin_follows_jitter),
		cmocka_unit_test(test_regular_and_learned),
		cmocka_unit_test(test_fsm),
		cmocka_unit_test(test_fsm_check),
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
