/*
 * What the session tracker fuzz targets (BGP, BFD, VRRP/HSRP) share: time
 * ticked as the agent ticks it, and the table printed where nobody reads.
 */
#ifndef FS_FUZZ_TRACKER_STEP_H
#define FS_FUZZ_TRACKER_STEP_H

#include <stdint.h>
#include <stdio.h>

#define FS_FUZZ_USEC 1000000LL
#define FS_FUZZ_T0 (1700000000LL * FS_FUZZ_USEC)

/* Ticks tracker every 100 ms of packet time up to now; over a long jump
 * only its last 2 s, so the timers still see the jump whole. */
#define FS_FUZZ_TICK_TO(tick, tracker, now, next_tick)                       \
	do {                                                                 \
		if ((now) - (next_tick) > 2 * FS_FUZZ_USEC)                  \
			(next_tick) = (now) - 2 * FS_FUZZ_USEC;              \
		for (; (next_tick) <= (now); (next_tick) += FS_FUZZ_USEC / 10) \
			tick((tracker), (next_tick));                        \
	} while (0)

/* /dev/null, opened once, for the --sessions tables; NULL without it. */
static inline FILE *fs_fuzz_devnull(void)
{
	static FILE *devnull;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	return devnull;
}

#endif
