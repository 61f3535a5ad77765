/* Capture gaps: when the capture was blind (gap.h). */
#include "floodspot/gap.h"

#include <string.h>

#define US 1000000LL

void fs_gaps_init(struct fs_gaps *g, struct fs_event_bus *bus)
{
	memset(g, 0, sizeof(*g));
	g->bus = bus;
}

static void tell(const struct fs_gaps *g, const struct fs_gap_span *s,
		 int64_t ts_us)
{
	if (!g->bus)
		return;
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_CAPTURE_GAP;
	ev.ts_us = ts_us;
	ev.u.gap.start_us = s->start_us;
	ev.u.gap.end_us = s->end_us;
	ev.u.gap.reason = s->reason;
	ev.u.gap.lost = s->lost;
	fs_event_emit(g->bus, &ev);
}

static struct fs_gap_span *current(struct fs_gaps *g)
{
	return &g->span[(g->pos + FS_GAP_KEEP - 1) % FS_GAP_KEEP];
}

static void open_span(struct fs_gaps *g, int64_t start_us, uint8_t reason,
		      uint64_t lost, int64_t now_us)
{
	struct fs_gap_span *s = &g->span[g->pos];
	g->pos = (g->pos + 1) % FS_GAP_KEEP;
	if (g->n < FS_GAP_KEEP)
		g->n++;
	*s = (struct fs_gap_span){ .start_us = start_us, .reason = reason,
				   .lost = lost };
	g->open = true;
	if (reason < FS_GAP_REASONS)
		g->opened[reason]++;
	tell(g, s, now_us);
}

static void close_span(struct fs_gaps *g, int64_t end_us)
{
	struct fs_gap_span *s = current(g);
	s->end_us = end_us > s->start_us ? end_us : s->start_us;
	g->open = false;
	tell(g, s, end_us);
}

void fs_gaps_resume(struct fs_gaps *g, int64_t ts_us)
{
	if (g->open && current(g)->reason == FS_GAP_SILENCE)
		close_span(g, ts_us);
}

void fs_gaps_link(struct fs_gaps *g, int64_t t_us, bool down)
{
	if (down == g->link_down)
		return;
	g->link_down = down;
	if (down) {
		if (g->open)
			close_span(g, t_us);
		open_span(g, t_us, FS_GAP_LINK_DOWN, 0, t_us);
	} else if (g->open && current(g)->reason == FS_GAP_LINK_DOWN) {
		close_span(g, t_us);
	}
}

void fs_gaps_mark(struct fs_gaps *g, int64_t t_us, uint8_t reason)
{
	if (g->open)
		return;		/* blind already */
	open_span(g, t_us, reason, 0, t_us);
	close_span(g, t_us);
}

/* The packets a silence from the last packet to to_us should have held
 * when it is long enough to call one; 0 when it is not. */
static double expected_in(const struct fs_gaps *g, int64_t to_us)
{
	int64_t silent = to_us - g->last_pkt_us;
	double expected = g->rate_pps * (double)silent / US;
	if (silent >= FS_GAP_MIN_SILENCE_US && expected >= FS_GAP_EXPECTED)
		return expected;
	return 0;
}

bool fs_gaps_watched(const struct fs_gaps *g, int64_t to_us)
{
	return !g->open && !g->link_down && g->last_pkt_us &&
	       expected_in(g, to_us) == 0;
}

void fs_gaps_slice(struct fs_gaps *g, int64_t slice_start_us,
		   int64_t slice_end_us, uint64_t seg_packets, uint64_t drops,
		   int64_t others)
{
	uint64_t pkts = seg_packets - g->last_packets;
	uint64_t lost = drops >= g->last_drops ? drops - g->last_drops : 0;
	g->last_packets = seg_packets;
	g->last_drops = drops;

	/* The kernel lost most of this slice: nothing in it can be judged. */
	if (lost && lost >= pkts) {
		if (!g->open)
			open_span(g, slice_start_us, FS_GAP_DROPS, lost,
				  slice_end_us);
		else if (current(g)->reason == FS_GAP_DROPS)
			current(g)->lost += lost;
	} else if (g->open && current(g)->reason == FS_GAP_DROPS) {
		close_span(g, slice_start_us);
	}

	if (!g->open && !g->link_down && pkts == 0 && g->last_pkt_us) {
		double expected = expected_in(g, slice_end_us);
		if (expected > 0)
			open_span(g, g->last_pkt_us, FS_GAP_SILENCE,
				  (uint64_t)expected, slice_end_us);
	}

	/* The segment's rate, learned from seconds the capture saw. */
	if (others < 0 || g->open)
		return;
	double w = g->rate_weight < FS_GAP_RATE_WINDOW_S
			   ? 1.0 / (g->rate_weight + 1.0)
			   : 1.0 / FS_GAP_RATE_WINDOW_S;
	g->rate_pps += w * ((double)others - g->rate_pps);
	g->rate_weight += 1.0;
}

int64_t fs_gaps_blind_until(const struct fs_gaps *g, int64_t from_us,
			    int64_t to_us)
{
	int64_t until = 0;
	for (unsigned k = 1; k <= g->n; k++) {
		const struct fs_gap_span *s =
			&g->span[(g->pos + FS_GAP_KEEP - k) % FS_GAP_KEEP];
		bool open = k == 1 && g->open;
		int64_t end = open ? INT64_MAX : s->end_us;
		if (s->start_us > to_us || end < from_us)
			continue;
		if (end > until)
			until = end;
	}
	return until;
}
