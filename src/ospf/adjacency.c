/*
 * Adjacency per unordered router pair per (version, VLAN, area), inferred
 * from the wire as RFC 2328 s10.3 would move it on either router:
 *   Init      one side's Hello lists the other
 *   2-Way     both do
 *   ExStart   DBD with I/M/MS (a repeated initial DBD is not progress)
 *   Exchange  DBD without I
 *   Loading   an LSR
 *   Full      the slave answered the master's last DBD (M clear) and every
 *             requested LSA came back in an LSU; or the DR's own
 *             network-LSA lists the partner of a pair seen only at 2-Way
 *   Down      dead interval passed, Hello stopped listing, (ExStart again
 *             when a DBD exchange restarts from a later state)
 * A passive observer sees DBDs whatever the DR election says, so the wire
 * decides how far a pair goes; DR/BDR only label the table.
 */
#include "ospf_int.h"

#include <string.h>

static void sum_release(struct fs_ospf *o, struct fs_ospf_adj *a);

/* The unordered pair as (lo, hi); folded, and matched on the adjacency. */
struct adj_key {
	const struct fs_ospf *o;
	uint8_t version;
	uint16_t vlan;
	uint32_t area, lo, hi;
	struct fs_hword h;
};

static struct adj_key make_key(const struct fs_ospf *o, uint8_t version,
			       uint16_t vlan, uint32_t area, uint32_t x,
			       uint32_t y)
{
	uint32_t lo = x < y ? x : y, hi = x < y ? y : x;
	uint64_t w[2] = {
		(uint64_t)version << 48 | (uint64_t)vlan << 32 | area,
		(uint64_t)lo << 32 | hi,
	};
	return (struct adj_key){ o, version, vlan, area, lo, hi,
				 fs_hkey_words(&o->hkey, w, 2) };
}

static bool adj_match(const void *ctx, uint32_t idx)
{
	const struct adj_key *k = ctx;
	const struct fs_ospf_adj *a = &k->o->adj[idx];
	return a->version == k->version && a->vlan == k->vlan &&
	       a->area == k->area && a->id[0] == k->lo && a->id[1] == k->hi;
}

struct fs_ospf_adj *fs_ospf_adj_find(const struct fs_ospf *o,
				     uint8_t version, uint16_t vlan,
				     uint32_t area, uint32_t x, uint32_t y)
{
	struct adj_key k = make_key(o, version, vlan, area, x, y);
	uint32_t i = fs_hidx_find_match(&o->adj_ix, k.h.word, k.h.hash,
					adj_match, &k);
	return i == FS_HIDX_NONE ? NULL : &o->adj[i];
}

static struct fs_ospf_adj *adj_get(struct fs_ospf *o, uint8_t version,
				   uint16_t vlan, uint32_t area, uint32_t x,
				   uint32_t y, int64_t ts)
{
	if (x == y || x == 0 || y == 0)
		return NULL;
	struct fs_ospf_adj *a = fs_ospf_adj_find(o, version, vlan, area, x, y);
	if (a)
		return a;
	uint32_t idx = fs_hids_get(&o->adj_ids);
	if (idx == FS_HIDX_NONE) {
		o->st.dropped_table_full++;
		return NULL;
	}
	struct adj_key k = make_key(o, version, vlan, area, x, y);
	if (idx >= o->adj_hi)
		o->adj_hi = idx + 1;
	a = &o->adj[idx];
	memset(a, 0, sizeof(*a));
	a->used = true;
	a->version = version;
	a->vlan = vlan;
	a->area = area;
	a->id[0] = k.lo;
	a->id[1] = k.hi;
	a->state = FS_OSPF_DOWN;
	a->since_us = ts;
	fs_hidx_insert(&o->adj_ix, k.h.word, k.h.hash, idx);
	return a;
}

