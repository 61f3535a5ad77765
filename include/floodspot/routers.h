/*
 * The router set: MACs and IPs of routers, declared with --router or
 * learned from the wire, each router with the evidence that made it one.
 * Packets sent to them are router-bound; OSPF from anyone else is suspect;
 * what a router forwards is not the router spoofing. Fixed capacity.
 *
 * Evidence from the wire (fs_routers_classify, per packet, cheap):
 * routing protocols it speaks (VRRP/CARP, HSRP, RIP/RIPng, BGP answered
 * on TCP 179), ICMPv6 router advertisements, ICMP/ICMPv6 redirects and
 * time-exceeded it sends, a VRRP/HSRP virtual MAC as its source, and
 * forwarding: the next hop other hosts send to for many destination
 * addresses (FS_ROUTERS_FWD_DISTINCT, sampled). OSPF adds the routers
 * another router lists in its Hello. --not-router refuses an address
 * whatever the evidence.
 */
#ifndef FLOODSPOT_ROUTERS_H
#define FLOODSPOT_ROUTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "floodspot/event.h"
#include "floodspot/pkt.h"

#define FS_ROUTERS_MAX 256
#define FS_ROUTERS_DENY_MAX 64
#define FS_ROUTERS_FWD_SLOTS 1024	/* next-hop candidates, direct-mapped */
#define FS_ROUTERS_FWD_SAMPLE 8		/* 1 in 8 destination addresses */
/* Sampled distinct destinations (about 8 times as many real ones). */
#define FS_ROUTERS_FWD_DISTINCT 16

enum fs_router_evidence {
	FS_RTR_CONFIG,		/* --router */
	FS_RTR_OSPF,		/* listed in another router's OSPF Hello */
	FS_RTR_VIRTUAL_MAC,	/* sends from a VRRP/HSRP virtual MAC */
	FS_RTR_VRRP,		/* VRRP or CARP (IP protocol 112) */
	FS_RTR_HSRP,		/* HSRP (UDP 1985, 2029) */
	FS_RTR_RIP,		/* RIP or RIPng (UDP 520, 521) */
	FS_RTR_BGP,		/* answers on TCP 179 */
	FS_RTR_RA,		/* ICMPv6 router advertisements */
	FS_RTR_REDIRECT,	/* ICMP or ICMPv6 redirects */
	FS_RTR_TTL_EXCEEDED,	/* ICMP or ICMPv6 time exceeded */
	FS_RTR_FORWARDING,	/* next hop for many destinations */
	FS_RTR_EVIDENCE_COUNT
};

/* "config", "ospf", "virtual-mac", "vrrp", "hsrp", "rip", "bgp", "ra",
 * "redirect", "ttl-exceeded", "forwarding". */
const char *fs_router_evidence_name(enum fs_router_evidence e);
/* Comma-separated names of the evidence bits; returns buf. */
char *fs_router_evidence_text(uint32_t bits, char *buf, size_t len);

struct fs_router_fwd {
	uint8_t mac[6];
	uint16_t hits;		/* sampled packets seen */
	uint64_t dst_bits;	/* sampled destination addresses, hashed */
};

struct fs_routers {
	uint8_t macs[FS_ROUTERS_MAX][6];
	uint32_t evidence[FS_ROUTERS_MAX];	/* FS_RTR_* bits per MAC */
	int64_t first_us[FS_ROUTERS_MAX];	/* learned at (0: config) */
	uint16_t vlan[FS_ROUTERS_MAX];		/* where first learned */
	unsigned n_macs;
	struct {
		uint8_t version;
		uint8_t addr[16];
	} ips[FS_ROUTERS_MAX];
	unsigned n_ips;
	/* Bit filters over the above, so most packets skip the scans. */
	uint64_t mac_filter[4];
	uint64_t ip_filter[4];
	/* --not-router */
	uint8_t deny_macs[FS_ROUTERS_DENY_MAX][6];
	unsigned n_deny_macs;
	struct {
		uint8_t version;
		uint8_t addr[16];
	} deny_ips[FS_ROUTERS_DENY_MAX];
	unsigned n_deny_ips;
	struct fs_router_fwd fwd[FS_ROUTERS_FWD_SLOTS];
	struct fs_event_bus *bus;	/* FS_EV_ROUTER_LEARNED; may be NULL */
	uint64_t refused;		/* evidence for a --not-router address */
	uint64_t full;			/* learned, but the set was full */
};

/* Must be called before use (clears the arrays and their filters). */
void fs_routers_init(struct fs_routers *r);
/* Return 0, 1 when already present, -1 when full (or refused). */
int fs_routers_add_mac(struct fs_routers *r, const uint8_t mac[6]);
int fs_routers_add_ip(struct fs_routers *r, uint8_t version,
		      const uint8_t *addr);
/*
 * Adds evidence for a MAC (learning it at ts_us on vlan if new); tells
 * FS_EV_ROUTER_LEARNED when the MAC or this evidence is new. Returns as
 * fs_routers_add_mac; -1 also for a --not-router MAC.
 */
int fs_routers_add_evidence(struct fs_routers *r, const uint8_t mac[6],
			    enum fs_router_evidence ev, uint16_t vlan,
			    int64_t ts_us);
/* Parses "aa:bb:cc:dd:ee:ff", an IPv4 or an IPv6 address; -1 if neither. */
int fs_routers_add_text(struct fs_routers *r, const char *text);
/* --not-router: never a router. -1 when not an address or the list is full. */
int fs_routers_deny_text(struct fs_routers *r, const char *text);

bool fs_routers_has_mac(const struct fs_routers *r, const uint8_t mac[6]);
/* The evidence bits of a router MAC; 0 when it is none. */
uint32_t fs_routers_evidence(const struct fs_routers *r, const uint8_t mac[6]);
/*
 * Adds FS_CLASS_TO_ROUTER when the destination MAC or IP is a router's, and
 * FS_CLASS_OSPF_NON_ROUTER for OSPF from a MAC that is not; learns routers
 * from the packet's evidence.
 */
void fs_routers_classify(struct fs_routers *r, struct fs_pkt *p);

#endif
