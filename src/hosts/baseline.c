/*
 * Baseline of a per-second count (baseline.h). With weight a (1/n while
 * young, then alpha) and q = 1 - a, one update is
 *   dev'  = q*dev + a*|x - mean|   (deviation against the old mean)
 *   mean' = q*mean + a*x
 * For n idle seconds at a fixed alpha (x = 0, mean >= 0) this unrolls to
 *   mean_n = q^n * mean
 *   dev_n  = q^n * dev + n * alpha * q^(n-1) * mean
 * so fs_baseline_decay equals n zero updates, not an approximation.
 */
#include "floodspot/baseline.h"

#include <math.h>

/*
 * Deviation floor: counts of independent packets are about Poisson,
 * whose spread is sqrt(mean); a smoothed deviation below that is an
 * artefact of a steady stretch. Never below 1 packet/s, so a host that
 * was silent (mean 0, dev 0) scores its raw rate instead of infinity.
 */
#define DEV_FLOOR_MIN 1.0f
#define US 1000000LL

float fs_baseline_alpha(float window_s)
{
	if (!(window_s > 1.0f))
		return 1.0f;
	return 1.0f - expf(-1.0f / window_s);
}

void fs_baseline_init(struct fs_baseline *b)
{
	*b = (struct fs_baseline){ 0 };
}

static uint32_t sat_add(uint32_t a, uint32_t n)
{
	return a > UINT32_MAX - n ? UINT32_MAX : a + n;
}

/* Weight of the next second: a running mean until 1/n falls to alpha. */
static float weight(const struct fs_baseline *b, float alpha)
{
	float w = 1.0f / ((float)b->samples + 1.0f);
	return w > alpha ? w : alpha;
}

static void fold(struct fs_baseline *b, float a, float x)
{
	float d = fabsf(x - b->mean);

	b->dev += a * (d - b->dev);
	b->mean += a * (x - b->mean);
	b->samples = sat_add(b->samples, 1);
}

void fs_baseline_update(struct fs_baseline *b, float alpha, float x)
{
	if (b->in_run)
		return;
	fold(b, weight(b, alpha), x);
}

void fs_baseline_decay(struct fs_baseline *b, float alpha, uint32_t n)
{
	/* Young: one step each, at most until the weight reaches alpha. */
	while (n > 0 && weight(b, alpha) > alpha) {
		fold(b, weight(b, alpha), 0.0f);
		n--;
	}
	if (n == 0)
		return;
	double q = 1.0 - (double)alpha;
	/* pow(q, 0) is exactly 1 (C11 F.10.4.4); one idle second is common. */
	double qn1 = n == 1 ? 1.0 : pow(q, (double)(n - 1));
	double m = b->mean;

	b->dev = (float)(q * qn1 * b->dev + (double)n * alpha * qn1 * m);
	b->mean = (float)(q * qn1 * m);
	b->samples = sat_add(b->samples, n);
}

static float spread(const struct fs_baseline *b, float mean)
{
	float floor = sqrtf(mean > 0.0f ? mean : 0.0f);
	if (floor < DEV_FLOOR_MIN)
		floor = DEV_FLOOR_MIN;
	return b->dev > floor ? b->dev : floor;
}

float fs_baseline_mean(const struct fs_baseline *b)
{
	return b->in_run ? b->base : b->mean;
}

float fs_baseline_score(const struct fs_baseline *b, float x)
{
	float mean = fs_baseline_mean(b);
	if (!(x > mean))
		return 0.0f;
	return (x - mean) / spread(b, mean);
}

float fs_baseline_threshold(const struct fs_baseline *b)
{
	float mean = fs_baseline_mean(b);
	float t = mean + FS_BASELINE_K * spread(b, mean);
	float rise = 2.0f * mean + FS_BASELINE_MIN_RISE;
	return t > rise ? t : rise;
}

bool fs_baseline_trained(const struct fs_baseline *b)
{
	return b->samples >= FS_BASELINE_TRAINED_S;
}

static void begin_run(struct fs_baseline *b, float thr, const uint32_t *slices,
		      unsigned n, int64_t first_us, int64_t slice_us)
{
	float share = (float)slice_us / (float)US;
	float per = thr * share, base_per = b->mean * share;
	unsigned first = n - 1;

	/* The onset: the first slice of the window above its share. */
	for (unsigned i = 0; i < n; i++)
		if ((float)slices[i] > per) {
			first = i;
			break;
		}
	b->in_run = true;
	b->onset_us = first_us + (int64_t)first * slice_us;
	b->base = b->mean;
	b->excess = 0.0f;
	b->peak = 0;
	for (unsigned i = first; i + 1 < n; i++)
		if ((float)slices[i] > base_per)
			b->excess += (float)slices[i] - base_per;
}

void fs_baseline_slice(struct fs_baseline *b, uint32_t window,
		       const uint32_t *slices, unsigned n, int64_t first_us,
		       int64_t slice_us)
{
	if (n == 0 || b->samples < FS_BASELINE_RUN_MIN_S)
		return;
	int64_t end = first_us + (int64_t)n * slice_us;
	float thr = fs_baseline_threshold(b);

	if ((float)window > thr) {
		if (!b->in_run)
			begin_run(b, thr, slices, n, first_us, slice_us);
		b->above_us = end;
	}
	if (!b->in_run)
		return;
	float base_per = b->base * (float)slice_us / (float)US;
	if ((float)slices[n - 1] > base_per)
		b->excess += (float)slices[n - 1] - base_per;
	if (window > b->peak)
		b->peak = window;
	if (end - b->above_us >= FS_BASELINE_RUN_END_S * US) {
		b->in_run = false;
	} else if (end - b->onset_us >= FS_BASELINE_ADAPT_S * US) {
		/* So long it is the new habit: learn its level at once. */
		float secs = (float)(end - b->onset_us) / (float)US;
		b->mean = b->base + b->excess / secs;
		float floor = sqrtf(b->mean);
		if (b->dev < floor)
			b->dev = floor;
		b->in_run = false;
	}
}