void fs_ospf_adj_del(struct fs_ospf *o, struct fs_ospf_adj *a)
{
	struct adj_key k = make_key(o, a->version, a->vlan, a->area, a->id[0],
				    a->id[1]);
	uint32_t idx = (uint32_t)(a - o->adj);
	sum_release(o, a);
	fs_hidx_remove_val(&o->adj_ix, k.h.word, k.h.hash, idx);
	a->used = false;
	fs_hids_put(&o->adj_ids, idx);
}

int fs_ospf_adj_check(const struct fs_ospf *o)
{
	uint32_t used = 0;
	for (uint32_t i = 0; i < o->cfg.max_neighbors; i++) {
		const struct fs_ospf_adj *a = &o->adj[i];
		if (!a->used)
			continue;
		used++;
		if (fs_ospf_adj_find(o, a->version, a->vlan, a->area, a->id[0],
				     a->id[1]) != a)
			return -1;
	}
	return used == o->adj_ix.n &&
	       used + o->adj_ids.n == o->cfg.max_neighbors &&
	       fs_hidx_check(&o->adj_ix) == 0 ? 0 : -1;
}

static int side_of(const struct fs_ospf_adj *a, uint32_t rid)
{
	return a->id[1] == rid;
}

static struct fs_ospf_sum *sum_get(struct fs_ospf *o, struct fs_ospf_adj *a)
{
	if (a->sum)
		return &o->sums[a->sum - 1];
	for (uint32_t i = 0; i < FS_OSPF_SUM_SLOTS; i++) {
		struct fs_ospf_sum *u = &o->sums[i];
		if (u->used)
			continue;
		memset(u, 0, sizeof(*u));
		u->used = true;
		a->sum = i + 1;
		return u;
	}
	o->sum_pool_empty++;
	return NULL;
}

static void sum_release(struct fs_ospf *o, struct fs_ospf_adj *a)
{
	if (a->sum)
		o->sums[a->sum - 1].used = false;
	a->sum = 0;
}

static uint64_t lsa_key(uint32_t type, uint32_t id, uint32_t adv)
{
	return (uint64_t)(type & 0xffff) << 48 ^ (uint64_t)id << 16 ^
	       (uint64_t)adv * 0x9e3779b97f4a7c15ULL;
}

static int sum_find(const struct fs_ospf_sum *u, int s, uint64_t k)
{
	for (uint32_t i = 0; i < u->n[s]; i++)
		if (u->key[s][i] == k)
			return (int)i;
	return -1;
}

static void reset_exchange(struct fs_ospf *o, struct fs_ospf_adj *a)
{
	sum_release(o, a);
	memset(a->init_seen, 0, sizeof(a->init_seen));
	memset(a->init_seq, 0, sizeof(a->init_seq));
	a->master_done = false;
	a->master_done_seq = 0;
	memset(a->m_clear, 0, sizeof(a->m_clear));
	a->exchange_done = false;
	a->requested = false;
	memset(a->n_pend, 0, sizeof(a->n_pend));
	memset(a->pend_overflow, 0, sizeof(a->pend_overflow));
}

void fs_ospf_adj_set(struct fs_ospf *o, struct fs_ospf_adj *a,
		     enum fs_ospf_state to, int64_t ts, uint32_t actor,
		     const char *reason)
{
	if (a->state == to)
		return;
	struct fs_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_OSPF_ADJACENCY;
	ev.ts_us = ts;
	ev.u.adj.router_id = actor;
	ev.u.adj.neighbor_id = a->id[0] == actor ? a->id[1] : a->id[0];
	ev.u.adj.vlan = a->vlan;
	ev.u.adj.area = a->area;
	ev.u.adj.from = (uint8_t)a->state;
	ev.u.adj.to = (uint8_t)to;
	snprintf(ev.u.adj.reason, sizeof(ev.u.adj.reason), "%s", reason);
	if (to <= FS_OSPF_EXSTART)
		reset_exchange(o, a);
	else if (to == FS_OSPF_FULL)
		sum_release(o, a);
	a->state = to;
	a->since_us = ts;
	fs_ospf_emit(o, &ev);
}

