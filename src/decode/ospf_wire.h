/*
 * OSPF wire parsing, private to src/decode and its tests; the parsed
 * message is public (floodspot/ospf_msg.h). One pass checks a whole
 * packet and copies what it carries into the message's fixed arrays; the
 * walkers below read the variable-length parts from a cursor.
 */
#ifndef FLOODSPOT_OSPF_WIRE_H
#define FLOODSPOT_OSPF_WIRE_H

#include <stdbool.h>
#include <stdint.h>

#include "floodspot/cursor.h"
#include "floodspot/ospf_msg.h"

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
/* A DBD, LSR or LSAck body: whole entries of len bytes, copied into m. */
enum fs_ospf_reason fs_ospf_check_entries(struct fs_cursor *body, size_t len,
					  enum fs_ospf_reason if_short,
					  uint8_t version,
					  struct fs_ospf_msg *m);
/* LSR, LSU and LSAck bodies, alike in v2 and v3 but for LSA headers. */
enum fs_ospf_reason fs_ospf_check_lsa_body(struct fs_cursor *body,
					   uint8_t version,
					   struct fs_ospf_msg *m);
/* Checks every LSA of an LSU body and copies their headers (lsa.c). */
enum fs_ospf_reason fs_ospf_check_lsu(struct fs_cursor *body, uint8_t version,
				      struct fs_ospf_msg *m);

/* Walkers over LSA headers, LSR entries and LSAs (c is advanced). */
bool fs_ospf_next_lsa_hdr(struct fs_cursor *c, uint8_t version,
			  struct fs_ospf_lsa_hdr *h);
bool fs_ospf_next_lsr(struct fs_cursor *c, uint8_t version,
		      struct fs_ospf_lsr_entry *e);
/* An LSU's LSA: header and body (length - 20 bytes) as a sub-cursor. */
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

#endif
