/*
 * First-hop redundancy adverts parsed into one fixed-size struct: VRRP
 * version 2 (RFC 3768) and 3 (RFC 5798, IPv4 and IPv6), CARP (OpenBSD,
 * VRRP's protocol number 112 and version 2, told apart in decode by its
 * 36-byte advert), HSRP version 1 (RFC 2281, UDP 1985 to 224.0.0.2) and
 * version 2 (TLVs, to 224.0.0.102, or UDP 2029 over IPv6). Decode
 * recognises them (fs_pkt.route); the tracker asks for the parse.
 */
#ifndef FLOODSPOT_FHRP_MSG_H
#define FLOODSPOT_FHRP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "floodspot/pkt.h"

enum fs_fhrp_proto {
	FS_FHRP_VRRP2,
	FS_FHRP_VRRP3,
	FS_FHRP_CARP,
	FS_FHRP_HSRP1,
	FS_FHRP_HSRP2,
	FS_FHRP_PROTO_COUNT
};

/* "vrrp2", "vrrp3", "carp", "hsrp1", "hsrp2". */
const char *fs_fhrp_proto_name(enum fs_fhrp_proto p);

/* HSRP states, one scale for both versions (v1 sends 0,1,2,4,8,16;
 * v2 sends 1-6 for initial..active). */
enum fs_hsrp_state {
	FS_HSRP_UNKNOWN,
	FS_HSRP_INITIAL,
	FS_HSRP_LEARN,
	FS_HSRP_LISTEN,
	FS_HSRP_SPEAK,
	FS_HSRP_STANDBY,
	FS_HSRP_ACTIVE,
};

const char *fs_hsrp_state_name(enum fs_hsrp_state s);

/* HSRP opcodes (v1 and the v2 group state TLV). */
#define FS_HSRP_HELLO 0
#define FS_HSRP_COUP 1
#define FS_HSRP_RESIGN 2
#define FS_HSRP_ADVERTISE 3	/* v1 interface state; v2 sends a TLV */

/* Virtual addresses kept from one advert; the count is as on the wire. */
#define FS_FHRP_MAX_ADDRS 16

enum fs_fhrp_reason {
	FS_FHRP_R_OK,
	FS_FHRP_R_SHORT,	/* fixed header incomplete */
	FS_FHRP_R_TRUNCATED,	/* cut by the snaplen: our side */
	FS_FHRP_R_BAD_VERSION,	/* VRRP not 2/3, CARP not 2, HSRP not 0 or
				 * a v2 group TLV; VRRPv2 over IPv6 */
	FS_FHRP_R_BAD_TYPE,	/* VRRP/CARP type other than advertisement */
	FS_FHRP_R_BAD_LENGTH,	/* shorter than its address count says */
	FS_FHRP_R_BAD_TLV,	/* HSRPv2 TLV past the packet or of the
				 * wrong length for its type */
	FS_FHRP_R_COUNT
};

const char *fs_fhrp_reason_name(enum fs_fhrp_reason r);

/* Checksum of a VRRP or CARP advert (HSRP has none). */
enum fs_fhrp_checksum {
	FS_FHRP_CSUM_NONE,	/* HSRP, or the advert was not all captured */
	FS_FHRP_CSUM_OK,
	FS_FHRP_CSUM_OK_NO_PSEUDO,	/* VRRPv3 over IPv4 without the
					 * pseudo-header (older stacks) */
	FS_FHRP_CSUM_BAD,
};

struct fs_fhrp_msg {
	uint8_t reason;		/* enum fs_fhrp_reason */
	uint8_t proto;		/* enum fs_fhrp_proto */
	uint8_t opcode;		/* VRRP/CARP type; HSRP opcode */
	uint16_t group;		/* VRID, VHID, HSRP group */
	/* Election: higher priority wins in VRRP (255 owner, 0 master
	 * leaving) and HSRP; CARP elects the lowest skew. */
	uint32_t priority;
	uint8_t carp_advskew, carp_demote;
	uint64_t carp_counter;
	uint32_t interval_ms;	/* advert or hello interval */
	uint32_t hold_ms;	/* HSRP hold time; 0 elsewhere */
	uint8_t hsrp_state;	/* enum fs_hsrp_state */
	uint16_t hsrp_active_groups, hsrp_passive_groups;	/* advertise */
	bool has_mac;
	uint8_t mac[6];		/* HSRPv2 identifier: the sender's MAC */
	uint8_t auth_type;	/* VRRPv2; HSRPv2: 3 text, 4 MD5 TLV seen */
	uint8_t checksum;	/* enum fs_fhrp_checksum */
	uint8_t ip_version;	/* of the virtual addresses: 4 or 6 */
	uint8_t n_addrs;	/* as on the wire */
	uint8_t addrs[FS_FHRP_MAX_ADDRS][16];	/* IPv4 in the first 4 */
};

/*
 * Parses the payload of a decoded packet with fs_pkt.route VRRP, CARP or
 * HSRP (addresses and IP version come from p, for the VRRPv3
 * pseudo-header). Fields read before a failure stay filled. Returns and
 * stores m->reason.
 */
enum fs_fhrp_reason fs_fhrp_parse_pkt(const struct fs_pkt *p,
				      const uint8_t *frame,
				      struct fs_fhrp_msg *m);

/* The parsers on a bare payload: ip_version 4 or 6, src/dst the IP
 * addresses as in struct fs_pkt; snap_cut when the snaplen cut it. */
enum fs_fhrp_reason fs_vrrp_parse(const uint8_t *buf, size_t len,
				  uint8_t ip_version, const uint8_t src[16],
				  const uint8_t dst[16], bool snap_cut,
				  struct fs_fhrp_msg *m);
enum fs_fhrp_reason fs_carp_parse(const uint8_t *buf, size_t len,
				  bool snap_cut, struct fs_fhrp_msg *m);
enum fs_fhrp_reason fs_hsrp_parse(const uint8_t *buf, size_t len,
				  bool snap_cut, struct fs_fhrp_msg *m);

#endif
