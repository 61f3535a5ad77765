/*
 * Passive OSPF tracker: the public entry points.
 *
 *   tracker.c    create/destroy, per-packet dispatch, tick, VLAN health
 *   router.c     router table and the source-address index
 *   adjacency.c  pair table and the inferred neighbor state machine
 *   timing.c     hello inter-arrival, lateness, silence
 *   churn.c      LSU/LSA counts and retransmissions
 *   print.c      foreach views and the `show ip ospf neighbor` table
 *
 * Wire parsing is decode's (src/decode/ospf*.c): the tracker reads the
 * parsed struct fs_ospf_msg only.
 */
#include "ospf_int.h"

#include <stdlib.h>
#include <string.h>

void fs_ospf_config_defaults(struct fs_ospf_config *cfg)
{
	cfg->hello_late_ratio = 0.25f;
	cfg->absent_after_s = 60;
	cfg->max_routers = 1024;
	cfg->max_neighbors = 4096;
}

struct fs_ospf *fs_ospf_create(const struct fs_ospf_config *cfg,
			       struct fs_event_bus *bus,
			       struct fs_routers *routers)
{
	if (!cfg || cfg->max_routers == 0 || cfg->max_neighbors == 0 ||
	    cfg->max_routers > (1u << 24) || cfg->max_neighbors > (1u << 24))
		return NULL;
	struct fs_ospf *o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->cfg = *cfg;
	o->bus = bus;
	o->routers = routers;
	fs_hkey_init(&o->hkey, 0);
	o->rt = calloc(cfg->max_routers, sizeof(*o->rt));
	o->adj = calloc(cfg->max_neighbors, sizeof(*o->adj));
	o->sums = calloc(FS_OSPF_SUM_SLOTS, sizeof(*o->sums));
	/* Records are taken lowest first and listed in array order, so
	 * output order does not depend on the hash. */
	o->msg = malloc(sizeof(*o->msg));
	if (!o->rt || !o->adj || !o->sums || !o->msg ||
	    fs_hids_init(&o->rt_ids, cfg->max_routers) < 0 ||
	    fs_hids_init(&o->adj_ids, cfg->max_neighbors) < 0 ||
	    fs_hidx_init(&o->rt_ix, cfg->max_routers) < 0 ||
	    fs_hidx_init(&o->ip_ix, cfg->max_routers) < 0 ||
	    fs_hidx_init(&o->adj_ix, cfg->max_neighbors) < 0) {
		fs_ospf_destroy(o);
		return NULL;
	}
	return o;
}

void fs_ospf_destroy(struct fs_ospf *o)
{
	if (!o)
		return;
	fs_hidx_fini(&o->rt_ix);
	fs_hidx_fini(&o->ip_ix);
	fs_hidx_fini(&o->adj_ix);
	fs_hids_fini(&o->rt_ids);
	fs_hids_fini(&o->adj_ids);
	free(o->rt);
	free(o->adj);
	free(o->sums);
	free(o->msg);
	free(o);
}

int fs_ospf_check(const struct fs_ospf *o)
{
	return fs_ospf_rt_check(o) == 0 && fs_ospf_adj_check(o) == 0 ? 0 : -1;
}

void fs_ospf_set_gaps(struct fs_ospf *o, const struct fs_gaps *gaps)
{
	o->gaps = gaps;
}

int64_t fs_ospf_seen_from(const struct fs_ospf *o, int64_t since_us,
			  int64_t now_us)
{
	if (!o->gaps)
		return since_us;
	int64_t b = fs_gaps_blind_until(o->gaps, since_us, now_us);
	return b > since_us ? b : since_us;
}

void fs_ospf_unseen(struct fs_ospf *o, struct fs_ospf_rt *r, uint8_t what,
		    int64_t now_us)
{
	if (r->unseen_told & (1u << what))
		return;
	r->unseen_told |= (uint8_t)(1u << what);
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_OSPF_UNSEEN;
	ev.ts_us = now_us;
	ev.u.unseen.router_id = r->rid;
	ev.u.unseen.vlan = r->vlan;
	ev.u.unseen.what = what;
	/* The span it fell in: the latest that overlaps the silence. */
	for (unsigned k = 1; o->gaps && k <= o->gaps->n; k++) {
		const struct fs_gap_span *g =
			&o->gaps->span[(o->gaps->pos + FS_GAP_KEEP - k) % FS_GAP_KEEP];
		if (g->start_us <= now_us) {
			ev.u.unseen.gap_start_us = g->start_us;
			break;
		}
	}
	fs_ospf_emit(o, &ev);
}

void fs_ospf_emit(struct fs_ospf *o, struct fs_event *ev)
{
	if (o->bus)
		fs_event_emit(o->bus, ev);
}