static bool rt_dead(const struct fs_ospf *o, uint8_t version, uint16_t vlan,
		    uint32_t rid)
{
	const struct fs_ospf_rt *r = fs_ospf_rt_find(o, version, vlan, rid);
	return r && r->hello_seen && !r->alive;
}

void fs_ospf_adj_hello(struct fs_ospf *o, struct fs_ospf_rt *r,
		       const uint32_t *old_nbrs, uint32_t n_old, int64_t ts)
{
	for (uint32_t i = 0; i < r->n_nbrs; i++) {
		struct fs_ospf_adj *a = adj_get(o, r->version, r->vlan,
						r->area, r->rid, r->nbrs[i],
						ts);
		if (!a)
			continue;
		int s = side_of(a, r->rid);
		a->lists[s] = true;
		if (a->lists[!s]) {
			if (a->state < FS_OSPF_2WAY)
				fs_ospf_adj_set(o, a, FS_OSPF_2WAY, ts, r->rid,
						"hellos list each other");
		} else if (a->state == FS_OSPF_DOWN &&
			   !rt_dead(o, r->version, r->vlan, r->nbrs[i])) {
			fs_ospf_adj_set(o, a, FS_OSPF_INIT, ts, r->rid,
					"hello lists neighbor");
		}
	}
	for (uint32_t i = 0; i < n_old; i++)
		if (!fs_ospf_rt_lists(r, old_nbrs[i]))
			fs_ospf_adj_unlisted(o, r, old_nbrs[i], ts, false);
}

void fs_ospf_adj_unlisted(struct fs_ospf *o, struct fs_ospf_rt *r,
			  uint32_t id, int64_t ts, bool dead)
{
	struct fs_ospf_adj *a =
		fs_ospf_adj_find(o, r->version, r->vlan, r->area, r->rid, id);
	if (!a)
		return;
	int s = side_of(a, r->rid);
	a->lists[s] = false;
	if (a->state == FS_OSPF_DOWN)
		return;
	if (dead)
		fs_ospf_adj_set(o, a, FS_OSPF_DOWN, ts, r->rid,
				"dead interval expired");
	else
		fs_ospf_adj_set(o, a,
				a->lists[!s] ? FS_OSPF_INIT : FS_OSPF_DOWN, ts,
				r->rid, "hello no longer lists neighbor");
}

void fs_ospf_adj_router_gone(struct fs_ospf *o, struct fs_ospf_rt *r,
			     int64_t ts, const char *reason)
{
	for (uint32_t i = 0; i < r->n_nbrs; i++) {
		struct fs_ospf_adj *a = fs_ospf_adj_find(
			o, r->version, r->vlan, r->area, r->rid, r->nbrs[i]);
		if (!a)
			continue;
		a->lists[side_of(a, r->rid)] = false;
		fs_ospf_adj_set(o, a, FS_OSPF_DOWN, ts, r->rid, reason);
	}
	/* Its list is stale now; a returning router starts from scratch. */
	r->n_nbrs = 0;
}

bool fs_ospf_adj_should_be_full(const struct fs_ospf *o,
				const struct fs_ospf_adj *a)
{
	const struct fs_ospf_rt *r[2];
	uint32_t dr = 0, bdr = 0;
	for (int s = 0; s < 2; s++) {
		r[s] = fs_ospf_rt_find(o, a->version, a->vlan, a->id[s]);
		if (r[s] && r[s]->hello_seen && r[s]->dr) {
			dr = r[s]->dr;
			bdr = r[s]->bdr;
		}
	}
	if (dr == 0)
		return true;	/* point-to-point, p2mp, or no election yet */
	for (int s = 0; s < 2; s++)
		if (!r[s] || fs_ospf_rt_is(r[s], dr) || fs_ospf_rt_is(r[s], bdr))
			return true;
	return false;
}

static bool is_unicast(const struct fs_pkt *p)
{
	if (p->ip_version == 4)
		return p->dst_ip[0] < 224 || p->dst_ip[0] >= 240;
	return p->dst_ip[0] != 0xff;
}

