/*
 * EWMA baseline of a per-second count. With q = 1 - alpha, one update is
 *   dev'  = q*dev + alpha*|x - mean|   (deviation against the old mean)
 *   mean' = q*mean + alpha*x
 * For n idle seconds (x = 0, mean >= 0) this unrolls exactly to
 *   mean_n = q^n * mean
 *   dev_n  = q^n * dev + n * alpha * q^(n-1) * mean
 * so fs_baseline_decay equals n zero updates, not an approximation.
 */
#include "floodspot/baseline.h"

#include <math.h>

/*
 * Deviation floor for the score: counts of independent packets are about
 * Poisson, whose spread is sqrt(mean); a smoothed deviation below that is
 * an artefact of a steady stretch. Never below 1 packet/s, so a host that
 * was silent (mean 0, dev 0) scores its raw rate instead of infinity.
 */
#define DEV_FLOOR_MIN 1.0f

float fs_baseline_alpha(float window_s)
{
	if (!(window_s > 1.0f))
		return 1.0f;
	return 1.0f - expf(-1.0f / window_s);
}

void fs_baseline_init(struct fs_baseline *b)
{
	b->mean = 0.0f;
	b->dev = 0.0f;
	b->samples = 0;
}

static uint32_t sat_add(uint32_t a, uint32_t n)
{
	return a > UINT32_MAX - n ? UINT32_MAX : a + n;
}

void fs_baseline_update(struct fs_baseline *b, float alpha, float x)
{
	float d = fabsf(x - b->mean);

	b->dev += alpha * (d - b->dev);
	b->mean += alpha * (x - b->mean);
	b->samples = sat_add(b->samples, 1);
}

void fs_baseline_decay(struct fs_baseline *b, float alpha, uint32_t n)
{
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

float fs_baseline_score(const struct fs_baseline *b, float x)
{
	if (!(x > b->mean))
		return 0.0f;
	float floor = sqrtf(b->mean > 0.0f ? b->mean : 0.0f);
	if (floor < DEV_FLOOR_MIN)
		floor = DEV_FLOOR_MIN;
	float dev = b->dev > floor ? b->dev : floor;
	return (x - b->mean) / dev;
}
