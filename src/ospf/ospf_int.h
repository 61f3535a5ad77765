/* Tracker internals shared by the files of src/ospf (not a public API). */
#ifndef FLOODSPOT_OSPF_INT_H
#define FLOODSPOT_OSPF_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "floodspot/hash.h"
#include "floodspot/gap.h"
#include "floodspot/ospf.h"
#include "floodspot/ospf_msg.h"

_Static_assert(FS_OR_COUNT <= FS_OSPF_MALFORMED_REASONS,
	       "fs_ospf_stats.malformed_by_reason holds every reason");
_Static_assert(FS_OSPF_LSACK < FS_OSPF_TYPES,
	       "fs_ospf_stats.by_type holds every packet type");

#define FS_OSPF_USEC 1000000LL
#define FS_OSPF_DESTS 8		/* unicast (NBMA) hello destinations timed */
#define FS_OSPF_LSA_RING 32	/* recent LSA instances, for retransmits */
#define FS_OSPF_PENDING 64	/* requested LSAs remembered per direction */
#define FS_OSPF_VLANS 4096
#define FS_OSPF_PARTNERS 8
/* Same hello seen again within this: a mirrored copy (timing.c). */
#define FS_OSPF_DUP_US 20000
/* DBD summaries kept while a pair is mid-exchange (a shared pool). */
#define FS_OSPF_SUM_SLOTS 64
#define FS_OSPF_SUM_LSAS 128
/* Dead routers and down pairs are forgotten after this long (tick). */
#define FS_OSPF_FORGET_US (600 * FS_OSPF_USEC)

/* Last hello per destination: a hub's unicast hellos are timed apart. */
struct fs_ospf_dest {
	uint8_t ip[16];
	int64_t last_us;
};

struct fs_ospf_rt {
	bool used;
	uint8_t version;
	uint16_t vlan;
	uint32_t rid;

	bool has_mac;
	uint8_t mac[6];
	uint8_t ip_version;
	uint8_t ip[16];
	bool in_ip_index;

	uint32_t area, netmask, options, iface_id;
	uint32_t hello_s, dead_s;
	uint8_t prio;
	uint32_t dr, bdr;
	/*
	 * Neighbors listed, each with the interface whose Hello listed it
	 * (v3 interface id, v2 source address): a router seen on several
	 * links of one VLAN (untagged SPAN of several ports, p2p subnets)
	 * lists different neighbors on each, which is not a drop.
	 */
	uint32_t n_nbrs;	/* stored, <= FS_OSPF_HELLO_MAX_NBRS */
	uint32_t nbrs[FS_OSPF_HELLO_MAX_NBRS];
	uint32_t nbr_if[FS_OSPF_HELLO_MAX_NBRS];
	int64_t nbr_seen_us[FS_OSPF_HELLO_MAX_NBRS];

	int64_t first_seen_us, last_pkt_us, last_hello_us, dead_since_us;
	bool hello_seen, alive, confirmed;
	bool silent_reported;	/* this gap was told overdue */
	uint8_t unseen_told;	/* bit per fs_ev_ospf_unseen.what, this gap */
	uint32_t listed_by;	/* last router whose Hello listed this one */
	uint64_t esp_seen;	/* ESP packets from its address */
	/* Recent DBD partners: multicast LSUs may answer them (p2p, DROther). */
	uint32_t partners[FS_OSPF_PARTNERS];
	uint32_t partner_pos;

	/* hello timing (timing.c) */
	uint64_t gaps, hello_dups;
	uint32_t last_gap_ms, gap_max_ms;
	float gap_mean_ms, gap_jitter_ms;
	struct fs_ospf_dest dests[FS_OSPF_DESTS];

	/* LSA churn (churn.c) */
	uint64_t lsus, lsas, retransmits;
	uint32_t lsus_cur, lsus_last_second;
	uint64_t lsa_ring[FS_OSPF_LSA_RING];
	uint32_t lsa_ring_pos, lsa_ring_n;
	bool net_lsa_seen;
	uint32_t net_lsa_seq;
};