/*
 * The other end of a DBD/LSR/LSU: the router behind a unicast destination,
 * else the sender's only neighbor, else its only pair mid-exchange, else
 * the router that last listed it (p2p links send all of it to 224.0.0.5).
 */
static uint32_t resolve_peer(struct fs_ospf *o, const struct fs_ospf_rt *r,
			     const struct fs_pkt *p)
{
	if (is_unicast(p)) {
		const struct fs_ospf_rt *n =
			fs_ospf_rt_find_ip(o, r->version, r->vlan, p->dst_ip);
		if (n && n != r)
			return n->rid;
	}
	if (r->n_nbrs == 1)
		return r->nbrs[0];
	uint32_t found = 0;
	unsigned n_found = 0;
	for (uint32_t i = 0; i < r->n_nbrs; i++) {
		const struct fs_ospf_adj *a = fs_ospf_adj_find(
			o, r->version, r->vlan, r->area, r->rid, r->nbrs[i]);
		if (a && a->state >= FS_OSPF_EXSTART &&
		    a->state <= FS_OSPF_LOADING) {
			found = r->nbrs[i];
			n_found++;
		}
	}
	if (n_found == 1)
		return found;
	if (r->n_nbrs == 0 && r->listed_by)
		return r->listed_by;
	o->unresolved_peer++;
	return 0;
}

static void add_pending(struct fs_ospf_adj *a, int s, uint64_t k)
{
	for (uint32_t i = 0; i < a->n_pend[s]; i++)
		if (a->pend[s][i] == k)
			return;
	if (a->n_pend[s] < FS_OSPF_PENDING)
		a->pend[s][a->n_pend[s]++] = k;
	else
		a->pend_overflow[s] = true;
}

/* Remembers the LSA headers a DBD from side s describes. */
static void sum_dbd(struct fs_ospf *o, struct fs_ospf_adj *a, int s,
		    const struct fs_ospf_msg *m)
{
	if (m->n_items == 0)
		return;
	struct fs_ospf_sum *u = sum_get(o, a);
	if (!u)
		return;
	for (uint32_t n = 0; n < m->n_items; n++) {
		const struct fs_ospf_lsa_hdr *h = &m->lsas[n];
		uint64_t k = lsa_key(h->type, h->ls_id, h->adv_router);
		int i = sum_find(u, s, k);
		if (i >= 0) {
			u->seq[s][i] = h->seq;
		} else if (u->n[s] < FS_OSPF_SUM_LSAS) {
			u->key[s][u->n[s]] = k;
			u->seq[s][u->n[s]] = h->seq;
			u->delivered[s][u->n[s]] = false;
			u->n[s]++;
		} else {
			u->overflow[s] = true;
		}
	}
}

/* Exchange done: each side needs what the other listed newer or alone. */
static void infer_requests(struct fs_ospf *o, struct fs_ospf_adj *a)
{
	if (!a->sum)
		return;
	const struct fs_ospf_sum *u = &o->sums[a->sum - 1];
	if (u->overflow[0] || u->overflow[1]) {
		sum_release(o, a);
		return;
	}
	for (int x = 0; x < 2; x++) {
		int y = !x;
		for (uint32_t i = 0; i < u->n[y]; i++) {
			if (u->delivered[y][i])
				continue;
			int j = sum_find(u, x, u->key[y][i]);
			if (j < 0 || (int32_t)(u->seq[y][i] - u->seq[x][j]) > 0)
				add_pending(a, x, u->key[y][i]);
		}
	}
	sum_release(o, a);
}

static void check_full(struct fs_ospf *o, struct fs_ospf_adj *a, int64_t ts,
		       uint32_t actor)
{
	if (!a->exchange_done)
		return;
	bool pending = a->n_pend[0] || a->n_pend[1] || a->pend_overflow[0] ||
		       a->pend_overflow[1];
	if (pending) {
		if (a->state == FS_OSPF_EXCHANGE)
			fs_ospf_adj_set(o, a, FS_OSPF_LOADING, ts, actor,
					"exchange done, requests outstanding");
		return;
	}
	fs_ospf_adj_set(o, a, FS_OSPF_FULL, ts, actor,
			a->requested ? "requested LSAs received"
				     : "exchange done, nothing requested");
}

