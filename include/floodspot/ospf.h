/*
 * Passive OSPFv2/v3 tracker: routers, their hellos and timing, and the
 * adjacency state of each router pair as far as a span port can see it.
 * Emits FS_EV_OSPF_ROUTER, FS_EV_OSPF_ADJACENCY, FS_EV_HELLO_LATE and
 * FS_EV_OSPF_ABSENT on the event bus, all stamped with packet time.
 */
#ifndef FLOODSPOT_OSPF_H
#define FLOODSPOT_OSPF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "floodspot/event.h"
#include "floodspot/ospf_msg.h"
#include "floodspot/pkt.h"
#include "floodspot/routers.h"

struct fs_ospf_config {
	/*
	 * A hello later than interval * (1 + late_ratio) raises hello_late,
	 * at the slice tick where that moment passes (not when the late
	 * hello finally arrives). Once a router has shown its rhythm the
	 * margin narrows to its jitter (timing.c), late_ratio at most.
	 */
	float hello_late_ratio;		/* default 0.25 */
	/* Seconds of traffic on a VLAN without OSPF before saying so once. */
	uint32_t absent_after_s;	/* default 60; 0 disables */
	uint32_t max_routers;		/* default 1024 */
	uint32_t max_neighbors;		/* adjacency pairs, default 4096 */
};

/* Sizes of the stats arrays; the tracker checks its enums fit. */
#define FS_OSPF_TYPES 6			/* packet types 1..5, index 0 unused */
#define FS_OSPF_MALFORMED_REASONS 24	/* fs_ospf_malformed_name() */

struct fs_ospf_stats {
	uint64_t packets;
	uint64_t by_type[FS_OSPF_TYPES];
	uint64_t malformed;		/* sum of malformed_by_reason */
	uint64_t malformed_by_reason[FS_OSPF_MALFORMED_REASONS];
	uint64_t lsas;
	uint64_t dropped_table_full;	/* router or adjacency table full */
	uint64_t unresolved_peer;	/* DBD/LSR whose other end was unknown */
	uint64_t routers_set_full;	/* fs_routers refused a learned router */
};

/* A router as seen from the wire, for output and storage. */
struct fs_ospf_router_view {
	uint32_t router_id;
	uint8_t version;
	uint16_t vlan;
	uint8_t mac[6];
	uint8_t ip_version;
	uint8_t ip[16];
	uint32_t area;
	uint32_t hello_interval_s, dead_interval_s;
	uint32_t dr, bdr;
	uint8_t priority;
	int64_t last_hello_us;
	uint32_t last_gap_ms;		/* latest hello inter-arrival */
	float gap_mean_ms, gap_jitter_ms;
	uint32_t gap_max_ms;
	uint32_t neighbors_listed;	/* in its latest Hello */
	uint32_t adjacencies_full;
	uint64_t lsus, lsas_sent, lsa_retransmits;
	uint32_t lsus_last_second;
	bool alive;			/* not past its dead interval */
	uint32_t netmask;		/* v2 Hello mask */
	const uint32_t *neighbor_ids;	/* neighbors_listed ids, valid in the callback */
	bool confirmed;			/* listed by another router: in fs_routers */
	int64_t first_seen_us;
	/* Silence counts from here: the last hello, or the end of a span in
	 * which the capture was blind since; INT64_MAX while it is blind. */
	int64_t seen_from_us;
	/* The latest packet of any kind: silence is known up to here. */
	int64_t seen_until_us;
	uint32_t evidence;	/* its MAC's FS_RTR_* bits in the router set */
};

struct fs_ospf_adj_view {
	uint32_t router_id, neighbor_id;
	uint16_t vlan;
	uint32_t area;
	enum fs_ospf_state state;
	int64_t since_us;
	/* False for two DROthers on a segment with a DR, which rightly stay
	 * 2-Way (RFC 2328 10.4). */
	bool should_be_full;
};

struct fs_ospf;

void fs_ospf_config_defaults(struct fs_ospf_config *cfg);
/*
 * routers: routers confirmed from the wire (listed in another router's
 * Hello) are added to this set, so router-bound traffic to them is classed.
 * May be NULL.
 */
struct fs_ospf *fs_ospf_create(const struct fs_ospf_config *cfg,
			       struct fs_event_bus *bus,
			       struct fs_routers *routers);
void fs_ospf_destroy(struct fs_ospf *o);
/*
 * The capture's blind spans (gap.h): a hello that may have come while the
 * capture saw nothing is not late, a dead interval that ran out then is
 * not an adjacency loss; FS_EV_OSPF_UNSEEN says so instead.
 */
struct fs_gaps;
void fs_ospf_set_gaps(struct fs_ospf *o, const struct fs_gaps *gaps);
/*
 * Forgets every router and adjacency without a word: a replay whose
 * timestamps went back (two captures joined, halves swapped) shows after
 * the seam a wire that has nothing to do with the one before, and the
 * state learned before would make its differences look like losses.
 */
void fs_ospf_forget(struct fs_ospf *o);

/*
 * One decoded packet with p->is_ospf and its message, parsed by
 * fs_ospf_parse_pkt(); a refused message (m->reason) is counted by reason.
 */
void fs_ospf_message(struct fs_ospf *o, const struct fs_pkt *p,
		     const struct fs_ospf_msg *m);
/* The same, parsing the packet from frame (the captured bytes) first. */
void fs_ospf_packet(struct fs_ospf *o, const struct fs_pkt *p,
		    const uint8_t *frame);
/* Any packet (for "no OSPF on VLAN N"); cheap. */
void fs_ospf_seen_vlan(struct fs_ospf *o, uint16_t vlan, int64_t ts_us);
/* The capture watched up to ts_us (a packet past it is on its way in):
 * timers that ran out before it may be judged now. */
void fs_ospf_seen_until(struct fs_ospf *o, int64_t ts_us);
/*
 * Any ESP packet (p->ip_proto 50): encrypted OSPF cannot be read, but ESP
 * from a known router's address shows it is alive, so its dead interval is
 * not run out by hellos we cannot see. Cheap; ignores everything else.
 */
void fs_ospf_seen_esp(struct fs_ospf *o, const struct fs_pkt *p);
/* Once per closed slice of packet time: dead intervals, overdue hellos. */
void fs_ospf_tick(struct fs_ospf *o, int64_t now_us);

typedef void (*fs_ospf_router_fn)(const struct fs_ospf_router_view *r,
				  void *ctx);
typedef void (*fs_ospf_adj_fn)(const struct fs_ospf_adj_view *a, void *ctx);
void fs_ospf_foreach_router(const struct fs_ospf *o, fs_ospf_router_fn fn,
			    void *ctx);
void fs_ospf_foreach_adjacency(const struct fs_ospf *o, fs_ospf_adj_fn fn,
			       void *ctx);

/* `show ip ospf neighbor`-like table for --ospf. */
void fs_ospf_print_table(const struct fs_ospf *o, FILE *f);
void fs_ospf_stats(const struct fs_ospf *o, struct fs_ospf_stats *st);
/* Name of a malformed_by_reason index ("bad_length", "truncated", ...). */
const char *fs_ospf_malformed_name(unsigned reason);
/* Every router and adjacency found through its index, the indexes sound
 * and within capacity; 0 when so (tests, fuzzers). */
int fs_ospf_check(const struct fs_ospf *o);

#endif
