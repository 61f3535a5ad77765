/*
 * Packet clock: turns packet timestamps into one tick per second boundary
 * crossed, so replay and live capture see the same seconds. A forward jump
 * longer than FS_CLOCK_MAX_CATCHUP_S ticks that many seconds and then
 * resynchronises: a capture spanning years costs no more than a short gap.
 */
#ifndef FLOODSPOT_CLOCK_H
#define FLOODSPOT_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define FS_CLOCK_MAX_CATCHUP_S 120

/* Called once per closed second, with the start of that second. */
typedef void (*fs_tick_fn)(int64_t sec_start_us, void *ctx);

struct fs_clock {
	bool started;
	int64_t cur_sec_us;	/* start of the second being filled */
	int64_t now_us;		/* latest time seen */
	uint64_t ticks;
	uint64_t jumps;		/* forward gaps cut short */
	uint64_t backwards;	/* timestamps earlier than the current second */
};

void fs_clock_init(struct fs_clock *c);
/*
 * Advances to t_us, ticking every second boundary crossed. A timestamp
 * before the current second is counted and treated as the current second.
 */
void fs_clock_advance(struct fs_clock *c, int64_t t_us, fs_tick_fn fn,
		      void *ctx);
/* Closes the second being filled (end of a replay). */
void fs_clock_flush(struct fs_clock *c, fs_tick_fn fn, void *ctx);

#endif
