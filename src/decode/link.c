/*
 * Link layers: Ethernet II, Linux cooked v1/v2, BSD loopback, raw IP;
 * ethertype dispatch.
 */
#include <string.h>

#include "decode_int.h"

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86dd
#define ETH_HDR 14
#define ETH_MAX_LEN 1500	/* type field <= this is an 802.3 length */

/* Linux cooked packet types (if_packet.h PACKET_*). */
#define SLL_BROADCAST 1
#define SLL_MULTICAST 2

/* Sets FS_CLASS_BROADCAST/MULTICAST from a destination MAC. */
static void l2_dst_class(struct fs_dec *d, const uint8_t mac[6])
{
	if ((mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff)
		fs_dec_class(d, FS_CLASS_BROADCAST);
	else if (mac[0] & 1)
		fs_dec_class(d, FS_CLASS_MULTICAST);
}

/* Flags a group-bit source MAC (invalid) without stopping. */
static void l2_src_check(struct fs_dec *d, const uint8_t mac[6])
{
	if (mac[0] & 1)
		fs_dec_fail(d, FS_DR_SRC_MAC_GROUP);
}

void fs_dec_ethertype(struct fs_dec *d, struct fs_cursor *c, uint16_t type)
{
	if (!fs_dec_vlan(d, c, &type))
		return;
	d->p->ethertype = type;
	switch (type) {
	case ETH_P_IP:
		fs_dec_ip4(d, c);
		break;
	case ETH_P_IPV6:
		fs_dec_ip6(d, c);
		break;
	case ETH_P_ARP:
		fs_dec_arp(d, c);
		break;
	default:	/* includes 802.3/LLC lengths (<= 1500) */
		fs_dec_class(d, FS_CLASS_NON_IP);
		break;
	}
}

/* Fewer bytes than the header: keep the addresses read before the cut. */
static void ether_short(struct fs_dec *d, struct fs_cursor *c)
{
	struct fs_pkt *p = d->p;

	fs_cursor_copy(c, p->dst_mac, 6);
	fs_cursor_copy(c, p->src_mac, 6);
	if (!c->failed) {
		p->has_mac = true;
		l2_dst_class(d, p->dst_mac);
		l2_src_check(d, p->src_mac);
	}
	fs_dec_short(d, FS_DR_L2_SHORT, d->missing > 0);
}

static inline void ether(struct fs_dec *d, struct fs_cursor *c)
{
	struct fs_pkt *p = d->p;
	uint8_t h[ETH_HDR];

	if (c->left < ETH_HDR) {
		ether_short(d, c);
		return;
	}
	fs_cursor_copy(c, h, ETH_HDR);
	memcpy(p->dst_mac, &h[0], 6);
	memcpy(p->src_mac, &h[6], 6);
	p->has_mac = true;
	l2_dst_class(d, p->dst_mac);
	l2_src_check(d, p->src_mac);
	fs_dec_ethertype(d, c, fs_dec_be16(h, 12));
}

/* Two entries to one body: the capture path's, which the compiler inlines
 * into fs_decode(), and a mirrored frame's, kept out of line so the rare
 * caller does not cost the common one that inlining. */
void fs_dec_ether(struct fs_dec *d, struct fs_cursor *c)
{
	ether(d, c);
}

__attribute__((noinline)) void fs_dec_ether_inner(struct fs_dec *d,
						   struct fs_cursor *c)
{
	ether(d, c);
}

/* Shared tail of SLL v1/v2: packet type, link address, protocol. */
static void sll_finish(struct fs_dec *d, struct fs_cursor *c, uint16_t pkttype,
		       uint16_t halen, const uint8_t addr[8], uint16_t proto)
{
	struct fs_pkt *p = d->p;

	if (pkttype == SLL_BROADCAST)
		fs_dec_class(d, FS_CLASS_BROADCAST);
	else if (pkttype == SLL_MULTICAST)
		fs_dec_class(d, FS_CLASS_MULTICAST);
	if (halen == 6) {
		for (int i = 0; i < 6; i++)
			p->src_mac[i] = addr[i];
		p->has_mac = true;
		l2_src_check(d, p->src_mac);
	}
	if (proto <= ETH_MAX_LEN) {	/* LINUX_SLL_P_* pseudo protocols */
		p->ethertype = proto;
		fs_dec_class(d, FS_CLASS_NON_IP);
		return;
	}
	fs_dec_ethertype(d, c, proto);
}

void fs_dec_sll(struct fs_dec *d, struct fs_cursor *c)
{
	uint8_t addr[8];

	uint16_t pkttype = fs_cursor_be16(c);
	fs_cursor_skip(c, 2);	/* ARPHRD_ type */
	uint16_t halen = fs_cursor_be16(c);
	fs_cursor_copy(c, addr, 8);
	uint16_t proto = fs_cursor_be16(c);
	if (c->failed) {
		fs_dec_short(d, FS_DR_L2_SHORT, d->missing > 0);
		return;
	}
	sll_finish(d, c, pkttype, halen, addr, proto);
}

void fs_dec_sll2(struct fs_dec *d, struct fs_cursor *c)
{
	uint8_t addr[8];

	uint16_t proto = fs_cursor_be16(c);
	fs_cursor_skip(c, 2 + 4 + 2);	/* reserved, ifindex, ARPHRD_ type */
	uint8_t pkttype = fs_cursor_u8(c);
	uint8_t halen = fs_cursor_u8(c);
	fs_cursor_copy(c, addr, 8);
	if (c->failed) {
		fs_dec_short(d, FS_DR_L2_SHORT, d->missing > 0);
		return;
	}
	sll_finish(d, c, pkttype, halen, addr, proto);
}

void fs_dec_raw(struct fs_dec *d, struct fs_cursor *c, int version)
{
	if (version == 0) {	/* DLT_RAW: the version nibble decides */
		struct fs_cursor peek = *c;
		uint8_t b = fs_cursor_u8(&peek);
		if (peek.failed) {
			fs_dec_short(d, FS_DR_L2_SHORT, d->missing > 0);
			return;
		}
		version = b >> 4;
	}
	if (version == 6) {
		d->p->ethertype = ETH_P_IPV6;
		fs_dec_ip6(d, c);
	} else {	/* v4, or anything else: ip4 reports the bad version */
		d->p->ethertype = ETH_P_IP;
		fs_dec_ip4(d, c);
	}
}

/* BSD loopback: the family in the writer's byte order (DLT_NULL) or in
 * network order (DLT_LOOP); both orders are accepted for either. */
static bool family_is(uint32_t v, uint32_t af)
{
	uint32_t swapped = (v >> 24) | ((v >> 8) & 0xff00) |
			   ((v << 8) & 0xff0000) | (v << 24);
	return v == af || swapped == af;
}

void fs_dec_null(struct fs_dec *d, struct fs_cursor *c)
{
	uint32_t af = fs_cursor_be32(c);
	if (c->failed) {
		fs_dec_short(d, FS_DR_L2_SHORT, d->missing > 0);
		return;
	}
	if (family_is(af, 2)) {	/* AF_INET everywhere */
		d->p->ethertype = ETH_P_IP;
		fs_dec_ip4(d, c);
	} else if (family_is(af, 10) || family_is(af, 24) ||
		   family_is(af, 28) || family_is(af, 30)) {
		/* AF_INET6: Linux, Net/OpenBSD, FreeBSD, Darwin */
		d->p->ethertype = ETH_P_IPV6;
		fs_dec_ip6(d, c);
	} else {
		fs_dec_class(d, FS_CLASS_NON_IP);
	}
}
