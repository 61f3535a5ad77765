/* Baseline maths against hand-computed values; the change point. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

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
 * alpha 0.5 by hand, weight max(1/n, alpha), deviation taken against the
 * mean before the update:
 *   x=4:  w=1   dev = 0 + 1*(4-0)     = 4     mean = 4
 *   x=0:  w=.5  dev = 4 + .5*(4-4)    = 4     mean = 2
 *   x=10: w=.5  dev = 4 + .5*(8-4)    = 6     mean = 6
 *   x=5.5 w=.5  dev = 6 + .5*(.5-6)   = 3.25  mean = 5.75
 */
static void test_update_by_hand(void **state)
{
	(void)state;
	static const struct { float x, mean, dev; } rows[] = {
		{ 4, 4, 4 }, { 0, 2, 4 }, { 10, 6, 6 }, { 5.5f, 5.75f, 3.25f },
	};
	struct fs_baseline b;
	fs_baseline_init(&b);
	for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		fs_baseline_update(&b, 0.5f, rows[i].x);
		assert_float_equal(b.mean, rows[i].mean, 1e-6);
		assert_float_equal(b.dev, rows[i].dev, 1e-6);
		assert_int_equal(b.samples, i + 1);
	}
	/* Young: a plain mean of the seconds so far, then alpha. */
	fs_baseline_init(&b);
	static const float xs[] = { 10, 20, 30, 40 };
	static const float means[] = { 10, 15, 20, 25 };
	for (unsigned i = 0; i < 4; i++) {
		fs_baseline_update(&b, 0.1f, xs[i]);
		assert_float_equal(b.mean, means[i], 1e-5);
	}
	assert_false(fs_baseline_trained(&b));
	for (unsigned i = 4; i < 10; i++)
		fs_baseline_update(&b, 0.1f, 25);
	assert_float_equal(b.mean, 25, 1e-5);
	assert_true(fs_baseline_trained(&b));
	fs_baseline_update(&b, 0.1f, 35);	/* weight 1/11 < alpha */
	assert_float_equal(b.mean, 26, 1e-5);
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
		struct fs_baseline x = { .mean = rows[i].mean, .dev = rows[i].dev,
					 .samples = 9 };
		struct fs_baseline y = x;
		fs_baseline_decay(&x, a, rows[i].n);
		for (uint32_t k = 0; k < rows[i].n; k++)
			fs_baseline_update(&y, a, 0);
		float tol = 1e-4f * (1 + rows[i].mean + rows[i].dev);
		assert_float_equal(x.mean, y.mean, tol);
		assert_float_equal(x.dev, y.dev, tol);
		assert_int_equal(x.samples, y.samples);
	}
	struct fs_baseline z = { .mean = 5, .dev = 5, .samples = 3 };
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
		struct fs_baseline b = { .mean = rows[i].mean, .dev = rows[i].dev,
					 .samples = 10 };
		assert_float_equal(fs_baseline_score(&b, rows[i].x), rows[i].want,
				   1e-5);
	}
}

#define US 1000000LL
#define SL 100000LL

/* Slides a window of per-slice counts: one call per slice. */
struct slider {
	uint32_t sl[10];
	int64_t t;		/* start of the next slice */
};

static void slide(struct fs_baseline *b, struct slider *w, uint32_t count)
{
	memmove(w->sl, w->sl + 1, 9 * sizeof(uint32_t));
	w->sl[9] = count;
	uint32_t sum = 0;
	for (int i = 0; i < 10; i++)
		sum += w->sl[i];
	w->t += SL;
	fs_baseline_slice(b, sum, w->sl, 10, w->t - 10 * SL, SL);
	if (w->t % US == 0)
		fs_baseline_update(b, fs_baseline_alpha(60), (float)sum);
}

/*
 * A flood cannot pollute: 20 pps for a minute, then 3000 pps for 30 s.
 * The run begins at the flood's first slice, learning stops, the mean
 * stays 20; it ends 2 s after the flood, and learning resumes.
 */
static void test_change_point(void **state)
{
	(void)state;
	struct fs_baseline b;
	struct slider w = { .t = 1000 * US };
	fs_baseline_init(&b);
	for (int i = 0; i < 600; i++)
		slide(&b, &w, 2);
	assert_float_equal(b.mean, 20, 1e-4);
	assert_false(b.in_run);
	assert_int_equal(b.onset_us, 0);
	int64_t onset = w.t;
	for (int i = 0; i < 300; i++)
		slide(&b, &w, 300);
	assert_true(b.in_run);
	assert_int_equal(b.onset_us, onset);
	assert_float_equal(fs_baseline_mean(&b), 20, 1e-4);
	assert_float_equal(b.base, 20, 1e-4);
	assert_int_equal(b.peak, 3000);
	/* 30 s at 2980 above the base */
	assert_float_equal(b.excess, 30 * 2980, 1);
	/* Above while the window holds flood slices (0.9 s), then 2 s. */
	for (int i = 0; i < 28; i++)
		slide(&b, &w, 2);
	assert_true(b.in_run);
	slide(&b, &w, 2);
	assert_false(b.in_run);
	for (int i = 0; i < 21; i++)
		slide(&b, &w, 2);
	assert_int_equal(b.onset_us, onset);	/* kept for the correlator */
	assert_float_equal(b.mean, 20, 1e-3);
	/* Learning again: a gentle rise moves the mean. */
	for (int i = 0; i < 100; i++)
		slide(&b, &w, 3);
	assert_true(b.mean > 20.5f && b.mean < 30);
}

/* A dip of less than 2 s is the same run, a longer one ends it; a young
 * baseline has none. */
static void test_run_dip_and_young(void **state)
{
	(void)state;
	struct fs_baseline b;
	struct slider w = { .t = 0 };
	fs_baseline_init(&b);
	for (int i = 0; i < 20; i++)
		slide(&b, &w, 500);	/* young: learns it, no run */
	assert_int_equal(b.onset_us, 0);
	fs_baseline_init(&b);
	for (int i = 0; i < 100; i++)
		slide(&b, &w, 1);
	int64_t onset = w.t;
	for (int i = 0; i < 20; i++)
		slide(&b, &w, 200);
	for (int i = 0; i < 15; i++)
		slide(&b, &w, 1);
	assert_true(b.in_run);
	for (int i = 0; i < 20; i++)
		slide(&b, &w, 200);
	assert_true(b.in_run);
	assert_int_equal(b.onset_us, onset);
	for (int i = 0; i < 35; i++)
		slide(&b, &w, 1);
	assert_false(b.in_run);
	int64_t again = w.t;
	slide(&b, &w, 200);
	assert_true(b.in_run);
	assert_int_equal(b.onset_us, again);
}

/* A run that lasts becomes the habit at its mean level. */
static void test_run_adapts(void **state)
{
	(void)state;
	struct fs_baseline b;
	struct slider w = { .t = 0 };
	fs_baseline_init(&b);
	for (int i = 0; i < 300; i++)
		slide(&b, &w, 1);
	for (int i = 0; i < FS_BASELINE_ADAPT_S * 10 + 10; i++)
		slide(&b, &w, 100);
	assert_false(b.in_run);
	assert_true(b.mean > 900 && b.mean < 1100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alpha),
		cmocka_unit_test(test_update_by_hand),
		cmocka_unit_test(test_decay_equals_zero_updates),
		cmocka_unit_test(test_score),
		cmocka_unit_test(test_change_point),
		cmocka_unit_test(test_run_dip_and_young),
		cmocka_unit_test(test_run_adapts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
