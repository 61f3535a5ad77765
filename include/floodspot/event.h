/*
 * Events between modules. Producers (OSPF tracker, kernel watcher, detector)
 * fill a struct fs_event and emit it; consumers (JSON output, correlator,
 * store, HTML) subscribe. Delivery is synchronous on the capture thread, so
 * a consumer must not block; fields are fixed-size so nothing allocates.
 */
#ifndef FLOODSPOT_EVENT_H
#define FLOODSPOT_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "floodspot/pkt.h"

enum fs_event_type {
	FS_EV_OSPF_ROUTER,	/* a router seen for the first time */
	FS_EV_OSPF_ADJACENCY,	/* adjacency state change */
	FS_EV_HELLO_LATE,
	FS_EV_OSPF_ABSENT,	/* no OSPF seen on a VLAN for a while */
	FS_EV_SESSION,		/* a BGP or BFD session changed state */
	FS_EV_SESSION_LATE,	/* a keepalive, BFD packet or advert overdue */
	FS_EV_FHRP_MASTER,	/* a VRRP/CARP/HSRP group changed master */
	FS_EV_ROUTE_CHANGE,
	FS_EV_LINK_CHANGE,
	FS_EV_ALERT,
	FS_EV_CAPTURE_GAP,	/* the capture was blind (gap.h) */
	FS_EV_CLOCK_STEP,	/* timestamps stepped and the next agreed */
	FS_EV_OSPF_UNSEEN,	/* a routing timer ran out inside a gap */
	FS_EV_ROUTER_LEARNED,	/* a router, or new evidence for one */
	FS_EV_COUNT
};

/* Why the capture was blind. */
enum fs_gap_reason {
	FS_GAP_SILENCE,		/* no packets where traffic was flowing */
	FS_GAP_LINK_DOWN,	/* the capture interface was down */
	FS_GAP_DROPS,		/* the kernel dropped most packets */
	FS_GAP_CLOCK_STEP,	/* packet time re-based */
	FS_GAP_REASONS
};

/* "silence", "link-down", "drops", "clock-step". */
const char *fs_gap_reason_name(enum fs_gap_reason r);

enum fs_ospf_state {
	FS_OSPF_DOWN,
	FS_OSPF_INIT,
	FS_OSPF_2WAY,
	FS_OSPF_EXSTART,
	FS_OSPF_EXCHANGE,
	FS_OSPF_LOADING,
	FS_OSPF_FULL,
};

/* "down", "init", "2-way", "exstart", "exchange", "loading", "full". */
const char *fs_ospf_state_name(enum fs_ospf_state s);

struct fs_ev_ospf_router {
	uint32_t router_id;	/* host byte order */
	uint8_t version;	/* 2 or 3 */
	uint16_t vlan;
	uint8_t mac[6];
	uint8_t ip_version;
	uint8_t ip[16];
	uint32_t area;
	uint32_t netmask;	/* v2 only */
	uint32_t hello_interval_s;
	uint32_t dead_interval_s;
	uint8_t priority;
	uint32_t dr, bdr;	/* as on the wire: v2 IP, v3 router id */
};

struct fs_ev_ospf_adjacency {
	uint32_t router_id;
	uint32_t neighbor_id;
	uint16_t vlan;
	uint32_t area;
	uint8_t from, to;	/* enum fs_ospf_state */
	char reason[64];	/* "hello lists neighbor", "dead interval expired", ... */
};

struct fs_ev_hello_late {
	uint32_t router_id;
	uint16_t vlan;
	uint32_t hello_interval_ms;	/* advertised */
	uint32_t gap_ms;		/* since the previous hello */
	uint32_t late_ms;		/* gap minus advertised interval */
	bool silent;			/* overdue (told at that moment, no hello
				 * yet), not told by the late arrival */
};

struct fs_ev_ospf_absent {
	uint16_t vlan;
	uint32_t seconds;	/* how long traffic was seen without OSPF */
};

/* Routing sessions other than OSPF's (session.h, bgp.h, bfd.h, fhrp.h). */
enum fs_sess_proto {
	FS_SESS_BGP,
	FS_SESS_BFD,
	FS_SESS_FHRP,		/* VRRP, CARP, HSRP: the kind in fhrp */
	FS_SESS_PROTO_COUNT
};

/* "bgp", "bfd", "fhrp". */
const char *fs_sess_proto_name(enum fs_sess_proto p);

/* Which end of a session told a change. */
#define FS_SESS_BY_WIRE 2	/* neither: inferred from what the wire showed */

