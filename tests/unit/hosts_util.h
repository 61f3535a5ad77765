/* Shared helpers for the hosts tests: packets built field by field. */
#ifndef FS_TEST_HOSTS_UTIL_H
#define FS_TEST_HOSTS_UTIL_H

#include <stdint.h>
#include <string.h>

#include "floodspot/pkt.h"

#define S 1000000LL

/* A MAC from a number: 0a:xx:xx:xx:xx:xx, unicast, distinct per id. */
static inline void id_mac(uint64_t id, uint8_t mac[6])
{
	mac[0] = 0x0a;
	for (int i = 5; i >= 1; i--) {
		mac[i] = (uint8_t)id;
		id >>= 8;
	}
}

static inline struct fs_pkt mkpkt(uint16_t vlan, uint64_t id, int64_t ts,
				  uint32_t classes, uint32_t wirelen)
{
	struct fs_pkt p;
	memset(&p, 0, sizeof p);
	p.ts_us = ts;
	p.caplen = p.wirelen = wirelen;
	p.has_mac = true;
	id_mac(id, p.src_mac);
	memset(p.dst_mac, 0xff, 6);
	p.vlan = vlan;
	p.ethertype = 0x0800;
	p.classes = classes;
	return p;
}

#endif
