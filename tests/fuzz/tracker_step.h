/*
 * What the session tracker fuzz targets (BGP, BFD, VRRP/HSRP) share: the
 * input's first byte and its timed records, time ticked as the agent
 * ticks it, frames decoded as the agent decodes them, and the table
 * printed where nobody reads. Each target keeps its own frames, events
 * and invariants.
 */
#ifndef FS_FUZZ_TRACKER_STEP_H
#define FS_FUZZ_TRACKER_STEP_H

#include <pcap/dlt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "floodspot/cursor.h"
#include "floodspot/decode.h"
#include "floodspot/event.h"

#define FS_FUZZ_USEC 1000000LL
#define FS_FUZZ_T0 (1700000000LL * FS_FUZZ_USEC)

/* One input being replayed: what is left of it, the bus the tracker
 * reports on, packet time and the next tick due. */
struct fs_fuzz_run {
	struct fs_cursor c;
	struct fs_event_bus bus;
	uint8_t sizes; /* byte 0: the target's table sizes */
	int64_t now, next_tick;
};

/* Reads byte 0 and subscribes on_event; false on an empty input. */
static inline bool fs_fuzz_start(struct fs_fuzz_run *r, const uint8_t *data,
				 size_t size, fs_event_fn on_event)
{
	r->c = fs_cursor_make(data, size);
	r->sizes = fs_cursor_u8(&r->c);
	if (r->c.failed)
		return false;
	fs_event_bus_init(&r->bus);
	fs_event_subscribe(&r->bus, on_event, NULL);
	r->now = FS_FUZZ_T0;
	r->next_tick = r->now + FS_FUZZ_USEC / 10;
	return true;
}

/* A record's delta_ms (be16): packet time moves on. */
static inline void fs_fuzz_delta(struct fs_fuzz_run *r)
{
	r->now += (int64_t)fs_cursor_be16(&r->c) * 1000;
}

/* A record's len bytes of payload, clipped to what is left. */
static inline struct fs_cursor fs_fuzz_payload(struct fs_fuzz_run *r,
					       size_t len)
{
	if (len > r->c.left)
		len = r->c.left;
	return fs_cursor_sub(&r->c, len);
}

/* The next BFD or FHRP record: delta_ms (be16), ctl (u8), len (u8), then
 * the payload; false once no whole header is left. */
static inline bool fs_fuzz_record8(struct fs_fuzz_run *r, uint8_t *ctl,
				   struct fs_cursor *body)
{
	if (r->c.left < 4)
		return false;
	fs_fuzz_delta(r);
	*ctl = fs_cursor_u8(&r->c);
	*body = fs_fuzz_payload(r, fs_cursor_u8(&r->c));
	return true;
}

/* The next tick due by packet time, every 100 ms; over a long jump only
 * its last 2 s, so the timers still see the jump whole. */
static inline bool fs_fuzz_tick_due(struct fs_fuzz_run *r, int64_t *at)
{
	if (r->now - r->next_tick > 2 * FS_FUZZ_USEC)
		r->next_tick = r->now - 2 * FS_FUZZ_USEC;
	if (r->next_tick > r->now)
		return false;
	*at = r->next_tick;
	r->next_tick += FS_FUZZ_USEC / 10;
	return true;
}

/* An Ethernet frame decoded at packet time, as the agent decodes it. */
static inline void fs_fuzz_decode(const struct fs_fuzz_run *r,
				  const uint8_t *frame, size_t n,
				  struct fs_pkt *p)
{
	fs_decode(DLT_EN10MB, frame, (uint32_t)n, (uint32_t)n, r->now, p);
}

/* The total of a per-reason (or per-type) stats array. */
static inline uint64_t fs_fuzz_sum(const uint64_t *v, size_t n)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	return sum;
}

/* /dev/null, opened once, for the --sessions tables; NULL without it. */
static inline FILE *fs_fuzz_devnull(void)
{
	static FILE *devnull;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	return devnull;
}

#endif
