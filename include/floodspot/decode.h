/* One bounds-checked pass from frame bytes to a struct fs_pkt. */
#ifndef FLOODSPOT_DECODE_H
#define FLOODSPOT_DECODE_H

#include <stdbool.h>
#include <stdint.h>

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
	FS_DR_COUNT
};

const char *fs_decode_reason_name(enum fs_decode_reason r);

/* libpcap DLT_* values we decode: Ethernet, Linux SLL v1/v2, raw IP,
 * BSD loopback (DLT_NULL, DLT_LOOP). */
bool fs_decode_linktype_supported(int dlt);

/*
 * Decodes one frame. Never reads past caplen, never writes the buffer,
 * never allocates. Always fills *out as far as it got (addresses found
 * before a failure stay filled, so malformed traffic can be charged to
 * its sender) and returns out->status.
 */
enum fs_decode_status fs_decode(int dlt, const uint8_t *frame, uint32_t caplen,
				uint32_t wirelen, int64_t ts_us,
				struct fs_pkt *out);

#endif