/*
 * The LSA headers each side described in its DBDs. At the end of the
 * exchange, what one side listed newer than (or missing from) the other's
 * list is what the other must request (RFC 2328 10.6), whether or not its
 * LSR is on the wire yet.
 */
struct fs_ospf_sum {
	bool used;
	uint32_t n[2];
	bool overflow[2];
	uint64_t key[2][FS_OSPF_SUM_LSAS];
	uint32_t seq[2][FS_OSPF_SUM_LSAS];
	bool delivered[2][FS_OSPF_SUM_LSAS];	/* already sent in an LSU */
};

/* Side 0 is the lower router id, side 1 the higher. */
struct fs_ospf_adj {
	bool used;
	uint8_t version;
	uint16_t vlan;
	uint32_t area;
	uint32_t id[2];
	enum fs_ospf_state state;
	int64_t since_us;
	bool lists[2];		/* side i's latest Hello lists the other */

	/* DBD exchange (RFC 2328 10.6/10.8 as seen from outside) */
	bool init_seen[2];
	uint32_t init_seq[2];
	bool master_done;	/* master sent its last DBD (M clear) */
	uint32_t master_done_seq;
	bool m_clear[2];
	bool exchange_done;
	bool requested;		/* an LSR was seen in this exchange */
	uint32_t sum;		/* DBD summary slot + 1, 0 = none */

	/* LSR requests side i made of the other, until an LSU answers */
	uint32_t n_pend[2];
	bool pend_overflow[2];
	uint64_t pend[2][FS_OSPF_PENDING];
};

struct fs_ospf {
	struct fs_ospf_config cfg;
	struct fs_event_bus *bus;
	struct fs_routers *routers;
	struct fs_hkey hkey;	/* seeded per process: ids cannot collide */
	const struct fs_gaps *gaps;	/* may be NULL */
	int64_t last_any_us;		/* latest packet of any kind */
	uint64_t forgotten;		/* fs_ospf_forget calls */
	int64_t now_us;

	/* routers by (version, VLAN, id), and by (version, VLAN, source IP) */
	struct fs_ospf_rt *rt;
	struct fs_hids rt_ids;
	struct fs_hidx rt_ix, ip_ix;
	/* Above these no record was ever used: per-tick loops stop there. */
	uint32_t rt_hi, adj_hi;

	struct fs_ospf_adj *adj;
	struct fs_hids adj_ids;
	struct fs_hidx adj_ix;
	struct fs_ospf_sum *sums;
	uint64_t sum_pool_empty;

	struct fs_ospf_msg *msg;	/* fs_ospf_packet()'s parse, reused */
	struct fs_ospf_stats st;
	uint64_t unresolved_peer;	/* DBD/LSR/LSU whose partner is unknown */
	uint64_t routers_set_full;

	int64_t vlan_first_us[FS_OSPF_VLANS];
	uint8_t vlan_flags[FS_OSPF_VLANS];
};

#define FS_OSPF_VLAN_HAS_OSPF 0x01
#define FS_OSPF_VLAN_REPORTED 0x02
#define FS_OSPF_VLAN_SEEN 0x04

/* Gaps seen before the late margin follows the router's own jitter. */
#define FS_OSPF_JITTER_GAPS 3

/* tracker.c: timers judged only on what the capture could see */
/* The time from which silence counts: since, or the end of a blind span
 * after it; INT64_MAX while the capture is still blind. */
int64_t fs_ospf_seen_from(const struct fs_ospf *o, int64_t since_us,
			  int64_t now_us);
/* A timer that ran out at moment_us is judged only once the capture has
 * shown a packet at or after it: until then the silence may be its own. */
static inline bool fs_ospf_seen_past(const struct fs_ospf *o, int64_t moment_us)
{
	return o->last_any_us >= moment_us;
}
/* A timer of r ran out inside a gap: told once per silence. */
void fs_ospf_unseen(struct fs_ospf *o, struct fs_ospf_rt *r, uint8_t what,
		    int64_t now_us);

