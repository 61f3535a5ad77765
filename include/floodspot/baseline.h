/*
 * Per-host rate baseline that a flood cannot pollute.
 *
 * Learning: the mean and mean absolute deviation of a per-second count,
 * a running mean over the first seconds (weight 1/n) and an exponentially
 * weighted one once n reaches the window. Idle seconds are folded in
 * lazily, so a tick costs only for hosts active in it.
 *
 * Change point: at every slice the sliding one-second count is compared
 * with fs_baseline_threshold(). Once it rises above, a run begins: its
 * onset is the first slice of that window above the per-slice share of
 * the threshold, `base` keeps the mean from before the onset, and learning
 * stops until the count has stayed below for FS_BASELINE_RUN_END_S (or the
 * run has lasted FS_BASELINE_ADAPT_S: then the new level is the habit). So
 * the rules and the correlator compare with the rate before the onset.
 */
#ifndef FLOODSPOT_BASELINE_H
#define FLOODSPOT_BASELINE_H

#include <stdbool.h>
#include <stdint.h>

#define FS_BASELINE_TRAINED_S 10	/* seconds before a baseline counts */
#define FS_BASELINE_RUN_MIN_S 3		/* seconds before runs are judged */
#define FS_BASELINE_RUN_END_S 2		/* below this long ends a run */
#define FS_BASELINE_ADAPT_S 600		/* a run this long becomes the habit */
#define FS_BASELINE_K 4.0f		/* spreads above the mean */
#define FS_BASELINE_MIN_RISE 10.0f	/* and at least 2x mean + this */

struct fs_baseline {
	float mean;
	float dev;		/* mean of |x - mean| */
	uint32_t samples;	/* seconds learned, saturating */
	bool in_run;
	/* The current run, or the latest one when !in_run (onset_us 0: none). */
	float base;		/* mean before the onset */
	float excess;		/* packets above base since the onset */
	uint32_t peak;		/* largest one-second count in the run */
	int64_t onset_us;
	int64_t above_us;	/* end of the latest slice above threshold */
};

/* Weight of a new second once trained: alpha = 1 - exp(-1/window_s). */
float fs_baseline_alpha(float window_s);

void fs_baseline_init(struct fs_baseline *b);
/* Folds one second's count in (not while a run holds learning). */
void fs_baseline_update(struct fs_baseline *b, float alpha, float x);
/* Folds n seconds of zero in, in O(1) once trained. */
void fs_baseline_decay(struct fs_baseline *b, float alpha, uint32_t n);
/* How many deviations x lies above the mean (0 when below). */
float fs_baseline_score(const struct fs_baseline *b, float x);
/* The one-second count above which a run begins. */
float fs_baseline_threshold(const struct fs_baseline *b);
/* Trained: enough seconds for ratios to mean anything. */
bool fs_baseline_trained(const struct fs_baseline *b);
/*
 * The mean the rules and alerts compare with: the pre-onset mean while a
 * run holds (learning stopped then anyway), else the mean.
 */
float fs_baseline_mean(const struct fs_baseline *b);

/*
 * One closed slice. window: the one-second count ending with it.
 * slices[0..n-1]: the counts of the window's slices, oldest first, the
 * first starting at first_us, each slice_us long.
 */
void fs_baseline_slice(struct fs_baseline *b, uint32_t window,
		       const uint32_t *slices, unsigned n, int64_t first_us,
		       int64_t slice_us);

#endif
