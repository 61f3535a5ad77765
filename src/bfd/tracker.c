/*
 * Passive BFD tracker: the public entry points.
 *
 *   tracker.c  create/destroy, the session table, per-packet dispatch,
 *              tick, the table check
 *   fsm.c      each end's state table, session up/down, intervals,
 *              timing and the events
 *   print.c    views, the --sessions table, stats
 *
 * Wire parsing is decode's (fs_bfd_parse_pkt): the tracker reads the
 * parsed struct fs_bfd_msg only.
 */
#include <stdlib.h>
#include <string.h>

#include "bfd_priv.h"

_Static_assert((int)FS_BFD_EV_UP == (int)FS_BFD_UP &&
		       (int)FS_BFD_EV_DOWN == (int)FS_BFD_DOWN &&
		       (int)FS_BFD_EV_INIT == (int)FS_BFD_INIT &&
		       (int)FS_BFD_EV_ADMIN_DOWN == (int)FS_BFD_ADMIN_DOWN,
	       "a reported state is its own event");

void fs_bfd_config_defaults(struct fs_bfd_config *cfg)
{
	cfg->late_ratio = 0.25f;
	cfg->max_sessions = 1024;
	cfg->silent_grace_ms = 500;
}

static bool config_ok(const struct fs_bfd_config *cfg)
{
	return cfg && cfg->max_sessions > 0 && cfg->max_sessions <= (1u << 20);
}

size_t fs_bfd_memory(const struct fs_bfd_config *cfg)
{
	if (!config_ok(cfg))
		return 0;
	return sizeof(struct fs_bfd) +
	       fs_sess_table_memory(cfg->max_sessions,
				    sizeof(struct fs_bfd_sess));
}

struct fs_bfd *fs_bfd_create(const struct fs_bfd_config *cfg,
			     struct fs_event_bus *bus)
{
	if (!config_ok(cfg))
		return NULL;
	struct fs_bfd *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->cfg = *cfg;
	b->bus = bus;
	fs_hkey_init(&b->hkey, 0);
	fs_fsm_counts_init(&b->fsm);
	if (fs_sess_table_init(&b->tab, cfg->max_sessions,
			       sizeof(struct fs_bfd_sess)) < 0) {
		fs_bfd_destroy(b);
		return NULL;
	}
	b->sess = (struct fs_bfd_sess *)(void *)b->tab.recs;
	return b;
}

void fs_bfd_set_gaps(struct fs_bfd *b, const struct fs_gaps *gaps)
{
	b->gaps = gaps;
}

void fs_bfd_destroy(struct fs_bfd *b)
{
	if (!b)
		return;
	fs_sess_table_fini(&b->tab);
	free(b);
}

struct key {
	const struct fs_bfd *b;
	struct fs_seg seg;
	uint8_t ipv;
	uint16_t port;
	const uint8_t *ip[2];
	struct fs_hword h;
};

static struct key make_key(const struct fs_bfd *b, struct fs_seg seg,
			   uint8_t ipv, uint16_t port, const uint8_t *lo,
			   const uint8_t *hi)
{
	struct key k = { b, seg, ipv, port, { lo, hi },
			 fs_sess_key(&b->hkey, seg, ipv, port, lo, hi) };
	return k;
}

static bool key_match(const void *ctx, uint32_t idx)
{
	const struct key *k = ctx;
	const struct fs_bfd_sess *s = &k->b->sess[idx];
	return fs_seg_eq(s->seg, k->seg) && s->ip_version == k->ipv &&
	       s->port == k->port && memcmp(s->end[0].ip, k->ip[0], 16) == 0 &&
	       memcmp(s->end[1].ip, k->ip[1], 16) == 0;
}

static struct fs_bfd_sess *sess_find(const struct fs_bfd *b, const struct key *k)
{
	return fs_sess_table_find(&b->tab, k->h, key_match, k);
}

static void sess_del(void *tracker, void *rec)
{
	struct fs_bfd *b = tracker;
	struct fs_bfd_sess *s = rec;
	struct key k = make_key(b, s->seg, s->ip_version, s->port, s->end[0].ip,
				s->end[1].ip);
	fs_sess_table_drop(&b->tab, k.h, s);
}

