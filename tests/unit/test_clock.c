/* Packet clock: ticks per second boundary, bounded catch-up, reordering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "floodspot/clock.h"

#define S 1000000LL

struct ticks {
	int64_t at[300];
	int n;
};

static void record(int64_t sec, void *ctx)
{
	struct ticks *t = ctx;
	if (t->n < 300)
		t->at[t->n] = sec;
	t->n++;
}

static void test_ticks_each_boundary(void **state)
{
	(void)state;
	struct fs_clock c;
	struct ticks t = { .n = 0 };
	fs_clock_init(&c);
	fs_clock_advance(&c, 100 * S + 500000, record, &t);
	assert_int_equal(t.n, 0);
	fs_clock_advance(&c, 100 * S + 999999, record, &t);
	assert_int_equal(t.n, 0);
	fs_clock_advance(&c, 101 * S, record, &t);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.at[0], 100 * S);
	fs_clock_advance(&c, 104 * S + 1, record, &t);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.at[1], 101 * S);
	assert_int_equal(t.at[3], 103 * S);
	fs_clock_flush(&c, record, &t);
	assert_int_equal(t.n, 5);
	assert_int_equal(t.at[4], 104 * S);
}

static void test_jump_is_bounded(void **state)
{
	(void)state;
	struct fs_clock c;
	struct ticks t = { .n = 0 };
	fs_clock_init(&c);
	fs_clock_advance(&c, 952041600 * S, record, &t);	/* year 2000 */
	fs_clock_advance(&c, 1278547200 * S, record, &t);	/* year 2010 */
	assert_int_equal(t.n, FS_CLOCK_MAX_CATCHUP_S);
	assert_int_equal(c.jumps, 1);
	assert_int_equal(c.cur_sec_us, 1278547200 * S);
	fs_clock_advance(&c, 1278547201 * S, record, &t);
	assert_int_equal(t.n, FS_CLOCK_MAX_CATCHUP_S + 1);
	assert_int_equal(t.at[FS_CLOCK_MAX_CATCHUP_S], 1278547200 * S);
}

static void test_backwards_joins_open_second(void **state)
{
	(void)state;
	struct fs_clock c;
	struct ticks t = { .n = 0 };
	fs_clock_init(&c);
	fs_clock_advance(&c, 50 * S, record, &t);
	fs_clock_advance(&c, 51 * S + 10, record, &t);
	fs_clock_advance(&c, 49 * S, record, &t);
	assert_int_equal(t.n, 1);
	assert_int_equal(c.backwards, 1);
	assert_int_equal(c.cur_sec_us, 51 * S);
}

static void test_negative_time_floors(void **state)
{
	(void)state;
	struct fs_clock c;
	struct ticks t = { .n = 0 };
	fs_clock_init(&c);
	fs_clock_advance(&c, -1, record, &t);
	assert_int_equal(c.cur_sec_us, -S);
	fs_clock_advance(&c, 0, record, &t);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.at[0], -S);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticks_each_boundary),
		cmocka_unit_test(test_jump_is_bounded),
		cmocka_unit_test(test_backwards_joins_open_second),
		cmocka_unit_test(test_negative_time_floors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
