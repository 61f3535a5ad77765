/*
 * Capture gaps: spans of packet time in which the capture was blind, so
 * that what did not arrive then is "not seen", not a routing symptom.
 *
 * A span opens when
 *   - the capture interface goes down (until it is reopened),
 *   - no packet at all arrives where traffic was flowing: at a slice tick
 *     the silence since the last packet has lasted FS_GAP_MIN_SILENCE_US
 *     and, at the segment's recent rate without its busiest host (a
 *     flooder that stops is no outage), FS_GAP_EXPECTED packets should
 *     have come (until the next packet),
 *   - the kernel dropped at least as many packets as it delivered in a
 *     slice (until a slice without such losses),
 *   - packet time was re-based after a clock step (a zero-length span:
 *     intervals across it cannot be judged).
 * Fewer drops make a slice lossy, not blind: alerts say so.
 * Spans are kept in a ring of FS_GAP_KEEP; each is told once opened and
 * once closed (FS_EV_CAPTURE_GAP).
 */
#ifndef FLOODSPOT_GAP_H
#define FLOODSPOT_GAP_H

#include <stdbool.h>
#include <stdint.h>

#include "floodspot/event.h"

#define FS_GAP_KEEP 32
#define FS_GAP_EXPECTED 20.0		/* packets the silence should have held */
#define FS_GAP_MIN_SILENCE_US 1000000	/* and at least this long */
#define FS_GAP_RATE_WINDOW_S 10.0	/* the segment's rate: EWMA */

struct fs_gap_span {
	int64_t start_us, end_us;	/* end 0 while open */
	uint8_t reason;			/* enum fs_gap_reason (event.h) */
	uint64_t lost;			/* drops, or packets expected */
};

struct fs_gaps {
	struct fs_event_bus *bus;
	struct fs_gap_span span[FS_GAP_KEEP];
	unsigned pos, n;		/* ring: next slot, spans kept */
	bool open;			/* span[pos - 1] is open */
	double rate_pps;		/* segment packets per second, recent */
	double rate_weight;		/* learned seconds, for a young rate */
	uint64_t last_packets, last_drops;
	int64_t last_pkt_us;
	bool link_down;
	uint64_t opened[FS_GAP_REASONS];
};

void fs_gaps_init(struct fs_gaps *g, struct fs_event_bus *bus);
/* Every packet (cheap): closes a silence span. */
static inline void fs_gaps_packet(struct fs_gaps *g, int64_t ts_us);
/*
 * Each closed slice: seg_packets and drops are cumulative counts. When
 * the slice closes a second, others is that second's packets from all
 * but the busiest host; else -1.
 */
void fs_gaps_slice(struct fs_gaps *g, int64_t slice_start_us,
		   int64_t slice_end_us, uint64_t seg_packets, uint64_t drops,
		   int64_t others);
/*
 * The capture watched from its last packet to to_us (a packet there is on
 * its way in): no span is open and the stretch is too short to be a
 * silence.
 */
bool fs_gaps_watched(const struct fs_gaps *g, int64_t to_us);
/* The capture interface went down (or came back) at t_us. */
void fs_gaps_link(struct fs_gaps *g, int64_t t_us, bool down);
/* Packet time was re-based at t_us. */
void fs_gaps_mark(struct fs_gaps *g, int64_t t_us, uint8_t reason);
/*
 * The end of the latest blind span that overlaps [from_us, to_us]:
 * INT64_MAX while such a span is still open, 0 when none does.
 */
int64_t fs_gaps_blind_until(const struct fs_gaps *g, int64_t from_us,
			    int64_t to_us);

void fs_gaps_resume(struct fs_gaps *g, int64_t ts_us);

static inline void fs_gaps_packet(struct fs_gaps *g, int64_t ts_us)
{
	g->last_pkt_us = ts_us;
	if (g->open)
		fs_gaps_resume(g, ts_us);
}

#endif