/* A full table lets a session that is not up go for a newcomer. */
static bool evictable(const void *rec)
{
	const struct fs_bfd_sess *s = rec;
	return s->used && !s->up;
}

static struct fs_bfd_sess *sess_get(struct fs_bfd *b, const struct key *k,
				    int64_t ts)
{
	struct fs_bfd_sess *s = sess_find(b, k);
	if (s)
		return s;
	s = fs_sess_table_take(&b->tab, k->h, evictable, sess_del, b);
	if (!s)
		return NULL;
	s->used = true;
	s->seg = k->seg;
	s->ip_version = k->ipv;
	s->port = k->port;
	for (int i = 0; i < 2; i++) {
		memcpy(s->end[i].ip, k->ip[i], 16);
		s->end[i].state = FS_BFD_END_NONE;
		fs_arrivals_init(&s->end[i].t, 0);
	}
	s->first_us = s->since_us = ts;
	return s;
}

void fs_bfd_packet(struct fs_bfd *b, const struct fs_pkt *p,
		   const uint8_t *frame)
{
	if (p->route != FS_ROUTE_BFD || !frame)
		return;
	fs_bfd_parse_pkt(p, frame, &b->msg);
	fs_bfd_message(b, p, &b->msg);
}

void fs_bfd_message(struct fs_bfd *b, const struct fs_pkt *p,
		    const struct fs_bfd_msg *m)
{
	if (p->route != FS_ROUTE_BFD ||
	    (p->ip_version != 4 && p->ip_version != 6))
		return;
	if (p->ts_us > b->now_us)
		b->now_us = p->ts_us;
	b->st.packets++;
	if (m->reason != FS_BFD_R_OK || m->state > FS_BFD_UP) {
		/* Discarded by the receiver (RFC 5880 6.8.6): not a state. */
		b->st.malformed++;
		b->st.malformed_by_reason[m->reason < FS_BFD_R_COUNT
						  ? m->reason
						  : FS_BFD_R_SHORT]++;
		return;
	}
	int side = fs_sess_side(p);
	const uint8_t *lo = side ? p->dst_ip : p->src_ip;
	const uint8_t *hi = side ? p->src_ip : p->dst_ip;
	struct key k = make_key(b, fs_pkt_seg(p), p->ip_version, p->dst_port,
				lo, hi);
	struct fs_bfd_sess *s = sess_get(b, &k, p->ts_us);
	if (!s)
		return;
	/* Timers of this session run out before its packet is read: a
	 * tick may be further away than a fast session's interval. */
	fs_bfd_end_tick(b, s, p->ts_us);
	s->last_us = p->ts_us;
	fs_bfd_end_packet(b, s, side, p, m);
}

struct tick_ctx {
	struct fs_bfd *b;
	int64_t now_us;
};

static void tick_one(void *rec, void *ctx)
{
	const struct tick_ctx *t = ctx;
	struct fs_bfd_sess *s = rec;
	fs_bfd_end_tick(t->b, s, t->now_us);
	if (t->now_us - s->last_us > FS_BFD_FORGET_US)
		sess_del(t->b, s);
}

static void forget_one(void *rec, void *ctx)
{
	sess_del(ctx, rec);
}

void fs_bfd_forget(struct fs_bfd *b)
{
	fs_sess_table_each(&b->tab, forget_one, b);
}

void fs_bfd_tick(struct fs_bfd *b, int64_t now_us)
{
	if (now_us > b->now_us)
		b->now_us = now_us;
	struct tick_ctx t = { b, now_us };
	fs_sess_table_each(&b->tab, tick_one, &t);
}

int fs_bfd_check(const struct fs_bfd *b)
{
	uint32_t used = 0;
	for (uint32_t i = 0; i < b->cfg.max_sessions; i++) {
		const struct fs_bfd_sess *s = &b->sess[i];
		if (!s->used)
			continue;
		used++;
		struct key k = make_key(b, s->seg, s->ip_version, s->port,
					s->end[0].ip, s->end[1].ip);
		if (sess_find(b, &k) != s)
			return -1;
		for (int e = 0; e < 2; e++)
			if (s->end[e].state >= FS_BFD_END_STATES ||
			    s->end[e].t.late > s->end[e].t.judged)
				return -1;
	}
	return fs_sess_table_check(&b->tab, used);
}