static void add_partner(struct fs_ospf_rt *r, uint32_t id)
{
	if (!r)
		return;
	for (unsigned i = 0; i < FS_OSPF_PARTNERS; i++)
		if (r->partners[i] == id)
			return;
	r->partners[r->partner_pos] = id;
	r->partner_pos = (r->partner_pos + 1) % FS_OSPF_PARTNERS;
}

void fs_ospf_adj_dbd(struct fs_ospf *o, struct fs_ospf_rt *r,
		     const struct fs_ospf_msg *m, const struct fs_pkt *p)
{
	uint32_t peer = resolve_peer(o, r, p);
	struct fs_ospf_adj *a = adj_get(o, r->version, r->vlan, m->area,
					r->rid, peer, p->ts_us);
	if (!a)
		return;
	int s = side_of(a, r->rid);
	int64_t ts = p->ts_us;
	add_partner(r, peer);
	add_partner(fs_ospf_rt_find(o, r->version, r->vlan, peer), r->rid);

	if (m->dbd_flags & FS_OSPF_DBD_I) {
		if (a->state >= FS_OSPF_EXCHANGE)
			fs_ospf_adj_set(o, a, FS_OSPF_EXSTART, ts, r->rid,
					"DBD exchange restarted (I-bit)");
		else if (a->state < FS_OSPF_EXSTART)
			fs_ospf_adj_set(o, a, FS_OSPF_EXSTART, ts, r->rid,
					"initial DBD (I/M/MS)");
		a->init_seen[s] = true;
		a->init_seq[s] = m->dd_seq;
		sum_dbd(o, a, s, m);
		return;
	}
	if (a->state == FS_OSPF_FULL)
		return;		/* the slave's last echo, repeated */
	if (a->state < FS_OSPF_EXCHANGE)
		fs_ospf_adj_set(o, a, FS_OSPF_EXCHANGE, ts, r->rid,
				"DBD without I-bit");
	sum_dbd(o, a, s, m);
	bool more = m->dbd_flags & FS_OSPF_DBD_M;
	a->m_clear[s] = !more;
	if (m->dbd_flags & FS_OSPF_DBD_MS) {
		if (!more) {
			a->master_done = true;
			a->master_done_seq = m->dd_seq;
		}
	} else if (!more && a->master_done) {
		/* RFC 2328 10.8: the slave echoes the master's last DBD. */
		a->exchange_done = true;
		infer_requests(o, a);
	}
	check_full(o, a, ts, r->rid);
}

void fs_ospf_adj_lsr(struct fs_ospf *o, struct fs_ospf_rt *r,
		     const struct fs_ospf_msg *m, const struct fs_pkt *p)
{
	uint32_t peer = resolve_peer(o, r, p);
	struct fs_ospf_adj *a = adj_get(o, r->version, r->vlan, m->area,
					r->rid, peer, p->ts_us);
	if (!a || a->state == FS_OSPF_FULL)
		return;
	int s = side_of(a, r->rid);
	for (uint32_t i = 0; i < m->n_items; i++) {
		const struct fs_ospf_lsr_entry *e = &m->lsrs[i];
		add_pending(a, s, lsa_key(e->type, e->ls_id, e->adv_router));
	}
	a->requested = true;
	if (a->state < FS_OSPF_LOADING)
		fs_ospf_adj_set(o, a, FS_OSPF_LOADING, p->ts_us, r->rid,
				"LS request");
}

