/*
 * Passive VRRP / CARP / HSRP tracker: the public entry points.
 *
 *   tracker.c  create/destroy, the group table and its speakers,
 *              per-packet dispatch, tick, the table check
 *   fsm.c      the group's mastership table, causes, timing, events
 *   print.c    views, the --sessions table, stats
 *
 * Wire parsing is decode's (fs_fhrp_parse_pkt): the tracker reads the
 * parsed struct fs_fhrp_msg only.
 */
#include <stdlib.h>
#include <string.h>

#include "fhrp_priv.h"

void fs_fhrp_config_defaults(struct fs_fhrp_config *cfg)
{
	cfg->late_ratio = 0.25f;
	cfg->max_groups = 1024;
	cfg->silent_grace_ms = 500;
}

static bool config_ok(const struct fs_fhrp_config *cfg)
{
	return cfg && cfg->max_groups > 0 && cfg->max_groups <= (1u << 20);
}

size_t fs_fhrp_memory(const struct fs_fhrp_config *cfg)
{
	if (!config_ok(cfg))
		return 0;
	return sizeof(struct fs_fhrp) +
	       fs_sess_table_memory(cfg->max_groups,
				    sizeof(struct fs_fhrp_group));
}

struct fs_fhrp *fs_fhrp_create(const struct fs_fhrp_config *cfg,
			       struct fs_event_bus *bus)
{
	if (!config_ok(cfg))
		return NULL;
	struct fs_fhrp *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->cfg = *cfg;
	f->bus = bus;
	fs_hkey_init(&f->hkey, 0);
	fs_fsm_counts_init(&f->fsm);
	if (fs_sess_table_init(&f->tab, cfg->max_groups,
			       sizeof(struct fs_fhrp_group)) < 0) {
		fs_fhrp_destroy(f);
		return NULL;
	}
	f->grp = (struct fs_fhrp_group *)(void *)f->tab.recs;
	return f;
}

void fs_fhrp_set_gaps(struct fs_fhrp *f, const struct fs_gaps *gaps)
{
	f->gaps = gaps;
}

void fs_fhrp_destroy(struct fs_fhrp *f)
{
	if (!f)
		return;
	fs_sess_table_fini(&f->tab);
	free(f);
}

/* (segment, protocol, IP version, group): the protocol rides in the
 * first address word of the pair key. */
struct key {
	const struct fs_fhrp *f;
	struct fs_seg seg;
	uint8_t proto, ipv;
	uint16_t group;
	struct fs_hword h;
};

static struct key make_key(const struct fs_fhrp *f, struct fs_seg seg,
			   uint8_t proto, uint8_t ipv, uint16_t group)
{
	static const uint8_t zero[16];
	uint8_t p[16] = { proto };
	struct key k = { f, seg, proto, ipv, group,
			 fs_sess_key(&f->hkey, seg, ipv, group, p, zero) };
	return k;
}

static bool key_match(const void *ctx, uint32_t idx)
{
	const struct key *k = ctx;
	const struct fs_fhrp_group *g = &k->f->grp[idx];
	return g->used && fs_seg_eq(g->seg, k->seg) && g->proto == k->proto &&
	       g->ip_version == k->ipv && g->group == k->group;
}

static struct fs_fhrp_group *group_find(const struct fs_fhrp *f,
					const struct key *k)
{
	return fs_sess_table_find(&f->tab, k->h, key_match, k);
}

static void group_del(void *tracker, void *rec)
{
	struct fs_fhrp *f = tracker;
	struct fs_fhrp_group *g = rec;
	struct key k = make_key(f, g->seg, g->proto, g->ip_version, g->group);
	fs_sess_table_drop(&f->tab, k.h, g);
}

/* A full table lets a group without a live master go. */
static bool evictable(const void *rec)
{
	const struct fs_fhrp_group *g = rec;
	return g->used && g->state != FS_FHRP_MASTER &&
	       g->state != FS_FHRP_CONTENDED;
}

static struct fs_fhrp_group *group_get(struct fs_fhrp *f, const struct key *k,
				       int64_t ts)
{
	struct fs_fhrp_group *g = group_find(f, k);
	if (g)
		return g;
	g = fs_sess_table_take(&f->tab, k->h, evictable, group_del, f);
	if (!g)
		return NULL;
	g->used = true;
	g->seg = k->seg;
	g->proto = k->proto;
	g->ip_version = k->ipv;
	g->group = k->group;
	g->master = g->contender = -1;
	g->first_us = ts;
	fs_arrivals_init(&g->t, 0);
	return g;
}

/* The speaker sending from ip; a new one takes a free place or that of
 * the one heard longest ago, never the master's or the contender's. */
