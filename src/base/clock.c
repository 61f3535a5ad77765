/*
 * Packet clock: slices of packet time, and the judgement of timestamps
 * that disagree with packet time (clock.h).
 */
#include "floodspot/clock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define USEC 1000000LL

static int64_t slice_floor(const struct fs_clock *c, int64_t t_us)
{
	int64_t s = t_us / c->slice_us;
	if (t_us < 0 && s * c->slice_us != t_us)
		s--;
	return s * c->slice_us;
}

int fs_clock_init(struct fs_clock *c, int64_t slice_us, bool live,
		  fs_tick_fn tick, fs_deliver_fn deliver, void *ctx)
{
	memset(c, 0, sizeof(*c));
	if (slice_us == 0)
		slice_us = FS_CLOCK_SLICE_US;
	if (slice_us < 1000 || slice_us > USEC || USEC % slice_us != 0) {
		errno = EINVAL;
		return -1;
	}
	c->slice_us = slice_us;
	c->live = live;
	c->tick = tick;
	c->deliver = deliver;
	c->ctx = ctx;
	c->arena = malloc((size_t)FS_CLOCK_HOLD * FS_CLOCK_FRAME_MAX);
	if (!c->arena)
		return -1;
	for (unsigned i = 0; i < FS_CLOCK_HOLD; i++)
		c->slot_free[c->n_free++] = c->arena + (size_t)i * FS_CLOCK_FRAME_MAX;
	return 0;
}

void fs_clock_fini(struct fs_clock *c)
{
	free(c->arena);
	c->arena = NULL;
	c->n_free = 0;
	c->n_held = 0;
}

/* Ticks every slice boundary up to t_us; bounded catch-up over gaps. */
static void advance_to(struct fs_clock *c, int64_t t_us)
{
	if (t_us > c->now_us)
		c->now_us = t_us;
	int64_t slice = slice_floor(c, t_us);
	if (slice <= c->cur_slice_us)
		return;
	int64_t gap = (slice - c->cur_slice_us) / c->slice_us;
	int64_t max = FS_CLOCK_MAX_CATCHUP_S * (USEC / c->slice_us);
	int64_t n = gap > max ? max : gap;
	for (int64_t i = 0; i < n; i++) {
		c->tick(c->cur_slice_us, c->ctx);
		c->ticks++;
		c->cur_slice_us += c->slice_us;
	}
	if (gap > n) {
		/* Rules and timers have seen enough empty slices to settle;
		 * skip the rest instead of ticking through years. Slices stay
		 * aligned to the second. */
		c->jumps++;
		c->cur_slice_us = slice;
	}
}

static bool near_now(const struct fs_clock *c, int64_t t)
{
	return t >= c->now_us - FS_CLOCK_TOLERANCE_US &&
	       t <= c->now_us + FS_CLOCK_TOLERANCE_US;
}

/* A packet whose time is believed (or clamped to packet time). */
static void release(struct fs_clock *c, int64_t t, const uint8_t *frame,
		    uint32_t caplen, uint32_t wirelen)
{
	if (t >= c->cur_slice_us) {
		advance_to(c, t);
	} else {
		/* Reordered within the tolerance: its slice is closed, so it
		 * counts in the open one; its own time stays for timing. */
		c->reordered++;
	}
	c->deliver(c->ctx, t, frame, caplen, wirelen);
}

static void hold(struct fs_clock *c, int64_t t, const uint8_t *frame,
		 uint32_t caplen, uint32_t wirelen)
{
	struct fs_clock_held *h = &c->held[c->n_held++];
	h->ts_us = t;
	h->wirelen = wirelen;
	h->caplen = caplen > FS_CLOCK_FRAME_MAX ? FS_CLOCK_FRAME_MAX : caplen;
	h->buf = c->slot_free[--c->n_free];
	memcpy(h->buf, frame, h->caplen);
	c->held_total++;
}

static void judge(struct fs_clock *c, int64_t t, const uint8_t *frame,
		  uint32_t caplen, uint32_t wirelen);

/*
 * Takes the held packets out (in order) and judges them again after the
 * candidate was decided; their slots are free again before each judgement
 * so a re-held packet can take one.
 */
static void rejudge_rest(struct fs_clock *c, unsigned from)
{
	struct fs_clock_held rest[FS_CLOCK_HOLD];
	unsigned n = 0;
	for (unsigned i = from; i < c->n_held; i++)
		rest[n++] = c->held[i];
	c->n_held = 0;
	for (unsigned i = 0; i < n; i++) {
		/* The copy stays intact while judged: nothing writes a slot
		 * before it is taken from the free list, and this one is put
		 * back only after. */
		judge(c, rest[i].ts_us, rest[i].buf, rest[i].caplen,
		      rest[i].wirelen);
		c->slot_free[c->n_free++] = rest[i].buf;
	}
}