/* LSAs from r answer what the other side of a asked r for. */
static void answer(struct fs_ospf *o, struct fs_ospf_adj *a,
		   const struct fs_ospf_rt *r, const struct fs_ospf_msg *m,
		   int64_t ts)
{
	int asker = !side_of(a, r->rid);
	struct fs_ospf_sum *u = a->sum ? &o->sums[a->sum - 1] : NULL;
	if (a->n_pend[asker] == 0 && !a->pend_overflow[asker] && !u)
		return;
	for (uint32_t n = 0; n < m->n_items; n++) {
		const struct fs_ospf_lsa_hdr *h = &m->lsas[n];
		uint64_t k = lsa_key(h->type, h->ls_id, h->adv_router);
		int d = u ? sum_find(u, !asker, k) : -1;
		if (d >= 0)
			u->delivered[!asker][d] = true;
		for (uint32_t i = 0; i < a->n_pend[asker]; i++) {
			if (a->pend[asker][i] != k)
				continue;
			a->pend[asker][i] = a->pend[asker][--a->n_pend[asker]];
			break;
		}
	}
	/* Requests beyond what we keep: assume the answer covered them. */
	if (a->n_pend[asker] == 0)
		a->pend_overflow[asker] = false;
	check_full(o, a, ts, r->rid);
}

/* The DR's own network-LSA names the routers Full with it (RFC 2328 12.4.2). */
static void network_lsa(struct fs_ospf *o, struct fs_ospf_rt *r,
			const struct fs_ospf_msg *m,
			const struct fs_ospf_lsa_hdr *h, int64_t ts)
{
	if (h->adv_router != r->rid || h->age >= 3600)
		return;
	if (r->net_lsa_seen && (int32_t)(h->seq - r->net_lsa_seq) < 0)
		return;		/* an older instance, arrived late */
	r->net_lsa_seen = true;
	r->net_lsa_seq = h->seq;
	for (uint32_t i = 0; i < h->n_attached; i++) {
		uint32_t at = (uint32_t)h->attached_first + i;
		if (at >= m->n_attached)
			break;
		uint32_t id = m->attached[at];
		if (id == r->rid)
			continue;
		struct fs_ospf_adj *a = fs_ospf_adj_find(o, r->version, r->vlan,
							 m->area, r->rid, id);
		if (!a)
			continue;
		bool unseen = a->state == FS_OSPF_2WAY;
		bool waiting = a->state >= FS_OSPF_EXCHANGE &&
			       a->state < FS_OSPF_FULL && a->exchange_done;
		if (unseen || waiting)
			fs_ospf_adj_set(o, a, FS_OSPF_FULL, ts, r->rid,
					"DR network-LSA lists neighbor");
	}
}

void fs_ospf_adj_lsu(struct fs_ospf *o, struct fs_ospf_rt *r,
		     const struct fs_ospf_msg *m, const struct fs_pkt *p)
{
	if (is_unicast(p)) {
		const struct fs_ospf_rt *n =
			fs_ospf_rt_find_ip(o, r->version, r->vlan, p->dst_ip);
		struct fs_ospf_adj *a =
			n ? fs_ospf_adj_find(o, r->version, r->vlan, m->area,
					     r->rid, n->rid)
			  : NULL;
		if (a)
			answer(o, a, r, m, p->ts_us);
	} else {
		for (uint32_t i = 0; i < r->n_nbrs; i++) {
			struct fs_ospf_adj *a = fs_ospf_adj_find(
				o, r->version, r->vlan, m->area, r->rid,
				r->nbrs[i]);
			if (a)
				answer(o, a, r, m, p->ts_us);
		}
		for (unsigned i = 0; i < FS_OSPF_PARTNERS; i++) {
			if (!r->partners[i] ||
			    fs_ospf_rt_lists(r, r->partners[i]))
				continue;
			struct fs_ospf_adj *a = fs_ospf_adj_find(
				o, r->version, r->vlan, m->area, r->rid,
				r->partners[i]);
			if (a)
				answer(o, a, r, m, p->ts_us);
		}
	}
	for (uint32_t i = 0; i < m->n_items; i++)
		if (fs_ospf_is_network_lsa(r->version, m->lsas[i].type))
			network_lsa(o, r, m, &m->lsas[i], p->ts_us);
}