static int speaker_get(struct fs_fhrp *f, struct fs_fhrp_group *g,
		       const uint8_t ip[16])
{
	int oldest = -1;
	for (int i = 0; i < FS_FHRP_SPEAKERS; i++) {
		struct fs_fhrp_speaker *s = &g->sp[i];
		if (s->used && memcmp(s->ip, ip, 16) == 0)
			return i;
	}
	for (int i = 0; i < FS_FHRP_SPEAKERS; i++) {
		struct fs_fhrp_speaker *s = &g->sp[i];
		if (!s->used) {
			oldest = i;
			break;
		}
		if (i == g->master || i == g->contender)
			continue;
		if (oldest < 0 || s->last_us < g->sp[oldest].last_us)
			oldest = i;
	}
	if (oldest < 0)
		return -1;
	if (g->sp[oldest].used)
		f->st.speakers_replaced++;
	memset(&g->sp[oldest], 0, sizeof(g->sp[oldest]));
	g->sp[oldest].used = true;
	memcpy(g->sp[oldest].ip, ip, 16);
	return oldest;
}

void fs_fhrp_packet(struct fs_fhrp *f, const struct fs_pkt *p,
		    const uint8_t *frame)
{
	if (!frame || (p->route != FS_ROUTE_VRRP && p->route != FS_ROUTE_CARP &&
		       p->route != FS_ROUTE_HSRP))
		return;
	fs_fhrp_parse_pkt(p, frame, &f->msg);
	fs_fhrp_message(f, p, &f->msg);
}

void fs_fhrp_message(struct fs_fhrp *f, const struct fs_pkt *p,
		     const struct fs_fhrp_msg *m)
{
	if (p->ip_version != 4 && p->ip_version != 6)
		return;
	if (p->ts_us > f->now_us)
		f->now_us = p->ts_us;
	f->st.packets++;
	if (m->reason != FS_FHRP_R_OK || m->proto >= FS_FHRP_PROTO_COUNT) {
		f->st.malformed++;
		f->st.malformed_by_reason[m->reason < FS_FHRP_R_COUNT
						  ? m->reason
						  : FS_FHRP_R_SHORT]++;
		return;
	}
	/* HSRP's interface-state advertise says nothing of a group. */
	if ((m->proto == FS_FHRP_HSRP1 || m->proto == FS_FHRP_HSRP2) &&
	    m->opcode == FS_HSRP_ADVERTISE)
		return;
	if (m->checksum == FS_FHRP_CSUM_BAD)
		f->st.bad_checksum++;
	struct key k = make_key(f, fs_pkt_seg(p), m->proto, p->ip_version,
				m->group);
	struct fs_fhrp_group *g = group_get(f, &k, p->ts_us);
	if (!g)
		return;
	/* Its timers run out before its packet is read. */
	fs_fhrp_group_tick(f, g, p->ts_us);
	g->last_us = p->ts_us;
	int i = speaker_get(f, g, p->src_ip);
	if (i < 0)
		return;
	struct fs_fhrp_speaker *s = &g->sp[i];
	if (p->has_mac)
		memcpy(s->mac, p->src_mac, 6);
	s->priority = m->priority;
	s->carp_demote = m->carp_demote;
	s->hsrp_state = m->hsrp_state;
	if (m->interval_ms)
		s->interval_ms = m->interval_ms;
	if (m->hold_ms)
		s->hold_ms = m->hold_ms;
	s->adverts++;
	s->last_us = p->ts_us;
	if (m->n_addrs) {
		g->n_vips = m->n_addrs;
		memcpy(g->vip, m->addrs[0], 16);
	}
	fs_fhrp_advert(f, g, i, m, p->ts_us);
}

struct tick_ctx {
	struct fs_fhrp *f;
	int64_t now_us;
};

static void tick_one(void *rec, void *ctx)
{
	const struct tick_ctx *t = ctx;
	struct fs_fhrp_group *g = rec;
	fs_fhrp_group_tick(t->f, g, t->now_us);
	if (t->now_us - g->last_us > FS_FHRP_FORGET_US)
		group_del(t->f, g);
}

static void forget_one(void *rec, void *ctx)
{
	group_del(ctx, rec);
}

void fs_fhrp_forget(struct fs_fhrp *f)
{
	fs_sess_table_each(&f->tab, forget_one, f);
}

void fs_fhrp_tick(struct fs_fhrp *f, int64_t now_us)
{
	if (now_us > f->now_us)
		f->now_us = now_us;
	struct tick_ctx t = { f, now_us };
	fs_sess_table_each(&f->tab, tick_one, &t);
}

int fs_fhrp_check(const struct fs_fhrp *f)
{
	uint32_t used = 0;
	for (uint32_t i = 0; i < f->cfg.max_groups; i++) {
		const struct fs_fhrp_group *g = &f->grp[i];
		if (!g->used)
			continue;
		used++;
		struct key k = make_key(f, g->seg, g->proto, g->ip_version,
					g->group);
		if (group_find(f, &k) != g || g->state >= FS_FHRP_STATES ||
		    g->master >= FS_FHRP_SPEAKERS ||
		    g->contender >= FS_FHRP_SPEAKERS ||
		    (g->master >= 0 && !g->sp[g->master].used) ||
		    (g->state != FS_FHRP_NONE && g->master < 0) ||
		    g->t.late > g->t.judged)
			return -1;
	}
	return fs_sess_table_check(&f->tab, used);
}
