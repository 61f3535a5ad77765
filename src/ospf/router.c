/*
 * Router table: routers keyed by (OSPF version, VLAN, router id), with a
 * second index from (version, VLAN, source IP) to the router last seen
 * sending from that address (to find the partner of a unicast DBD/LSR/LSU).
 */
#include "ospf_int.h"

#include <string.h>

struct rt_key {
	uint8_t version;
	uint16_t vlan;
	uint32_t rid;
};

struct ip_key {
	uint8_t version;
	uint16_t vlan;
	const uint8_t *ip;
};

static uint32_t rt_hash(const struct fs_ospf *o, uint8_t version,
			uint16_t vlan, uint32_t rid)
{
	uint64_t w = (uint64_t)version << 48 | (uint64_t)vlan << 32 | rid;
	return fs_ospf_hash(o->seed, &w, 1);
}

static uint32_t ip_hash(const struct fs_ospf *o, uint8_t version,
			uint16_t vlan, const uint8_t *ip)
{
	uint64_t w[3] = { (uint64_t)version << 16 | vlan, 0, 0 };
	memcpy(&w[1], ip, 8);
	memcpy(&w[2], ip + 8, 8);
	return fs_ospf_hash(o->seed ^ 0x9e3779b97f4a7c15ULL, w, 3);
}

static bool rt_match(const struct fs_ospf *o, uint32_t idx, const void *key)
{
	const struct rt_key *k = key;
	const struct fs_ospf_rt *r = &o->rt[idx];
	return r->version == k->version && r->vlan == k->vlan &&
	       r->rid == k->rid;
}

static bool ip_match(const struct fs_ospf *o, uint32_t idx, const void *key)
{
	const struct ip_key *k = key;
	const struct fs_ospf_rt *r = &o->rt[idx];
	return r->version == k->version && r->vlan == k->vlan &&
	       memcmp(r->ip, k->ip, 16) == 0;
}

struct fs_ospf_rt *fs_ospf_rt_find(const struct fs_ospf *o, uint8_t version,
				   uint16_t vlan, uint32_t rid)
{
	struct rt_key k = { version, vlan, rid };
	int64_t i = fs_ospf_index_find(&o->rt_ix, o,
				       rt_hash(o, version, vlan, rid),
				       rt_match, &k);
	return i < 0 ? NULL : &o->rt[i];
}

struct fs_ospf_rt *fs_ospf_rt_get(struct fs_ospf *o, uint8_t version,
				  uint16_t vlan, uint32_t rid, bool *created)
{
	*created = false;
	struct fs_ospf_rt *r = fs_ospf_rt_find(o, version, vlan, rid);
	if (r)
		return r;
	if (o->n_rt_free == 0) {
		o->st.dropped_table_full++;
		return NULL;
	}
	uint32_t idx = o->rt_free[--o->n_rt_free];
	if (idx >= o->rt_hi)
		o->rt_hi = idx + 1;
	r = &o->rt[idx];
	memset(r, 0, sizeof(*r));
	r->used = true;
	r->version = version;
	r->vlan = vlan;
	r->rid = rid;
	fs_ospf_index_add(&o->rt_ix, rt_hash(o, version, vlan, rid), idx);
	*created = true;
	return r;
}

struct fs_ospf_rt *fs_ospf_rt_find_ip(const struct fs_ospf *o, uint8_t version,
				      uint16_t vlan, const uint8_t *ip)
{
	struct ip_key k = { version, vlan, ip };
	int64_t i = fs_ospf_index_find(&o->ip_ix, o,
				       ip_hash(o, version, vlan, ip),
				       ip_match, &k);
	return i < 0 ? NULL : &o->rt[i];
}

static void ip_unindex(struct fs_ospf *o, struct fs_ospf_rt *r)
{
	if (!r->in_ip_index)
		return;
	fs_ospf_index_del(&o->ip_ix, ip_hash(o, r->version, r->vlan, r->ip),
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
	fs_ospf_index_add(&o->ip_ix, ip_hash(o, r->version, r->vlan, r->ip),
			  (uint32_t)(r - o->rt));
	r->in_ip_index = true;
}

void fs_ospf_rt_del(struct fs_ospf *o, struct fs_ospf_rt *r)
{
	uint32_t idx = (uint32_t)(r - o->rt);
	ip_unindex(o, r);
	fs_ospf_index_del(&o->rt_ix, rt_hash(o, r->version, r->vlan, r->rid),
			  idx);
	r->used = false;
	o->rt_free[o->n_rt_free++] = idx;
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