/* The candidate held[0] turned out an outlier: clamp it to packet time. */
static void reject_candidate(struct fs_clock *c)
{
	struct fs_clock_held *h = &c->held[0];
	if (h->ts_us > c->now_us)
		c->outliers_ahead++;
	else
		c->outliers_behind++;
	c->deliver(c->ctx, c->now_us, h->buf, h->caplen, h->wirelen);
	c->slot_free[c->n_free++] = h->buf;
	rejudge_rest(c, 1);
}

/* The candidate held[0] was confirmed: jump to it or re-base. Returns
 * the shift applied to timestamps from now on. */
static int64_t accept_candidate(struct fs_clock *c)
{
	struct fs_clock_held *h = &c->held[0];
	int64_t by = h->ts_us - c->now_us;
	bool rebase = c->live || by < 0;

	if (rebase) {
		c->step = (struct fs_clock_step){
			.at_us = c->now_us, .by_us = by, .rebased = true,
		};
		c->step_pending = true;
	}
	if (by > 0)
		c->steps_forward++;
	else
		c->steps_back++;
	if (rebase) {
		/* Later timestamps map onto packet time where it stands. */
		c->offset_us -= by;
		for (unsigned i = 0; i < c->n_held; i++)
			c->held[i].ts_us -= by;
	} else {
		/* Time did pass (a capture gap): close its slices. */
		advance_to(c, h->ts_us);
	}
	rejudge_rest(c, 0);
	return rebase ? -by : 0;
}

static void judge(struct fs_clock *c, int64_t t, const uint8_t *frame,
		  uint32_t caplen, uint32_t wirelen)
{
	if (c->n_held == 0) {
		if (near_now(c, t))
			release(c, t, frame, caplen, wirelen);
		else
			hold(c, t, frame, caplen, wirelen);
		return;
	}
	int64_t cand = c->held[0].ts_us;
	int64_t to_cand = t > cand ? t - cand : cand - t;
	int64_t to_now = t > c->now_us ? t - c->now_us : c->now_us - t;
	if (near_now(c, t) || to_now <= to_cand) {
		/* Back with packet time: the candidate was alone. */
		reject_candidate(c);
		judge(c, t, frame, caplen, wirelen);
		return;
	}
	if (c->n_held == FS_CLOCK_CONFIRM) {
		/* This packet is the last confirmation: decide, then take
		 * it in its turn (it may open the next candidate). */
		int64_t shift = accept_candidate(c);
		judge(c, t + shift, frame, caplen, wirelen);
		return;
	}
	hold(c, t, frame, caplen, wirelen);
}

void fs_clock_packet(struct fs_clock *c, int64_t ts_us, const uint8_t *frame,
		     uint32_t caplen, uint32_t wirelen)
{
	int64_t t = ts_us + c->offset_us;

	/* Nearly every packet falls in the open slice: no division. */
	if (c->n_held == 0 && t >= c->cur_slice_us &&
	    (uint64_t)t - (uint64_t)c->cur_slice_us < (uint64_t)c->slice_us &&
	    c->started) {
		if (t > c->now_us)
			c->now_us = t;
		c->deliver(c->ctx, t, frame, caplen, wirelen);
		return;
	}
	if (!c->started) {
		c->started = true;
		c->cur_slice_us = slice_floor(c, t);
		c->now_us = t;
		c->deliver(c->ctx, t, frame, caplen, wirelen);
		return;
	}
	judge(c, t, frame, caplen, wirelen);
}

void fs_clock_advance(struct fs_clock *c, int64_t t_us)
{
	/* Live before the first packet: time starts anyway, so a span port
	 * that never carries anything still ticks (and says so). */
	if (!c->started) {
		c->started = true;
		c->cur_slice_us = slice_floor(c, t_us);
		c->now_us = t_us;
		return;
	}
	if (t_us <= c->now_us)
		return;
	c->idle_ticking = true;
	advance_to(c, t_us);
	c->idle_ticking = false;
}

void fs_clock_flush(struct fs_clock *c)
{
	if (!c->started)
		return;
	/*
	 * Unconfirmed at the end: nothing came after to agree or disagree.
	 * A sparse capture ends so (a hello every 10 s): up to the catch-up
	 * bound ahead it is time passing; further, or behind, an outlier.
	 */
	while (c->n_held) {
		int64_t by = c->held[0].ts_us - c->now_us;
		if (by > 0 && by <= FS_CLOCK_MAX_CATCHUP_S * USEC) {
			advance_to(c, c->held[0].ts_us);
			c->steps_forward++;
			rejudge_rest(c, 0);	/* it is near now: released */
		} else {
			reject_candidate(c);
		}
	}
	/* Close the whole second, not only the open slice: its per-second
	 * figures (RRD, metrics, stats) must count the last packets. */
	do {
		c->tick(c->cur_slice_us, c->ctx);
		c->ticks++;
		c->cur_slice_us += c->slice_us;
	} while (c->cur_slice_us % USEC != 0);
}

bool fs_clock_take_step(struct fs_clock *c, struct fs_clock_step *out)
{
	if (!c->step_pending)
		return false;
	*out = c->step;
	c->step_pending = false;
	return true;
}