static void emit_router(struct fs_ospf *o, const struct fs_ospf_rt *r,
			int64_t ts)
{
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_OSPF_ROUTER;
	ev.ts_us = ts;
	struct fs_ev_ospf_router *e = &ev.u.router;
	e->router_id = r->rid;
	e->version = r->version;
	e->vlan = r->vlan;
	memcpy(e->mac, r->mac, 6);
	e->ip_version = r->ip_version;
	memcpy(e->ip, r->ip, 16);
	e->area = r->area;
	e->netmask = r->netmask;
	e->hello_interval_s = r->hello_s;
	e->dead_interval_s = r->dead_s;
	e->priority = r->prio;
	e->dr = r->dr;
	e->bdr = r->bdr;
	fs_ospf_emit(o, &ev);
}

static void router_dead(struct fs_ospf *o, struct fs_ospf_rt *r, int64_t now_us)
{
	int64_t from = fs_ospf_seen_from(o, r->last_hello_us, now_us);
	int64_t expiry = from + (int64_t)r->dead_s * FS_OSPF_USEC;
	r->alive = false;
	r->dead_since_us = expiry;
	fs_ospf_adj_router_gone(o, r, expiry, "dead interval expired");
}

/*
 * Past its dead interval as far as the capture could see: silence inside
 * a blind span may have held hellos, so it counts from the span's end;
 * a dead interval that ran out only thanks to the span is told unseen.
 */
static bool past_dead(struct fs_ospf *o, struct fs_ospf_rt *r, int64_t now_us)
{
	int64_t dead = (int64_t)r->dead_s * FS_OSPF_USEC;
	/* A zero dead interval (bogus Hello) never expires. */
	if (!r->hello_seen || !r->alive || !r->dead_s ||
	    now_us - r->last_hello_us <= dead)
		return false;
	if (!fs_ospf_seen_past(o, r->last_hello_us + dead))
		return false;
	int64_t from = fs_ospf_seen_from(o, r->last_hello_us, now_us);
	if (from == INT64_MAX || now_us - from <= dead) {
		fs_ospf_unseen(o, r, 1, now_us);
		return false;
	}
	return fs_ospf_seen_past(o, from + dead);
}

static void hello(struct fs_ospf *o, struct fs_ospf_rt *r,
		  const struct fs_ospf_msg *m, const struct fs_pkt *p)
{
	uint32_t old[FS_OSPF_HELLO_MAX_NBRS];
	uint32_t n_old = 0;
	bool first = !r->hello_seen;
	uint32_t iface = m->version == 3
				 ? m->interface_id
				 : (uint32_t)p->src_ip[0] << 24 |
					   (uint32_t)p->src_ip[1] << 16 |
					   (uint32_t)p->src_ip[2] << 8 | p->src_ip[3];

	/* A new area: the pairs of the old one are gone with it. */
	if (!first && r->area != m->area) {
		fs_ospf_adj_router_gone(o, r, p->ts_us, "hello moved to another area");
		n_old = 0;
	}
	r->area = m->area;
	r->netmask = m->netmask;
	r->options = m->options;
	r->iface_id = m->interface_id;
	r->hello_s = m->hello_interval;
	r->dead_s = m->dead_interval;
	r->prio = m->priority;
	r->dr = m->dr;
	r->bdr = m->bdr;
	/* This interface's old list goes to old[]; other links' stay. */
	uint32_t kept = 0;
	for (uint32_t i = 0; i < r->n_nbrs; i++) {
		if (r->nbr_if[i] == iface) {
			old[n_old++] = r->nbrs[i];
			continue;
		}
		r->nbrs[kept] = r->nbrs[i];
		r->nbr_if[kept] = r->nbr_if[i];
		r->nbr_seen_us[kept] = r->nbr_seen_us[i];
		kept++;
	}
	r->n_nbrs = kept;
	for (uint32_t i = 0; i < m->n_neighbors && i < FS_OSPF_HELLO_MAX_NBRS;
	     i++) {
		uint32_t id = m->neighbors[i];
		if (id == r->rid || id == 0)
			continue;
		uint32_t j = 0;
		while (j < r->n_nbrs && r->nbrs[j] != id)
			j++;
		if (j == r->n_nbrs) {
			if (r->n_nbrs == FS_OSPF_HELLO_MAX_NBRS)
				continue;
			r->nbrs[r->n_nbrs++] = id;
		}
		r->nbr_if[j] = iface;
		r->nbr_seen_us[j] = p->ts_us;
	}

	fs_ospf_timing_hello(o, r, p);
	r->last_hello_us = p->ts_us;
	r->hello_seen = true;
	r->alive = true;
	r->silent_reported = false;
	r->unseen_told = 0;
	if (first)
		emit_router(o, r, p->ts_us);

	/*
	 * Listed now or before, but silent past its dead interval and no tick
	 * yet: expire it first, so a neighbor dropped from this Hello is seen
	 * to die at its expiry, before the Hello that stopped listing it.
	 */
	for (uint32_t i = 0; i < r->n_nbrs + n_old; i++) {
		uint32_t id = i < r->n_nbrs ? r->nbrs[i] : old[i - r->n_nbrs];
		struct fs_ospf_rt *n = fs_ospf_rt_find(o, r->version, r->vlan, id);
		if (n && past_dead(o, n, p->ts_us))
			router_dead(o, n, p->ts_us);
	}
	fs_ospf_adj_hello(o, r, old, n_old, p->ts_us);

	for (uint32_t i = 0; i < r->n_nbrs; i++) {
		struct fs_ospf_rt *n =
			fs_ospf_rt_find(o, r->version, r->vlan, r->nbrs[i]);
		if (!n)
			continue;
		if (n->hello_seen && !n->alive)
			continue;
		n->listed_by = r->rid;
		fs_ospf_rt_confirm(o, n);
		if (fs_ospf_rt_lists(n, r->rid))
			fs_ospf_rt_confirm(o, r);
	}
}

