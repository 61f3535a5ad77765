/* Cursor: every reader, sticky failure, sub-cursors, zero on short read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "floodspot/cursor.h"

static const uint8_t bytes[] = { 0x01, 0x02, 0x03, 0x04, 0x05,
				 0x06, 0x07, 0x08, 0x09, 0x0a };

static void test_readers_in_order(void **state)
{
	(void)state;
	struct fs_cursor c = fs_cursor_make(bytes, sizeof(bytes));
	assert_int_equal(fs_cursor_u8(&c), 0x01);
	assert_int_equal(fs_cursor_be16(&c), 0x0203);
	assert_int_equal(fs_cursor_be32(&c), 0x04050607);
	uint8_t two[2];
	fs_cursor_copy(&c, two, 2);
	assert_int_equal(two[0], 0x08);
	assert_int_equal(two[1], 0x09);
	fs_cursor_skip(&c, 1);
	assert_int_equal(c.left, 0);
	assert_false(c.failed);
	assert_int_equal(fs_cursor_offset(&c, bytes), sizeof(bytes));
}

/* Each reader on a cursor one byte too short: zero result, flag set, no
 * bytes consumed. */
static void test_short_read_each_reader(void **state)
{
	(void)state;
	struct {
		size_t have;
		int which;	/* 0 u8, 1 be16, 2 be32, 3 copy 4, 4 skip 3 */
	} cases[] = {
		{ 0, 0 }, { 1, 1 }, { 3, 2 }, { 3, 3 }, { 2, 4 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fs_cursor c = fs_cursor_make(bytes, cases[i].have);
		uint32_t v = 0xdead;
		uint8_t dst[4] = { 0xaa, 0xaa, 0xaa, 0xaa };
		switch (cases[i].which) {
		case 0: v = fs_cursor_u8(&c); break;
		case 1: v = fs_cursor_be16(&c); break;
		case 2: v = fs_cursor_be32(&c); break;
		case 3:
			fs_cursor_copy(&c, dst, 4);
			v = (uint32_t)dst[0] | dst[1] | dst[2] | dst[3];
			break;
		case 4: fs_cursor_skip(&c, 3); v = 0; break;
		}
		assert_true(c.failed);
		assert_int_equal(v, 0);
		assert_int_equal(c.left, cases[i].have);
		assert_ptr_equal(c.pos, bytes);
	}
}

static void test_failure_is_sticky(void **state)
{
	(void)state;
	struct fs_cursor c = fs_cursor_make(bytes, 3);
	assert_int_equal(fs_cursor_be16(&c), 0x0102);
	assert_int_equal(fs_cursor_be16(&c), 0);	/* 1 byte left */
	assert_true(c.failed);
	/* The remaining byte is there, but a failed cursor yields nothing. */
	assert_int_equal(fs_cursor_u8(&c), 0);
	assert_true(c.failed);
	assert_int_equal(c.left, 1);
	assert_false(fs_cursor_need(&c, 0));
}

static void test_need(void **state)
{
	(void)state;
	struct fs_cursor c = fs_cursor_make(bytes, 4);
	assert_true(fs_cursor_need(&c, 4));
	assert_false(c.failed);
	assert_false(fs_cursor_need(&c, 5));
	assert_true(c.failed);
}

static void test_sub_cursor(void **state)
{
	(void)state;
	struct fs_cursor c = fs_cursor_make(bytes, sizeof(bytes));
	fs_cursor_skip(&c, 2);
	struct fs_cursor s = fs_cursor_sub(&c, 3);
	assert_false(s.failed);
	assert_int_equal(s.left, 3);
	assert_int_equal(fs_cursor_offset(&s, bytes), 2);
	/* the parent moved past the sub-cursor's bytes */
	assert_int_equal(fs_cursor_u8(&c), 0x06);
	/* the sub-cursor ends at its own length, not the parent's */
	assert_int_equal(fs_cursor_be16(&s), 0x0304);
	assert_int_equal(fs_cursor_be16(&s), 0);
	assert_true(s.failed);
	assert_false(c.failed);
	assert_int_equal(fs_cursor_u8(&c), 0x07);
}

static void test_sub_cursor_short(void **state)
{
	(void)state;
	struct fs_cursor c = fs_cursor_make(bytes, 4);
	struct fs_cursor s = fs_cursor_sub(&c, 5);
	assert_true(s.failed);
	assert_int_equal(s.left, 0);
	assert_true(c.failed);
	assert_int_equal(fs_cursor_u8(&s), 0);
	/* a sub-cursor of a failed cursor is failed, even of length 0 */
	struct fs_cursor z = fs_cursor_sub(&c, 0);
	assert_true(z.failed);
}

static void test_zero_length(void **state)
{
	(void)state;
	struct fs_cursor c = fs_cursor_make(bytes, 0);
	fs_cursor_skip(&c, 0);
	assert_false(c.failed);
	struct fs_cursor s = fs_cursor_sub(&c, 0);
	assert_false(s.failed);
	assert_int_equal(s.left, 0);
	assert_int_equal(fs_cursor_u8(&c), 0);
	assert_true(c.failed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readers_in_order),
		cmocka_unit_test(test_short_read_each_reader),
		cmocka_unit_test(test_failure_is_sticky),
		cmocka_unit_test(test_need),
		cmocka_unit_test(test_sub_cursor),
		cmocka_unit_test(test_sub_cursor_short),
		cmocka_unit_test(test_zero_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
