/* Packet clock: one tick per second boundary crossed by packet time. */
#include "floodspot/clock.h"

#define USEC 1000000LL

static int64_t second_floor(int64_t t_us)
{
	int64_t s = t_us / USEC;
	if (t_us < 0 && s * USEC != t_us)
		s--;
	return s * USEC;
}

void fs_clock_init(struct fs_clock *c)
{
	*c = (struct fs_clock){ 0 };
}

/* Crossing a second boundary; out of line so the common call below does
 * not pay for this loop's register saves. */
static __attribute__((noinline)) void advance_slow(struct fs_clock *c,
						   int64_t t_us, fs_tick_fn fn,
						   void *ctx)
{
	int64_t sec = second_floor(t_us);

	if (!c->started) {
		c->started = true;
		c->cur_sec_us = sec;
		c->now_us = t_us;
		return;
	}
	if (sec < c->cur_sec_us) {
		/* Reordered or stepped-back timestamps join the open second. */
		c->backwards++;
		return;
	}
	if (t_us > c->now_us)
		c->now_us = t_us;

	int64_t gap = (sec - c->cur_sec_us) / USEC;
	int64_t n = gap > FS_CLOCK_MAX_CATCHUP_S ? FS_CLOCK_MAX_CATCHUP_S : gap;
	for (int64_t i = 0; i < n; i++) {
		fn(c->cur_sec_us, ctx);
		c->ticks++;
		c->cur_sec_us += USEC;
	}
	if (gap > n) {
		/* Rules and timers have seen enough empty seconds to settle;
		 * skip the rest instead of ticking through years. */
		c->jumps++;
		c->cur_sec_us = sec;
	}
}

void fs_clock_advance(struct fs_clock *c, int64_t t_us, fs_tick_fn fn,
		      void *ctx)
{
	/* Nearly every packet falls in the open second: no division. */
	if (c->started && t_us >= c->cur_sec_us &&
	    (uint64_t)t_us - (uint64_t)c->cur_sec_us < (uint64_t)USEC) {
		if (t_us > c->now_us)
			c->now_us = t_us;
		return;
	}
	advance_slow(c, t_us, fn, ctx);
}

void fs_clock_flush(struct fs_clock *c, fs_tick_fn fn, void *ctx)
{
	if (!c->started)
		return;
	fn(c->cur_sec_us, ctx);
	c->ticks++;
	c->cur_sec_us += USEC;
	if (c->now_us < c->cur_sec_us)
		c->now_us = c->cur_sec_us;
}
