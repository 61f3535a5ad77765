/* Baseline maths against hand-computed values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "floodspot/baseline.h"

static void test_alpha(void **state)
{
	(void)state;
	assert_float_equal(fs_baseline_alpha(60.0f), 1.0 - exp(-1.0 / 60), 1e-7);
	assert_float_equal(fs_baseline_alpha(1.0f), 1.0f, 0);	/* no memory */
	assert_float_equal(fs_baseline_alpha(0.0f), 1.0f, 0);
	assert_true(fs_baseline_alpha(300.0f) < fs_baseline_alpha(10.0f));
}

/*
 * alpha 0.5 by hand, deviation taken against the mean before the update:
 *   x=4:  dev = 0 + .5*(4-0)   = 2     mean = 2
 *   x=0:  dev = 2 + .5*(2-2)   = 2     mean = 1
 *   x=10: dev = 2 + .5*(9-2)   = 5.5   mean = 5.5
 *   x=5.5 dev = 5.5 + .5*(0-5.5) = 2.75 mean = 5.5
 */
static void test_update_by_hand(void **state)
{
	(void)state;
	static const struct { float x, mean, dev; } rows[] = {
		{ 4, 2, 2 }, { 0, 1, 2 }, { 10, 5.5f, 5.5f }, { 5.5f, 5.5f, 2.75f },
	};
	struct fs_baseline b;
	fs_baseline_init(&b);
	for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		fs_baseline_update(&b, 0.5f, rows[i].x);
		assert_float_equal(b.mean, rows[i].mean, 1e-6);
		assert_float_equal(b.dev, rows[i].dev, 1e-6);
		assert_int_equal(b.samples, i + 1);
	}
}

/* Decay over n seconds equals n zero updates, from varied states. */
static void test_decay_equals_zero_updates(void **state)
{
	(void)state;
	static const struct { float window, mean, dev; uint32_t n; } rows[] = {
		{ 60, 100, 10, 1 }, { 60, 100, 10, 7 }, { 60, 3, 40, 120 },
		{ 10, 50, 0, 30 }, { 300, 1000, 250, 900 }, { 2, 8, 1, 3 },
		{ 60, 0, 5, 50 },
	};
	for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		float a = fs_baseline_alpha(rows[i].window);
		struct fs_baseline x = { rows[i].mean, rows[i].dev, 9 };
		struct fs_baseline y = x;
		fs_baseline_decay(&x, a, rows[i].n);
		for (uint32_t k = 0; k < rows[i].n; k++)
			fs_baseline_update(&y, a, 0);
		float tol = 1e-4f * (1 + rows[i].mean + rows[i].dev);
		assert_float_equal(x.mean, y.mean, tol);
		assert_float_equal(x.dev, y.dev, tol);
		assert_int_equal(x.samples, y.samples);
	}
	struct fs_baseline z = { 5, 5, 3 };
	fs_baseline_decay(&z, 0.5f, 0);
	assert_float_equal(z.mean, 5, 0);
	assert_int_equal(z.samples, 3);
	z.samples = UINT32_MAX - 1;
	fs_baseline_decay(&z, 0.5f, 10);
	assert_int_equal(z.samples, UINT32_MAX);	/* saturates */
}

/* score = (x - mean) / max(dev, max(1, sqrt(mean))), 0 at or below mean. */
static void test_score(void **state)
{
	(void)state;
	static const struct { float mean, dev, x, want; } rows[] = {
		{ 5.5f, 5.5f, 16.5f, 2 },	/* dev above the floor */
		{ 5.5f, 5.5f, 3, 0 },		/* below the mean */
		{ 0, 0, 10, 10 },		/* quiet host: floor 1 */
		{ 0.25f, 0.1f, 2.25f, 2 },	/* floor 1 beats sqrt(.25) */
		{ 100, 1, 150, 5 },		/* floor sqrt(100) = 10 */
		{ 100, 25, 150, 2 },
	};
	for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct fs_baseline b = { rows[i].mean, rows[i].dev, 10 };
		assert_float_equal(fs_baseline_score(&b, rows[i].x), rows[i].want,
				   1e-5);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alpha),
		cmocka_unit_test(test_update_by_hand),
		cmocka_unit_test(test_decay_equals_zero_updates),
		cmocka_unit_test(test_score),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
