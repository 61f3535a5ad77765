/* One packet's summary: what decode found, what accounting reads. */
#ifndef FLOODSPOT_PKT_H
#define FLOODSPOT_PKT_H

#include <stdbool.h>
#include <stdint.h>

/* Classes chosen for control-plane impact (DESIGN.md "Classes"). */
enum fs_class {
	FS_CLASS_BROADCAST,
	FS_CLASS_MULTICAST,		/* L2 group address, not broadcast */
	FS_CLASS_ARP,
	FS_CLASS_IP_MCAST_LOCAL,	/* 224.0.0.0/24, ff02::/16: routers' groups */
	FS_CLASS_TO_ROUTER,		/* dst MAC or IP is a known router */
	FS_CLASS_TTL_LE1,
	FS_CLASS_IP_OPTIONS,		/* v4 options, v6 hop-by-hop/routing hdr */
	FS_CLASS_FRAGMENT,
	FS_CLASS_TCP_SYN,		/* SYN without ACK */
	FS_CLASS_ICMP,			/* ICMP and ICMPv6 */
	FS_CLASS_NON_IP,		/* neither IPv4, IPv6 nor ARP */
	FS_CLASS_OSPF_NON_ROUTER,	/* OSPF from a MAC not known as router */
	FS_CLASS_MALFORMED,		/* malformed or truncated */
	FS_CLASS_COUNT
};

#define FS_CLASS_BIT(c) (1u << (c))

/* Classes a router's CPU has to look at: the correlator's "control plane". */
#define FS_CLASS_CTRL_MASK                                                    \
	(FS_CLASS_BIT(FS_CLASS_BROADCAST) | FS_CLASS_BIT(FS_CLASS_ARP) |      \
	 FS_CLASS_BIT(FS_CLASS_IP_MCAST_LOCAL) |                              \
	 FS_CLASS_BIT(FS_CLASS_TO_ROUTER) | FS_CLASS_BIT(FS_CLASS_TTL_LE1) |  \
	 FS_CLASS_BIT(FS_CLASS_IP_OPTIONS) |                                  \
	 FS_CLASS_BIT(FS_CLASS_OSPF_NON_ROUTER))

/* Stable lower-case names ("to_router", ...), used in JSON, rules, RRD. */
const char *fs_class_name(enum fs_class c);
/* Returns the class for a name, or -1. */
int fs_class_parse(const char *name);

/*
 * Remote mirror encapsulations removed by decode: the frame inside is the
 * packet, and the outermost encapsulation names the mirror session.
 */
enum fs_mirror_kind {
	FS_MIRROR_NONE,
	FS_MIRROR_ERSPAN_I,	/* GRE 0x88be without sequence: no header */
	FS_MIRROR_ERSPAN_II,	/* GRE 0x88be, 8-byte ERSPAN header */
	FS_MIRROR_ERSPAN_III,	/* GRE 0x22eb, 12 (+8) byte header */
	FS_MIRROR_GRE_TEB,	/* GRE 0x6558, Transparent Ethernet Bridging */
	FS_MIRROR_VXLAN,	/* UDP 4789, RFC 7348 */
	FS_MIRROR_COUNT
};

/* "erspan2", "vxlan", ...; unknown values as "unknown". */
const char *fs_mirror_kind_name(enum fs_mirror_kind k);

/*
 * Routing protocols recognised by decode. The message itself is parsed
 * on request (ospf_msg.h, bgp_msg.h, bfd_msg.h, fhrp_msg.h) from the
 * payload at l4_off/l4_len, so other packets pay only for recognition.
 */
enum fs_route_kind {
	FS_ROUTE_NONE,
	FS_ROUTE_OSPF,		/* IP protocol 89 */
	FS_ROUTE_BGP,		/* TCP port 179 with payload */
	FS_ROUTE_BFD,		/* UDP 3784, 4784 (multihop), 6784 (LAG) */
	FS_ROUTE_VRRP,		/* IP protocol 112, version 2 or 3 */
	FS_ROUTE_CARP,		/* IP protocol 112, CARP's 36-byte advert */
	FS_ROUTE_HSRP,		/* UDP 1985, 2029 (IPv6) */
	FS_ROUTE_COUNT
};

const char *fs_route_kind_name(enum fs_route_kind k);

enum fs_decode_status {
	FS_DECODE_OK,
	FS_DECODE_TRUNCATED,	/* cut by snaplen: our side */
	FS_DECODE_MALFORMED,	/* the sender's fault */
};

struct fs_pkt {
	int64_t ts_us;		/* packet time, microseconds since the epoch */
	uint32_t caplen;
	uint32_t wirelen;

	bool has_mac;		/* false on raw IP and cooked without address */
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	uint16_t vlan;		/* outermost VLAN ID, 0 when untagged */
	uint16_t vlan_inner;	/* innermost VLAN ID under QinQ, else 0 */
	uint8_t vlan_depth;
	uint16_t ethertype;	/* after the VLAN tags */

	uint8_t ip_version;	/* 0, 4 or 6 */
	uint8_t ip_proto;	/* upper-layer protocol after v6 ext headers */
	uint8_t ttl;		/* TTL or hop limit */
	uint8_t src_ip[16];	/* IPv4 in the first 4 bytes */
	uint8_t dst_ip[16];
	uint16_t src_port;
	uint16_t dst_port;
	uint8_t tcp_flags;
	uint8_t icmp_type;
	uint8_t icmp_code;

	uint16_t arp_op;
	uint8_t arp_spa[4];	/* ARP sender / target protocol (IPv4) address */
	uint8_t arp_tpa[4];

	bool is_ospf;
	uint8_t ospf_version;	/* 2 or 3 */
	uint8_t route;		/* enum fs_route_kind; its payload is l4_* */
	uint32_t l4_off;	/* upper-layer payload in the frame, clipped */
	uint32_t l4_len;	/* to caplen and to the IP length */

	/* Set when the packet arrived inside a remote mirror: everything
	 * above describes the inner frame. The session joins the segment
	 * key as a VLAN does. */
	uint8_t mirror;		/* enum fs_mirror_kind, outermost */
	uint8_t mirror_depth;	/* encapsulations removed */
	uint32_t mirror_id;	/* ERSPAN session id, VXLAN VNI, GRE key */

	uint32_t classes;	/* FS_CLASS_BIT()s */
	uint8_t status;		/* enum fs_decode_status */
	uint8_t reason;		/* enum fs_decode_reason when status != OK */
};

#endif
