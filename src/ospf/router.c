/*
 * Router table: routers keyed by (OSPF version, VLAN, router id), with a
 * second index from (version, VLAN, source IP) to the router last seen
 * sending from that address (to find the partner of a unicast DBD/LSR/LSU).
 */
#include "ospf_int.h"

#include <string.h>

/* (version, VLAN, router id) fits one word: the index compares it whole. */
static uint64_t rt_word(uint8_t version, uint16_t vlan, uint32_t rid)
{
	return (uint64_t)version << 48 | (uint64_t)vlan << 32 | rid;
}

/* (version, VLAN, source IP) does not: folded, and matched on the router. */
struct ip_key {
	const struct fs_ospf *o;
	uint8_t version;
	uint16_t vlan;
	const uint8_t *ip;
	struct fs_hword h;
};

static struct ip_key ip_key(const struct fs_ospf *o, uint8_t version,
			    uint16_t vlan, const uint8_t *ip)
{
	uint64_t w[3] = { (uint64_t)version << 16 | vlan, 0, 0 };
	memcpy(&w[1], ip, 8);
	memcpy(&w[2], ip + 8, 8);
	return (struct ip_key){ o, version, vlan, ip,
				fs_hkey_words(&o->hkey, w, 3) };
}

static bool ip_match(const void *ctx, uint32_t idx)
{
	const struct ip_key *k = ctx;
	const struct fs_ospf_rt *r = &k->o->rt[idx];
	return r->version == k->version && r->vlan == k->vlan &&
	       memcmp(r->ip, k->ip, 16) == 0;
}

struct fs_ospf_rt *fs_ospf_rt_find(const struct fs_ospf *o, uint8_t version,
				   uint16_t vlan, uint32_t rid)
{
	uint64_t w = rt_word(version, vlan, rid);
	uint32_t i = fs_hidx_find(&o->rt_ix, w, fs_hkey_hash(&o->hkey, w));
	return i == FS_HIDX_NONE ? NULL : &o->rt[i];
}

struct fs_ospf_rt *fs_ospf_rt_get(struct fs_ospf *o, uint8_t version,
				  uint16_t vlan, uint32_t rid, bool *created)
{
	*created = false;
	struct fs_ospf_rt *r = fs_ospf_rt_find(o, version, vlan, rid);
	if (r)
		return r;
	uint32_t idx = fs_hids_get(&o->rt_ids);
	if (idx == FS_HIDX_NONE) {
		o->st.dropped_table_full++;
		return NULL;
	}
	if (idx >= o->rt_hi)
		o->rt_hi = idx + 1;
	r = &o->rt[idx];
	memset(r, 0, sizeof(*r));
	r->used = true;
	r->version = version;
	r->vlan = vlan;
	r->rid = rid;
	uint64_t w = rt_word(version, vlan, rid);
	fs_hidx_insert(&o->rt_ix, w, fs_hkey_hash(&o->hkey, w), idx);
	*created = true;
	return r;
}

struct fs_ospf_rt *fs_ospf_rt_find_ip(const struct fs_ospf *o, uint8_t version,
				      uint16_t vlan, const uint8_t *ip)
{
	struct ip_key k = ip_key(o, version, vlan, ip);
	uint32_t i = fs_hidx_find_match(&o->ip_ix, k.h.word, k.h.hash, ip_match,
					&k);
	return i == FS_HIDX_NONE ? NULL : &o->rt[i];
}

static void ip_unindex(struct fs_ospf *o, struct fs_ospf_rt *r)
{
	if (!r->in_ip_index)
		return;
	struct ip_key k = ip_key(o, r->version, r->vlan, r->ip);
	fs_hidx_remove_val(&o->ip_ix, k.h.word, k.h.hash,
			   (uint32_t)(r - o->rt));
	r->in_ip_index = false;
}

void fs_ospf_rt_set_addr(struct fs_ospf *o, struct fs_ospf_rt *r,
			 const struct fs_pkt *p)
{
	if (p->has_mac) {
		r->has_mac = true;
		memcpy(r->mac, p->src_mac, 6);
	}
	if (r->in_ip_index && r->ip_version == p->ip_version &&
	    memcmp(r->ip, p->src_ip, 16) == 0)
		return;
	ip_unindex(o, r);
	r->ip_version = p->ip_version;
	memcpy(r->ip, p->src_ip, 16);
	/* A new router id behind the same address takes the address over. */
	struct fs_ospf_rt *prev = fs_ospf_rt_find_ip(o, r->version, r->vlan,
						     r->ip);
	if (prev)
		ip_unindex(o, prev);
	struct ip_key k = ip_key(o, r->version, r->vlan, r->ip);
	fs_hidx_insert(&o->ip_ix, k.h.word, k.h.hash, (uint32_t)(r - o->rt));
	r->in_ip_index = true;
}

void fs_ospf_rt_del(struct fs_ospf *o, struct fs_ospf_rt *r)
{
	uint32_t idx = (uint32_t)(r - o->rt);
	ip_unindex(o, r);
	uint64_t w = rt_word(r->version, r->vlan, r->rid);
	fs_hidx_remove(&o->rt_ix, w, fs_hkey_hash(&o->hkey, w));
	r->used = false;
	fs_hids_put(&o->rt_ids, idx);
}

int fs_ospf_rt_check(const struct fs_ospf *o)
{
	uint32_t used = 0, in_ip = 0;
	for (uint32_t i = 0; i < o->cfg.max_routers; i++) {
		const struct fs_ospf_rt *r = &o->rt[i];
		if (!r->used)
			continue;
		used++;
		if (fs_ospf_rt_find(o, r->version, r->vlan, r->rid) != r)
			return -1;
		if (!r->in_ip_index)
			continue;
		in_ip++;
		if (fs_ospf_rt_find_ip(o, r->version, r->vlan, r->ip) != r)
			return -1;
	}
	return used == o->rt_ix.n && in_ip == o->ip_ix.n &&
	       used + o->rt_ids.n == o->cfg.max_routers &&
	       fs_hidx_check(&o->rt_ix) == 0 && fs_hidx_check(&o->ip_ix) == 0
		       ? 0 : -1;
}

/* Listed by another router: a real router, so traffic to it is router-bound. */
void fs_ospf_rt_confirm(struct fs_ospf *o, struct fs_ospf_rt *r)
{
	if (r->confirmed || !r->hello_seen)
		return;
	r->confirmed = true;
	if (!o->routers)
		return;
	if (r->has_mac && fs_routers_add_evidence(o->routers, r->mac, FS_RTR_OSPF,
						  r->vlan, o->now_us) < 0)
		o->routers_set_full++;
	if (r->ip_version && fs_routers_add_ip(o->routers, r->ip_version,
					       r->ip) < 0)
		o->routers_set_full++;
}

bool fs_ospf_rt_lists(const struct fs_ospf_rt *r, uint32_t id)
{
	for (uint32_t i = 0; i < r->n_nbrs; i++)
		if (r->nbrs[i] == id)
			return true;
	return false;
}

bool fs_ospf_rt_is(const struct fs_ospf_rt *r, uint32_t dr_field)
{
	if (dr_field == 0)
		return false;
	if (r->version == 3)
		return r->rid == dr_field;
	uint32_t ip = (uint32_t)r->ip[0] << 24 | (uint32_t)r->ip[1] << 16 |
		      (uint32_t)r->ip[2] << 8 | r->ip[3];
	return r->ip_version == 4 && ip == dr_field;
}
