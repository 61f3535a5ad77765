/*
 * LSA churn per router: LSUs and LSAs sent, LSUs in the last closed second,
 * and retransmissions (the same instance, type/id/adv/seq, sent again by
 * the same router to the same destination: an NBMA hub sending one LSU per
 * neighbor is flooding, not retransmitting), kept in a small ring.
 */
#include "ospf_int.h"

#include <string.h>

/* The instance sent to dst, as a keyed 64-bit fingerprint. */
static uint64_t instance_key(const struct fs_ospf *o,
			     const struct fs_ospf_lsa_hdr *h,
			     const uint8_t dst[16])
{
	uint64_t w[4] = { (uint64_t)h->type << 32 | h->ls_id,
			  (uint64_t)h->adv_router << 32 | h->seq };
	memcpy(&w[2], dst, 16);
	return fs_hkey_fold(&o->hkey, w, 4);
}

void fs_ospf_churn_lsu(struct fs_ospf *o, struct fs_ospf_rt *r,
		       const struct fs_ospf_msg *m, const struct fs_pkt *p)
{
	r->lsus++;
	r->lsus_cur++;
	for (uint32_t n = 0; n < m->n_items; n++) {
		r->lsas++;
		o->st.lsas++;
		uint64_t k = instance_key(o, &m->lsas[n], p->dst_ip);
		bool seen = false;
		for (uint32_t i = 0; i < r->lsa_ring_n; i++)
			seen |= r->lsa_ring[i] == k;
		if (seen) {
			r->retransmits++;
			continue;
		}
		r->lsa_ring[r->lsa_ring_pos] = k;
		r->lsa_ring_pos = (r->lsa_ring_pos + 1) % FS_OSPF_LSA_RING;
		if (r->lsa_ring_n < FS_OSPF_LSA_RING)
			r->lsa_ring_n++;
	}
}

void fs_ospf_churn_tick(struct fs_ospf_rt *r)
{
	r->lsus_last_second = r->lsus_cur;
	r->lsus_cur = 0;
}