/* router.c */
struct fs_ospf_rt *fs_ospf_rt_find(const struct fs_ospf *o, uint8_t version,
				   uint16_t vlan, uint32_t rid);
struct fs_ospf_rt *fs_ospf_rt_get(struct fs_ospf *o, uint8_t version,
				  uint16_t vlan, uint32_t rid, bool *created);
struct fs_ospf_rt *fs_ospf_rt_find_ip(const struct fs_ospf *o, uint8_t version,
				      uint16_t vlan, const uint8_t *ip);
void fs_ospf_rt_set_addr(struct fs_ospf *o, struct fs_ospf_rt *r,
			 const struct fs_pkt *p);
void fs_ospf_rt_del(struct fs_ospf *o, struct fs_ospf_rt *r);
/* Both router indexes against the records; 0 when sound. */
int fs_ospf_rt_check(const struct fs_ospf *o);
void fs_ospf_rt_confirm(struct fs_ospf *o, struct fs_ospf_rt *r);
bool fs_ospf_rt_lists(const struct fs_ospf_rt *r, uint32_t id);
/* v2 names the DR by interface IP, v3 by router id. */
bool fs_ospf_rt_is(const struct fs_ospf_rt *r, uint32_t dr_field);

/* adjacency.c */
struct fs_ospf_adj *fs_ospf_adj_find(const struct fs_ospf *o,
				     uint8_t version, uint16_t vlan,
				     uint32_t area, uint32_t x, uint32_t y);
void fs_ospf_adj_del(struct fs_ospf *o, struct fs_ospf_adj *a);
/* The pair index against the records; 0 when sound. */
int fs_ospf_adj_check(const struct fs_ospf *o);
void fs_ospf_adj_hello(struct fs_ospf *o, struct fs_ospf_rt *r,
		       const uint32_t *old_nbrs, uint32_t n_old,
		       int64_t ts);
void fs_ospf_adj_dbd(struct fs_ospf *o, struct fs_ospf_rt *r,
		     const struct fs_ospf_msg *m, const struct fs_pkt *p);
void fs_ospf_adj_lsr(struct fs_ospf *o, struct fs_ospf_rt *r,
		     const struct fs_ospf_msg *m, const struct fs_pkt *p);
void fs_ospf_adj_lsu(struct fs_ospf *o, struct fs_ospf_rt *r,
		     const struct fs_ospf_msg *m, const struct fs_pkt *p);
/* A router passed its dead interval: its pairs go down at expiry. */
/* r no longer lists id: Init or Down; dead = the listing link went silent. */
void fs_ospf_adj_unlisted(struct fs_ospf *o, struct fs_ospf_rt *r,
			  uint32_t id, int64_t ts, bool dead);
void fs_ospf_adj_router_gone(struct fs_ospf *o, struct fs_ospf_rt *r,
			     int64_t ts, const char *reason);
/* DR/BDR rule: does this pair have to go beyond 2-Way? */
bool fs_ospf_adj_should_be_full(const struct fs_ospf *o,
				const struct fs_ospf_adj *a);
void fs_ospf_adj_set(struct fs_ospf *o, struct fs_ospf_adj *a,
		     enum fs_ospf_state to, int64_t ts, uint32_t actor,
		     const char *reason);

/* timing.c */
void fs_ospf_timing_hello(struct fs_ospf *o, struct fs_ospf_rt *r,
			  const struct fs_pkt *p);
void fs_ospf_timing_tick(struct fs_ospf *o, struct fs_ospf_rt *r,
			 int64_t now_us);

/* churn.c */
void fs_ospf_churn_lsu(struct fs_ospf *o, struct fs_ospf_rt *r,
		       const struct fs_ospf_msg *m, const struct fs_pkt *p);
void fs_ospf_churn_tick(struct fs_ospf_rt *r);

/* tracker.c */
void fs_ospf_emit(struct fs_ospf *o, struct fs_event *ev);

#endif