struct fs_ev_session {
	uint8_t proto;		/* FS_SESS_BGP or FS_SESS_BFD */
	struct fs_seg seg;
	uint8_t ip_version;
	uint8_t ip[2][16];	/* the two ends, lower address first */
	uint32_t id[2];		/* BGP: AS numbers; BFD: discriminators */
	uint8_t from, to;	/* fs_bgp_state / fs_bfd_state, by name in
				 * bgp.h and bfd_msg.h */
	bool up;		/* entered the up state */
	bool down;		/* left it */
	uint8_t by;		/* 0 or 1: the end that said so; or BY_WIRE */
	uint8_t code, subcode;	/* BGP NOTIFICATION; BFD diagnostic in code */
	char reason[64];
	/* A loss to a timer (hold, detection time): how long the end that
	 * went unheard had been silent; 0 for other changes. */
	uint32_t silent_ms;
	bool unseen;		/* that silence overlapped a capture gap: the
				 * loss was not seen, it may be ours */
};

struct fs_ev_session_late {
	uint8_t proto;		/* enum fs_sess_proto */
	uint8_t fhrp;		/* enum fs_fhrp_proto when FS_SESS_FHRP */
	struct fs_seg seg;
	uint8_t ip_version;
	uint8_t from[16];	/* the late sender */
	uint8_t to[16];		/* its peer; zero for FHRP adverts */
	uint32_t group;		/* FHRP group; BFD: the sender's discriminator */
	uint32_t interval_ms;	/* what the protocol promised */
	uint32_t gap_ms;	/* since the sender's previous message */
	uint32_t late_ms;	/* gap minus interval */
	bool silent;		/* told the moment it was overdue, not yet arrived */
	bool unseen;		/* the gap overlapped a capture gap */
};

struct fs_ev_fhrp_master {
	uint8_t proto;		/* enum fs_fhrp_proto (fhrp_msg.h) */
	struct fs_seg seg;
	uint16_t group;
	uint8_t ip_version;
	/* The new master; all zero when the group lost its master. */
	uint8_t ip[16], mac[6];
	uint32_t priority;
	/* The previous one; all zero when this is the first. */
	uint8_t old_ip[16], old_mac[6];
	uint32_t old_priority;
	uint8_t cause;		/* enum fs_fhrp_cause, named in fhrp.h */
	uint32_t silent_ms;	/* the old master's silence at the change */
	bool unseen;		/* that silence overlapped a capture gap */
};

struct fs_ev_route_change {
	bool added;		/* false: removed */
	uint8_t family;		/* AF_INET / AF_INET6 */
	uint8_t dst[16];
	uint8_t dst_len;
	uint32_t table;
	char protocol[16];	/* "bird", "zebra", "ospf", "static", "kernel", or a number */
	char ifname[16];
	uint32_t flaps_this_second;
};

struct fs_ev_link_change {
	int ifindex;
	char ifname[16];
	bool up;		/* IFF_UP */
	bool carrier;		/* IFF_LOWER_UP / operstate */
	bool is_capture_iface;
};

struct fs_ev_capture_gap {
	int64_t start_us, end_us;	/* end 0: opened now */
	uint8_t reason;			/* enum fs_gap_reason */
	uint64_t lost;			/* drops, or packets expected */
};

struct fs_ev_clock_step {
	int64_t by_us;		/* timestamps jumped by: > 0 forward */
	bool rebased;		/* packet time ran on from where it was */
};

struct fs_ev_ospf_unseen {
	uint32_t router_id;
	uint16_t vlan;
	uint8_t what;		/* 0 hello overdue, 1 dead interval */
	int64_t gap_start_us;	/* the blind span it fell in */
};

struct fs_ev_router_learned {
	uint8_t mac[6];
	uint16_t vlan;
	uint8_t evidence;	/* enum fs_router_evidence (routers.h): new */
	uint32_t all;		/* every evidence bit it has now */
};

struct fs_alert;

struct fs_event {
	enum fs_event_type type;
	int64_t ts_us;		/* packet time */
	union {
		struct fs_ev_ospf_router router;
		struct fs_ev_ospf_adjacency adj;
		struct fs_ev_hello_late late;
		struct fs_ev_ospf_absent absent;
		struct fs_ev_session session;
		struct fs_ev_session_late slate;
		struct fs_ev_fhrp_master master;
		struct fs_ev_route_change route;
		struct fs_ev_link_change link;
		struct fs_ev_capture_gap gap;
		struct fs_ev_clock_step step;
		struct fs_ev_ospf_unseen unseen;
		struct fs_ev_router_learned router_learned;
		const struct fs_alert *alert;
	} u;
};

typedef void (*fs_event_fn)(const struct fs_event *ev, void *ctx);

#define FS_EVENT_MAX_SUBSCRIBERS 8

struct fs_event_bus {
	struct {
		fs_event_fn fn;
		void *ctx;
	} sub[FS_EVENT_MAX_SUBSCRIBERS];
	unsigned n_sub;
	uint64_t emitted[FS_EV_COUNT];
};

void fs_event_bus_init(struct fs_event_bus *bus);
/* Returns 0, or -1 when the bus is full. */
int fs_event_subscribe(struct fs_event_bus *bus, fs_event_fn fn, void *ctx);
void fs_event_emit(struct fs_event_bus *bus, const struct fs_event *ev);

#endif