/* Neighbors listed only on a link whose hellos stopped (router alive). */
static void expire_links(struct fs_ospf *o, struct fs_ospf_rt *r,
			 int64_t now_us)
{
	int64_t dead = (int64_t)r->dead_s * FS_OSPF_USEC;
	if (dead == 0)
		return;
	for (uint32_t i = 0; i < r->n_nbrs;) {
		int64_t from = now_us - r->nbr_seen_us[i] <= dead
				       ? r->nbr_seen_us[i]
				       : fs_ospf_seen_from(o, r->nbr_seen_us[i], now_us);
		if (from == INT64_MAX || now_us - from <= dead ||
		    !fs_ospf_seen_past(o, from + dead)) {
			i++;
			continue;
		}
		uint32_t id = r->nbrs[i];
		int64_t expiry = from + dead;
		r->n_nbrs--;
		r->nbrs[i] = r->nbrs[r->n_nbrs];
		r->nbr_if[i] = r->nbr_if[r->n_nbrs];
		r->nbr_seen_us[i] = r->nbr_seen_us[r->n_nbrs];
		fs_ospf_adj_unlisted(o, r, id, expiry, true);
	}
}

void fs_ospf_packet(struct fs_ospf *o, const struct fs_pkt *p,
		    const uint8_t *frame)
{
	if (!p->is_ospf || !frame)
		return;
	fs_ospf_parse_pkt(p, frame, o->msg);
	fs_ospf_message(o, p, o->msg);
}

void fs_ospf_message(struct fs_ospf *o, const struct fs_pkt *p,
		     const struct fs_ospf_msg *m)
{
	if (!p->is_ospf)
		return;
	if (p->ts_us > o->now_us)
		o->now_us = p->ts_us;
	if (p->ts_us > o->last_any_us)
		o->last_any_us = p->ts_us;
	o->st.packets++;
	if (p->vlan < FS_OSPF_VLANS)
		o->vlan_flags[p->vlan] |= FS_OSPF_VLAN_HAS_OSPF;

	/* Guards for a message not made by fs_ospf_parse(), which never
	 * passes one: by_type and the item arrays are indexed below. */
	enum fs_ospf_reason why = (enum fs_ospf_reason)m->reason;
	uint32_t cap = m->type == FS_OSPF_LSR ? FS_OSPF_MSG_LSRS
					      : FS_OSPF_MSG_LSAS;
	if (why == FS_OR_OK &&
	    (m->type < FS_OSPF_HELLO || m->type > FS_OSPF_LSACK))
		why = FS_OR_BAD_TYPE;
	if (why == FS_OR_OK &&
	    (m->n_items > cap || m->n_attached > FS_OSPF_MSG_ATTACHED))
		why = FS_OR_BAD_LENGTH;
	if (why != FS_OR_OK) {
		o->st.malformed++;
		o->st.malformed_by_reason[why < FS_OR_COUNT ? why
							    : FS_OR_SHORT]++;
		return;
	}
	o->st.by_type[m->type]++;

	bool created;
	struct fs_ospf_rt *r =
		fs_ospf_rt_get(o, m->version, p->vlan, m->router_id, &created);
	if (!r)
		return;
	if (created)
		r->first_seen_us = p->ts_us;
	r->last_pkt_us = p->ts_us;
	fs_ospf_rt_set_addr(o, r, p);
	/* No tick since its last hello: expire it before reading this one. */
	if (past_dead(o, r, p->ts_us))
		router_dead(o, r, p->ts_us);

	switch (m->type) {
	case FS_OSPF_HELLO:
		hello(o, r, m, p);
		break;
	case FS_OSPF_DBD:
		fs_ospf_adj_dbd(o, r, m, p);
		break;
	case FS_OSPF_LSR:
		fs_ospf_adj_lsr(o, r, m, p);
		break;
	case FS_OSPF_LSU:
		fs_ospf_churn_lsu(o, r, m, p);
		fs_ospf_adj_lsu(o, r, m, p);
		break;
	default:
		break;
	}
}

