/*
 * A parsed OSPFv2 (RFC 2328) or OSPFv3 (RFC 5340) packet: fixed-size
 * fields copied out of the frame, no pointer into it. Decode recognises
 * OSPF (fs_pkt.route); the tracker asks for the parse, so only OSPF
 * packets pay for it.
 *
 * The OSPF packet length is 16 bits, so the arrays below hold every item
 * any packet can carry: nothing is dropped for lack of room. The struct
 * is large (about 160 KiB): keep one per consumer, not one per packet.
 */
#ifndef FLOODSPOT_OSPF_MSG_H
#define FLOODSPOT_OSPF_MSG_H

#include <stdbool.h>
#include <stdint.h>

#include "floodspot/pkt.h"

enum fs_ospf_type {
	FS_OSPF_HELLO = 1,
	FS_OSPF_DBD = 2,
	FS_OSPF_LSR = 3,
	FS_OSPF_LSU = 4,
	FS_OSPF_LSACK = 5,
};

/* Why a packet was refused. Index into fs_ospf_stats.malformed_by_reason. */
enum fs_ospf_reason {
	FS_OR_OK,
	FS_OR_SHORT,		/* less than the common header */
	FS_OR_BAD_VERSION,	/* not 2/3, or v2 over IPv6 and the like */
	FS_OR_BAD_TYPE,
	FS_OR_BAD_LENGTH,	/* packet length < header or > IP payload */
	FS_OR_TRUNCATED,	/* cut by the snaplen: our side, not the sender's */
	FS_OR_BAD_AUTH,		/* v2 AuType unknown or digest past the payload */
	FS_OR_BAD_LLS,		/* LLS block longer than what follows */
	FS_OR_BAD_TRAILER,	/* v3 authentication trailer inconsistent */
	FS_OR_HELLO_SHORT,	/* Hello body short or neighbor list ragged */
	FS_OR_DBD_SHORT,
	FS_OR_LSR_SHORT,
	FS_OR_LSU_SHORT,	/* fewer LSAs than #LSAs says */
	FS_OR_LSA_BAD_LENGTH,	/* LSA length < 20 or past the packet */
	FS_OR_LSA_BODY,		/* router/network LSA body inconsistent */
	FS_OR_ACK_SHORT,
	FS_OR_COUNT
};

/* "bad_length", "truncated", ...; "unknown" out of range. */
const char *fs_ospf_reason_name(enum fs_ospf_reason r);

/* Neighbors kept from one Hello; a longer list is counted, not stored. */
#define FS_OSPF_HELLO_MAX_NBRS 64

/* Items of one packet at most: 65535 bytes less the smallest header (16),
 * over the item size (20-byte LSA header, 12-byte LSR entry, 4-byte
 * attached router after a 20-byte LSA header and 4 bytes). */
#define FS_OSPF_MSG_LSAS 3276
#define FS_OSPF_MSG_LSRS 5460
#define FS_OSPF_MSG_ATTACHED 16376

#define FS_OSPF_DBD_I 0x04
#define FS_OSPF_DBD_M 0x02
#define FS_OSPF_DBD_MS 0x01

#define FS_OSPF2_OPT_L 0x10		/* RFC 5613 LLS */
#define FS_OSPF3_OPT_L 0x000200
#define FS_OSPF3_OPT_AT 0x000400	/* RFC 7166 */

/*
 * Common 20-byte LSA header. v2: options + 8-bit type; v3: 16-bit type
 * with the U/S1/S2 bits (0x2001 router, 0x0008 link, ...), no options.
 */
struct fs_ospf_lsa_hdr {
	uint16_t age;
	uint8_t options;
	uint16_t type;
	uint32_t ls_id;
	uint32_t adv_router;
	uint32_t seq;
	uint16_t checksum;
	uint16_t length;
	/* In an LSU, a network-LSA's attached routers are
	 * fs_ospf_msg.attached[attached_first .. + n_attached]. */
	uint16_t attached_first, n_attached;
};

/* One LSR entry. v2 type is 32 bits on the wire, v3 16 bits. */
struct fs_ospf_lsr_entry {
	uint32_t type;
	uint32_t ls_id;
	uint32_t adv_router;
};

struct fs_ospf_msg {
	uint8_t reason;		/* enum fs_ospf_reason; the rest is valid
				 * only when FS_OR_OK */
	uint8_t version, type;
	uint16_t length;	/* packet length field */
	uint32_t router_id, area;
	uint16_t checksum;
	uint8_t instance_id;	/* v3 */

	/* v2 authentication (the password itself is never kept). */
	uint16_t autype;
	uint8_t auth_key_id, auth_data_len;
	uint32_t crypt_seq;

	/* Link-local signaling (v2 after the digest, v3 after the packet). */
	bool has_lls;
	uint16_t lls_len;	/* bytes, header included */

	/* v3 RFC 7166 trailer. */
	bool has_at;
	uint16_t at_type, at_len, at_sa_id;
	uint64_t at_seq;

	uint32_t options;	/* Hello/DBD options (v2: 8 bits, v3: 24) */

	/* Hello */
	uint32_t netmask;	/* v2 */
	uint32_t interface_id;	/* v3 */
	uint16_t hello_interval;
	uint8_t priority;
	uint32_t dead_interval;
	uint32_t dr, bdr;	/* v2: interface IPs, v3: router ids */
	uint32_t n_neighbors;	/* as on the wire */
	uint32_t neighbors[FS_OSPF_HELLO_MAX_NBRS];

	/* DBD */
	uint16_t mtu;
	uint8_t dbd_flags;
	uint32_t dd_seq;

	/* DBD, LSAck: LSA headers; LSU: LSAs; LSR: entries. */
	uint32_t n_items;
	uint32_t n_attached;
	/* Only the first n_items / n_attached entries are written. */
	union {
		struct fs_ospf_lsa_hdr lsas[FS_OSPF_MSG_LSAS];
		struct fs_ospf_lsr_entry lsrs[FS_OSPF_MSG_LSRS];
	};
	uint32_t attached[FS_OSPF_MSG_ATTACHED];
};

/*
 * Parses one OSPF packet. ip_version is 4 or 6 (the transport it came in);
 * snap_cut tells a short buffer caused by the snaplen (truncated) from a
 * sender's short packet (malformed). Returns and stores m->reason.
 */
enum fs_ospf_reason fs_ospf_parse(const uint8_t *buf, uint32_t len,
				  uint8_t ip_version, bool snap_cut,
				  struct fs_ospf_msg *m);
/* The same for a decoded packet with fs_pkt.route == FS_ROUTE_OSPF. */
enum fs_ospf_reason fs_ospf_parse_pkt(const struct fs_pkt *p,
				      const uint8_t *frame,
				      struct fs_ospf_msg *m);

bool fs_ospf_is_network_lsa(uint8_t version, uint16_t type);
bool fs_ospf_is_router_lsa(uint8_t version, uint16_t type);

#endif
