/*
 * OSPF wire parsing (private to src/ospf and its tests). One call checks a
 * whole packet and fills a fixed-size summary; variable-length parts (LSA
 * headers, requests, LSAs) stay as sub-cursors that the walkers below read
 * again, so nothing allocates and nothing is copied twice.
 */
#ifndef FLOODSPOT_OSPF_WIRE_H
#define FLOODSPOT_OSPF_WIRE_H

#include <stdbool.h>
#include <stdint.h>

#include "floodspot/cursor.h"

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

const char *fs_ospf_reason_name(enum fs_ospf_reason r);

/* Neighbors kept from one Hello; a longer list is counted, not stored. */
#define FS_OSPF_HELLO_MAX_NBRS 64

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
};

/* One LSR entry. v2 type is 32 bits on the wire, v3 16 bits. */
struct fs_ospf_lsr_entry {
	uint32_t type;
	uint32_t ls_id;
	uint32_t adv_router;
};

struct fs_ospf_msg {
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

	/* DBD/LSAck: LSA headers; LSR: entries; LSU: whole LSAs. */
	uint32_t n_items;
	struct fs_cursor items;
};

/*
 * Parses one OSPF packet. ip_version is 4 or 6 (the transport it came in);
 * snap_cut tells a short buffer caused by the snaplen (truncated) from a
 * sender's short packet (malformed). Returns FS_OR_OK or the reason.
 */
enum fs_ospf_reason fs_ospf_parse(const uint8_t *buf, uint32_t len,
				  uint8_t ip_version, bool snap_cut,
				  struct fs_ospf_msg *m);

/* Per-version bodies, called by fs_ospf_parse after the common header. */
enum fs_ospf_reason fs_ospf_parse_v2(struct fs_cursor *pkt,
				     struct fs_cursor *after, bool snap_cut,
				     struct fs_ospf_msg *m);
enum fs_ospf_reason fs_ospf_parse_v3(struct fs_cursor *pkt,
				     struct fs_cursor *after, bool snap_cut,
				     struct fs_ospf_msg *m);
/* The rest of a Hello: neighbor router ids, the same in v2 and v3. */
enum fs_ospf_reason fs_ospf_read_neighbors(struct fs_cursor *body,
					   struct fs_ospf_msg *m);
/* LSR entries and LSA headers have the same size in v2 and v3. */
#define FS_OSPF_LSR_ENTRY_LEN 12
#define FS_OSPF_LSA_HDR_LEN 20
/* An LSR or LSAck body: whole entries of len bytes, kept in m->items. */
enum fs_ospf_reason fs_ospf_check_entries(struct fs_cursor *body, size_t len,
					  enum fs_ospf_reason if_short,
					  struct fs_ospf_msg *m);
/* LSR, LSU and LSAck bodies, alike in v2 and v3 but for LSA headers. */
enum fs_ospf_reason fs_ospf_check_lsa_body(struct fs_cursor *body,
					   uint8_t version,
					   struct fs_ospf_msg *m);
/* Checks every LSA of an LSU body and counts them (lsa.c). */
enum fs_ospf_reason fs_ospf_check_lsu(struct fs_cursor *body, uint8_t version,
				      struct fs_ospf_msg *m);

/* Walkers over m->items (a copy of the cursor is advanced). */
bool fs_ospf_next_lsa_hdr(struct fs_cursor *c, uint8_t version,
			  struct fs_ospf_lsa_hdr *h);
bool fs_ospf_next_lsr(struct fs_cursor *c, uint8_t version,
		      struct fs_ospf_lsr_entry *e);
/* LSU: header and the LSA body (length - 20 bytes) as a sub-cursor. */
bool fs_ospf_next_lsa(struct fs_cursor *c, uint8_t version,
		      struct fs_ospf_lsa_hdr *h, struct fs_cursor *body);

/* Validates a router-LSA or network-LSA body; other types pass. */
bool fs_ospf_lsa_body_ok(uint8_t version, const struct fs_ospf_lsa_hdr *h,
			 struct fs_cursor body);
/* Router-LSA links: count, and v2/v3 link fields where they exist. */
struct fs_ospf_rtr_link {
	uint8_t type;
	uint16_t metric;
	uint32_t link_id, link_data;		/* v2 */
	uint32_t iface_id, nbr_iface_id, nbr_router_id;	/* v3 */
};
/* Positions c at the first link and returns the router-LSA flags. */
uint8_t fs_ospf_rtr_links_begin(uint8_t version, struct fs_cursor *c,
				uint32_t *n_links);
bool fs_ospf_next_rtr_link(struct fs_cursor *c, uint8_t version,
			   struct fs_ospf_rtr_link *l);
/* Network-LSA: positions c at the attached routers, returns their count. */
uint32_t fs_ospf_net_attached_begin(uint8_t version, struct fs_cursor *c,
				    uint32_t *netmask);

bool fs_ospf_is_network_lsa(uint8_t version, uint16_t type);
bool fs_ospf_is_router_lsa(uint8_t version, uint16_t type);

#endif