void fs_ospf_seen_esp(struct fs_ospf *o, const struct fs_pkt *p)
{
	if (p->ip_proto != 50 || p->ip_version == 0)
		return;
	uint8_t version = p->ip_version == 6 ? 3 : 2;
	struct fs_ospf_rt *r = fs_ospf_rt_find_ip(o, version, p->vlan,
						  p->src_ip);
	if (r && r->hello_seen && r->alive && p->ts_us > r->last_hello_us) {
		/* Alive but unreadable: restart its dead interval. */
		r->last_hello_us = p->ts_us;
		r->silent_reported = false;
		r->esp_seen++;
		/* Its lists cannot be read either: assume them unchanged. */
		for (uint32_t i = 0; i < r->n_nbrs; i++)
			r->nbr_seen_us[i] = p->ts_us;
	}
}

void fs_ospf_seen_until(struct fs_ospf *o, int64_t ts_us)
{
	if (ts_us > o->last_any_us)
		o->last_any_us = ts_us;
}

void fs_ospf_seen_vlan(struct fs_ospf *o, uint16_t vlan, int64_t ts_us)
{
	fs_ospf_seen_until(o, ts_us);
	if (vlan >= FS_OSPF_VLANS || o->cfg.absent_after_s == 0)
		return;
	uint8_t *fl = &o->vlan_flags[vlan];
	if (*fl & (FS_OSPF_VLAN_HAS_OSPF | FS_OSPF_VLAN_REPORTED))
		return;
	if (!(*fl & FS_OSPF_VLAN_SEEN)) {
		*fl |= FS_OSPF_VLAN_SEEN;
		o->vlan_first_us[vlan] = ts_us;
		return;
	}
	int64_t span = ts_us - o->vlan_first_us[vlan];
	if (span < (int64_t)o->cfg.absent_after_s * FS_OSPF_USEC)
		return;
	*fl |= FS_OSPF_VLAN_REPORTED;
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_OSPF_ABSENT;
	ev.ts_us = ts_us;
	ev.u.absent.vlan = vlan;
	ev.u.absent.seconds = (uint32_t)(span / FS_OSPF_USEC);
	fs_ospf_emit(o, &ev);
}

void fs_ospf_tick(struct fs_ospf *o, int64_t now_us)
{
	if (now_us > o->now_us)
		o->now_us = now_us;
	for (uint32_t i = 0; i < o->rt_hi; i++) {
		struct fs_ospf_rt *r = &o->rt[i];
		if (!r->used)
			continue;
		fs_ospf_churn_tick(r);
		if (past_dead(o, r, now_us)) {
			router_dead(o, r, now_us);
		} else {
			fs_ospf_timing_tick(o, r, now_us);
			expire_links(o, r, now_us);
		}
		if (!r->alive && now_us - r->last_pkt_us > FS_OSPF_FORGET_US)
			fs_ospf_rt_del(o, r);
	}
	/* Pairs whose partner we never saw list back, once that side died. */
	for (uint32_t i = 0; i < o->adj_hi; i++) {
		struct fs_ospf_adj *a = &o->adj[i];
		if (!a->used)
			continue;
		if (a->state == FS_OSPF_DOWN) {
			if (now_us - a->since_us > FS_OSPF_FORGET_US)
				fs_ospf_adj_del(o, a);
			continue;
		}
		for (int s = 0; s < 2; s++) {
			const struct fs_ospf_rt *r = fs_ospf_rt_find(
				o, a->version, a->vlan, a->id[s]);
			if (r && r->hello_seen && !r->alive) {
				a->lists[s] = false;
				fs_ospf_adj_set(o, a, FS_OSPF_DOWN,
						r->dead_since_us, r->rid,
						"dead interval expired");
				break;
			}
		}
	}
}

const char *fs_ospf_malformed_name(unsigned reason)
{
	return fs_ospf_reason_name((enum fs_ospf_reason)reason);
}

void fs_ospf_forget(struct fs_ospf *o)
{
	for (uint32_t i = 0; i < o->adj_hi; i++)
		if (o->adj[i].used)
			fs_ospf_adj_del(o, &o->adj[i]);
	for (uint32_t i = 0; i < o->rt_hi; i++)
		if (o->rt[i].used)
			fs_ospf_rt_del(o, &o->rt[i]);
	o->forgotten++;
}

void fs_ospf_stats(const struct fs_ospf *o, struct fs_ospf_stats *st)
{
	*st = o->st;
	st->unresolved_peer = o->unresolved_peer;
	st->routers_set_full = o->routers_set_full;
}
