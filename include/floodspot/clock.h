/*
 * Packet clock: turns capture timestamps into packet time, closed in
 * slices (default 100 ms) so replay and live capture see the same slices.
 *
 * One timestamp that disagrees with its neighbours cannot move packet
 * time. A packet more than FS_CLOCK_TOLERANCE_US away from packet time
 * (ahead or behind) is held as a candidate; it is believed only when the
 * next FS_CLOCK_CONFIRM packets agree with it (lie nearer to it than to
 * packet time). Otherwise it is an outlier: counted, and delivered at
 * packet time (clamped). A believed forward jump in a replay is real time
 * passing (a capture gap): its slices are ticked, at most
 * FS_CLOCK_MAX_CATCHUP_S worth, then time resynchronises. A believed
 * backward step, and live any believed step (the wall clock was set),
 * re-bases: later timestamps are shifted so packet time runs on from
 * where it was, and the step is reported (fs_clock_take_step).
 */
#ifndef FLOODSPOT_CLOCK_H
#define FLOODSPOT_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define FS_CLOCK_MAX_CATCHUP_S 120
#define FS_CLOCK_SLICE_US 100000	/* default slice */
#define FS_CLOCK_TOLERANCE_US 1000000	/* reordering / idle accepted as is */
#define FS_CLOCK_CONFIRM 2		/* packets that must agree with a jump */
#define FS_CLOCK_HOLD (FS_CLOCK_CONFIRM + 1)
#define FS_CLOCK_FRAME_MAX 262144	/* libpcap's largest snapshot length */

/* Called once per closed slice, with the start of that slice. */
typedef void (*fs_tick_fn)(int64_t slice_start_us, void *ctx);
/* A packet released by the clock, at its packet time. */
typedef void (*fs_deliver_fn)(void *ctx, int64_t ts_us, const uint8_t *frame,
			      uint32_t caplen, uint32_t wirelen);

struct fs_clock_held {
	int64_t ts_us;		/* re-based timestamp */
	uint32_t caplen, wirelen;
	uint8_t *buf;		/* a slot of the hold arena */
};

/* A believed step that re-based packet time, for the caller to report. */
struct fs_clock_step {
	int64_t at_us;		/* packet time where it happened */
	int64_t by_us;		/* timestamp change: > 0 forward */
	bool rebased;		/* packet time ran on (else it jumped) */
};

struct fs_clock {
	bool started;
	bool live;		/* every believed step re-bases */
	int64_t slice_us;
	int64_t cur_slice_us;	/* start of the slice being filled */
	int64_t now_us;		/* latest packet time */
	int64_t offset_us;	/* added to timestamps after re-basing */
	uint64_t ticks;		/* slices closed */
	uint64_t jumps;		/* forward gaps cut short */
	uint64_t reordered;	/* slightly behind: charged to the open slice */
	uint64_t outliers_ahead, outliers_behind;	/* clamped */
	uint64_t steps_forward, steps_back;		/* believed */
	uint64_t held_total;	/* packets that waited for confirmation */

	fs_tick_fn tick;
	fs_deliver_fn deliver;
	void *ctx;

	struct fs_clock_held held[FS_CLOCK_HOLD];
	unsigned n_held;
	uint8_t *arena;		/* FS_CLOCK_HOLD frames, allocated at init */
	uint8_t *slot_free[FS_CLOCK_HOLD];
	unsigned n_free;

	struct fs_clock_step step;
	bool step_pending;
	/* Set while the idle timer closes slices: no packet proved the
	 * capture watched them (packet-closed slices had one past them). */
	bool idle_ticking;
};

/*
 * slice_us: 0 for FS_CLOCK_SLICE_US; must divide one second. live: steps
 * re-base rather than jump. Returns 0, or -1 (errno) when the hold arena
 * cannot be allocated or slice_us is invalid.
 */
int fs_clock_init(struct fs_clock *c, int64_t slice_us, bool live,
		  fs_tick_fn tick, fs_deliver_fn deliver, void *ctx);
void fs_clock_fini(struct fs_clock *c);

/* One captured packet; ticks and delivers as decided above. */
void fs_clock_packet(struct fs_clock *c, int64_t ts_us, const uint8_t *frame,
		     uint32_t caplen, uint32_t wirelen);
/* Advances to t_us without a packet (live idle timer); ticks only.
 * Before any packet it starts packet time at t_us. */
void fs_clock_advance(struct fs_clock *c, int64_t t_us);
/*
 * End of a replay: a held packet up to FS_CLOCK_MAX_CATCHUP_S ahead is
 * time passing (a sparse capture's last packets), others are outliers;
 * ticks the rest of the open second, so the second is closed.
 */
void fs_clock_flush(struct fs_clock *c);
/* The latest re-basing step, once; false when none since the last call. */
bool fs_clock_take_step(struct fs_clock *c, struct fs_clock_step *out);

/* True when the slice starting at slice_start_us ends a second. */
static inline bool fs_clock_ends_second(const struct fs_clock *c,
					int64_t slice_start_us)
{
	int64_t end = slice_start_us + c->slice_us;
	return end % 1000000 == 0;
}

#endif
