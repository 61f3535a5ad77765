/* One bounds-checked pass from frame bytes to a struct fs_pkt. */
#ifndef FLOODSPOT_DECODE_H
#define FLOODSPOT_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "floodspot/cursor.h"
#include "floodspot/pkt.h"

/*
 * Why a packet was not fully decoded. Each has a counter in the stats.
 * *_SHORT reasons are reported as truncated when the frame was cut by the
 * snaplen (caplen < wirelen) and as malformed otherwise.
 */
enum fs_decode_reason {
	FS_DR_NONE,
	FS_DR_L2_SHORT,		/* link header incomplete */
	FS_DR_VLAN_SHORT,
	FS_DR_VLAN_TOO_DEEP,	/* more tags than we follow */
	FS_DR_ARP_SHORT,
	FS_DR_ARP_BAD_LEN,	/* hardware/protocol lengths not Eth/IPv4 */
	FS_DR_IP4_SHORT,
	FS_DR_IP4_BAD_VERSION,
	FS_DR_IP4_BAD_IHL,
	FS_DR_IP4_BAD_TOTLEN,	/* total length < header or > frame */
	FS_DR_IP6_SHORT,
	FS_DR_IP6_BAD_VERSION,
	FS_DR_IP6_BAD_PLEN,
	FS_DR_IP6_EXT_SHORT,
	FS_DR_IP6_EXT_TOO_MANY,
	FS_DR_ICMP_SHORT,
	FS_DR_TCP_SHORT,
	FS_DR_TCP_BAD_OFFSET,
	FS_DR_UDP_SHORT,
	FS_DR_UDP_BAD_LEN,
	FS_DR_OSPF_SHORT,	/* shorter than the common OSPF header */
	FS_DR_SRC_MAC_GROUP,	/* source MAC with the group bit: invalid */
	FS_DR_LINKTYPE,		/* DLT not decoded: nothing parsed */
	FS_DR_L4_SHORT,		/* IGMP, GRE, PIM or VRRP header incomplete */
	/* Remote mirrors (ERSPAN, GRE-TEB, VXLAN): charged to the sender of
	 * the frame that carried the broken encapsulation. */
	FS_DR_GRE_SHORT,	/* GRE checksum/key/sequence fields cut */
	FS_DR_GRE_BAD_HEADER,	/* routing, reserved bits 4-5 or version */
	FS_DR_ERSPAN_SHORT,
	FS_DR_ERSPAN_BAD_VERSION,	/* type II not version 1, III not 2 */
	FS_DR_ERSPAN_FRAME_TYPE,	/* type III neither Ethernet nor IP */
	FS_DR_VXLAN_SHORT,	/* VXLAN header cut by the snaplen */
	FS_DR_MIRROR_TOO_DEEP,	/* more nested encapsulations than we remove */
	FS_DR_COUNT
};

/* struct fs_pkt keeps the reason in a byte. */
_Static_assert(FS_DR_COUNT <= 256, "fs_pkt.reason is a uint8_t");

const char *fs_decode_reason_name(enum fs_decode_reason r);

/* Nested remote-mirror encapsulations removed before FS_DR_MIRROR_TOO_DEEP
 * (public captures nest three VXLAN layers). */
#define FS_DECODE_MIRROR_MAX 3

/* libpcap DLT_* values we decode: Ethernet, Linux SLL v1/v2, raw IP,
 * BSD loopback (DLT_NULL, DLT_LOOP). */
bool fs_decode_linktype_supported(int dlt);

/*
 * The host key of an Ethernet frame at a glance, without decoding: source
 * MAC and outermost VLAN ID (0 untagged). False for other link types and
 * frames too short. For a prefetch only: fs_decode has the final word
 * (mirrored frames are keyed by the inner frame).
 */
bool fs_decode_peek_source(int dlt, const uint8_t *frame, uint32_t caplen,
			   uint16_t *vlan, const uint8_t **mac);

/*
 * Decodes one frame. Never reads past caplen, never writes the buffer,
 * never allocates. Always fills *out as far as it got (addresses found
 * before a failure stay filled, so malformed traffic can be charged to
 * its sender) and returns out->status.
 */
enum fs_decode_status fs_decode(int dlt, const uint8_t *frame, uint32_t caplen,
				uint32_t wirelen, int64_t ts_us,
				struct fs_pkt *out);

/*
 * The upper-layer payload fs_decode() found (l4_off/l4_len) as a cursor
 * over frame, for the routing-message parsers. A failed cursor when the
 * offsets do not fit the captured bytes.
 */
struct fs_cursor fs_decode_payload(const struct fs_pkt *p,
				   const uint8_t *frame);

#endif
