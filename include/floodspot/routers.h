/*
 * The set of router MACs and IPs, declared with --router or learned from
 * OSPF. Packets sent to them are router-bound; OSPF from anyone else is
 * suspect. Fixed capacity.
 */
#ifndef FLOODSPOT_ROUTERS_H
#define FLOODSPOT_ROUTERS_H

#include <stdbool.h>
#include <stdint.h>

#include "floodspot/pkt.h"

#define FS_ROUTERS_MAX 256

struct fs_routers {
	uint8_t macs[FS_ROUTERS_MAX][6];
	unsigned n_macs;
	struct {
		uint8_t version;
		uint8_t addr[16];
	} ips[FS_ROUTERS_MAX];
	unsigned n_ips;
	/* Bit filters over the above, so most packets skip the scans. */
	uint64_t mac_filter[4];
	uint64_t ip_filter[4];
};

/* Must be called before use (clears the arrays and their filters). */
void fs_routers_init(struct fs_routers *r);
/* Return 0, 1 when already present, -1 when full. */
int fs_routers_add_mac(struct fs_routers *r, const uint8_t mac[6]);
int fs_routers_add_ip(struct fs_routers *r, uint8_t version,
		      const uint8_t *addr);
/* Parses "aa:bb:cc:dd:ee:ff", an IPv4 or an IPv6 address; -1 if neither. */
int fs_routers_add_text(struct fs_routers *r, const char *text);

bool fs_routers_has_mac(const struct fs_routers *r, const uint8_t mac[6]);
/*
 * Adds FS_CLASS_TO_ROUTER when the destination MAC or IP is a router's, and
 * FS_CLASS_OSPF_NON_ROUTER for OSPF from a MAC that is not.
 */
void fs_routers_classify(const struct fs_routers *r, struct fs_pkt *p);

#endif
