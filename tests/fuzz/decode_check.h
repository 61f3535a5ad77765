/*
 * Invariants of one fs_decode() result, shared by the decode and mirror
 * fuzz targets: they hold for any input, so a violation aborts.
 */
#ifndef FS_FUZZ_DECODE_CHECK_H
#define FS_FUZZ_DECODE_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "floodspot/decode.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

/* cut: bytes the snaplen took (wirelen - caplen). */
static inline void fs_fuzz_check_pkt(int dlt, const uint8_t *frame,
				     uint32_t caplen, uint32_t wirelen,
				     const struct fs_pkt *p)
{
	CHECK(p->status <= FS_DECODE_MALFORMED);
	CHECK(p->reason < FS_DR_COUNT);
	CHECK((p->status == FS_DECODE_OK) == (p->reason == FS_DR_NONE));
	CHECK(((p->classes & FS_CLASS_BIT(FS_CLASS_MALFORMED)) != 0) ==
	      (p->status != FS_DECODE_OK));
	CHECK(p->classes < FS_CLASS_BIT(FS_CLASS_COUNT));
	/* nothing is "cut" when the whole frame was captured */
	CHECK(wirelen != caplen || p->status != FS_DECODE_TRUNCATED);
	CHECK((uint64_t)p->l4_off + p->l4_len <= caplen);
	CHECK(p->l4_len == 0 || p->l4_off > 0);
	CHECK(p->ip_version == 0 || p->ip_version == 4 || p->ip_version == 6);
	CHECK(p->vlan_depth <= 4);
	CHECK(p->vlan < 4096 && p->vlan_inner < 4096);
	CHECK(p->vlan_depth > 1 || p->vlan_inner == 0);
	CHECK(!p->is_ospf || p->ip_proto == 89);
	CHECK(p->is_ospf == (p->route == FS_ROUTE_OSPF));
	CHECK(p->route < FS_ROUTE_COUNT);
	CHECK(p->route != FS_ROUTE_BGP ||
	      (p->ip_proto == 6 && (p->src_port == 179 || p->dst_port == 179)));
	CHECK((p->route != FS_ROUTE_BFD && p->route != FS_ROUTE_HSRP) ||
	      p->ip_proto == 17);
	CHECK((p->route != FS_ROUTE_VRRP && p->route != FS_ROUTE_CARP) ||
	      p->ip_proto == 112);
	CHECK(p->mirror < FS_MIRROR_COUNT);
	CHECK(p->mirror_depth <= FS_DECODE_MIRROR_MAX);
	CHECK((p->mirror == FS_MIRROR_NONE) == (p->mirror_depth == 0));
	CHECK(p->mirror != FS_MIRROR_NONE || p->mirror_id == 0);
	CHECK(p->caplen == caplen && p->wirelen == wirelen);

	/* Decoding is a pure function of its input. */
	struct fs_pkt q;
	fs_decode(dlt, frame, caplen, wirelen, p->ts_us, &q);
	CHECK(memcmp(p, &q, sizeof(q)) == 0);
}

#endif
