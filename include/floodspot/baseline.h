/*
 * Per-host rate baseline: exponentially weighted mean and mean absolute
 * deviation of a per-second count. Idle seconds are applied lazily in
 * closed form, so a tick costs only for hosts active in that second.
 */
#ifndef FLOODSPOT_BASELINE_H
#define FLOODSPOT_BASELINE_H

#include <stdint.h>

struct fs_baseline {
	float mean;
	float dev;		/* EWMA of |x - mean| */
	uint32_t samples;	/* seconds folded in, saturating */
};

/* Weight of a new second: alpha = 1 - exp(-1/window_s). */
float fs_baseline_alpha(float window_s);

void fs_baseline_init(struct fs_baseline *b);
/* Folds one second's count in. */
void fs_baseline_update(struct fs_baseline *b, float alpha, float x);
/* Folds n seconds of zero in, in O(1). */
void fs_baseline_decay(struct fs_baseline *b, float alpha, uint32_t n);
/* How many deviations x lies above the mean (0 when below). */
float fs_baseline_score(const struct fs_baseline *b, float x);

#endif
