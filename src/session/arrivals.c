/*
 * Arrival timing of one sender: each interval judged against the promised
 * one, once, either the moment it is overdue or when it ends.
 */
#include <string.h>

#include "floodspot/session.h"

#define MS 1000
/* A gap longer than this many intervals is an outage, not jitter. */
#define OUTAGE_INTERVALS 4
/* A regular gap shorter than this part of the interval is a burst. */
#define BURST_PART 4

static const char *const arrival_names[] = {
	[FS_ARR_FIRST] = "first",	  [FS_ARR_UNTIMED] = "untimed",
	[FS_ARR_ON_TIME] = "on_time",	  [FS_ARR_LATE] = "late",
	[FS_ARR_LATE_TOLD] = "late_told", [FS_ARR_COPY] = "copy",
	[FS_ARR_SAME] = "same",		  [FS_ARR_REORDERED] = "reordered",
};

const char *fs_arrival_name(enum fs_arrival a)
{
	if ((unsigned)a < sizeof(arrival_names) / sizeof(arrival_names[0]))
		return arrival_names[a];
	return "unknown";
}

void fs_arrivals_init(struct fs_arrivals *t, int64_t expect_us)
{
	memset(t, 0, sizeof(*t));
	t->expect_us = expect_us > 0 ? expect_us : 0;
	t->copy_us = FS_ARR_COPY_US;
}

void fs_arrivals_reset(struct fs_arrivals *t)
{
	t->last_us = 0;
	t->last_regular_us = 0;
	t->told = false;
}

static uint32_t to_ms(int64_t us)
{
	if (us <= 0)
		return 0;
	int64_t ms = (us + MS / 2) / MS;
	return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

int64_t fs_arrivals_limit(const struct fs_arrivals *t, float late_ratio)
{
	if (t->expect_us <= 0)
		return 0;
	double iv = (double)t->expect_us;
	double ratio = late_ratio > 0 ? late_ratio : 0;
	double margin = iv * ratio;
	if (t->gaps >= FS_ARR_JITTER_GAPS) {
		double m = 3.0 * (double)t->jitter_ms * MS;
		if (m < 0.02 * iv)
			m = 0.02 * iv;
		if (m < 50.0 * MS)
			m = 50.0 * MS;
		if (m < margin)
			margin = m;
	}
	return (int64_t)(iv + margin);
}

/* Mean weights 1/(n+1) over the first gaps, then 1/8; deviation 1/n,
 * then 1/16: three gaps already tell the rhythm. */
static void add_gap(struct fs_arrivals *t, int64_t gap_us)
{
	float g = (float)gap_us / (float)MS;
	if (t->gaps == 0) {
		t->mean_ms = g;
	} else {
		float diff = g - t->mean_ms;
		float n = (float)t->gaps;
		t->mean_ms += diff / (n < 7 ? n + 1 : 8.0f);
		float ad = diff < 0 ? -diff : diff;
		t->jitter_ms += (ad - t->jitter_ms) / (n < 16 ? n : 16.0f);
	}
	t->gaps++;
	if (t->learn_n < FS_ARR_LEARN_GAPS) {
		if (gap_us > t->learn_max_us)
			t->learn_max_us = gap_us;
		t->learn_n++;
	}
}

static void note_regular(struct fs_arrivals *t, int64_t ts_us, bool regular)
{
	if (!regular || t->last_regular_us == ts_us)
		return;
	int64_t rgap = ts_us - t->last_regular_us;
	/* An outage is no jitter; nor is a burst (a BGP speaker's
	 * KEEPALIVEs as the session comes up, a BFD poll answered). */
	if (t->last_regular_us &&
	    (t->expect_us == 0 ||
	     (rgap <= OUTAGE_INTERVALS * t->expect_us &&
	      rgap * BURST_PART >= t->expect_us)))
		add_gap(t, rgap);
	t->last_regular_us = ts_us;
}

enum fs_arrival fs_arrivals_arrive(struct fs_arrivals *t, int64_t ts_us,
				   float late_ratio, bool regular)
{
	int64_t prev = t->last_us;
	if (prev == 0) {
		t->last_us = ts_us;
		t->last_regular_us = regular ? ts_us : 0;
		t->told = false;
		t->arrivals++;
		return FS_ARR_FIRST;
	}
	if (ts_us < prev) {
		t->reordered++;
		return FS_ARR_REORDERED;
	}
	int64_t gap = ts_us - prev;
	int64_t copy = t->copy_us;
	if (t->expect_us > 0 && t->expect_us / 4 < copy)
		copy = t->expect_us / 4;
	if (gap == 0 && copy == 0) {
		/* Several messages in one segment: one arrival. */
		note_regular(t, ts_us, regular);
		return FS_ARR_SAME;
	}
	if (gap < copy) {
		t->copies++;
		return FS_ARR_COPY;
	}
	t->arrivals++;
	bool told = t->told;
	t->last_us = ts_us;
	t->told = false;
	t->last_gap_ms = to_ms(gap);
	if (t->last_gap_ms > t->max_gap_ms)
		t->max_gap_ms = t->last_gap_ms;
	note_regular(t, ts_us, regular);

	int64_t limit = fs_arrivals_limit(t, late_ratio);
	if (limit == 0)
		return FS_ARR_UNTIMED;
	/* Told overdue already: judged then, whatever it came to. */
	if (told)
		return FS_ARR_LATE_TOLD;
	t->judged++;
	if (gap <= limit)
		return FS_ARR_ON_TIME;
	t->late++;
	return FS_ARR_LATE;
}

bool fs_arrivals_overdue(struct fs_arrivals *t, int64_t now_us,
			 float late_ratio, int64_t *moment_us)
{
	if (t->last_us == 0 || t->told)
		return false;
	int64_t limit = fs_arrivals_limit(t, late_ratio);
	if (limit == 0 || now_us - t->last_us <= limit)
		return false;
	t->told = true;
	t->judged++;
	t->late++;
	if (moment_us)
		*moment_us = t->last_us + limit;
	return true;
}

uint32_t fs_arrivals_gap_ms(const struct fs_arrivals *t, int64_t now_us)
{
	if (t->last_us == 0)
		return 0;
	return to_ms(now_us - t->last_us);
}

double fs_arrivals_late_share(const struct fs_arrivals *t, int64_t now_us)
{
	if (t->last_us == 0 || t->expect_us <= 0 || now_us <= t->last_us)
		return 0;
	int64_t over = now_us - t->last_us - t->expect_us;
	return over > 0 ? (double)over / (double)t->expect_us : 0;
}

int64_t fs_arrivals_learned_us(const struct fs_arrivals *t)
{
	return t->learn_n >= FS_ARR_LEARN_GAPS ? t->learn_max_us : 0;
}
