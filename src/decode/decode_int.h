/* Private to src/decode: per-packet state shared by the layer decoders. */
#ifndef FLOODSPOT_DECODE_INT_H
#define FLOODSPOT_DECODE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "floodspot/cursor.h"
#include "floodspot/decode.h"
#include "floodspot/pkt.h"

#define FS_DEC_VLAN_MAX 4	/* tags followed before FS_DR_VLAN_TOO_DEEP */
#define FS_DEC_IP6_EXT_MAX 8	/* v6 extension headers before TOO_MANY */

struct fs_dec {
	const uint8_t *base;	/* frame start, for layer offsets */
	struct fs_pkt *p;
	uint32_t missing;	/* bytes of this frame not captured (wirelen -
				 * caplen; for a mirrored frame, its own) */
};

/*
 * Records a failure; the first one wins, so a frame flagged for its source
 * MAC keeps that reason while decoding continues. A short read is ours
 * (truncated) when the bytes were cut by the snaplen, else the sender's.
 */
void fs_dec_fail(struct fs_dec *d, enum fs_decode_reason r);
void fs_dec_short(struct fs_dec *d, enum fs_decode_reason r, bool clipped);

/*
 * Readers at fixed offsets of a header copied out of the frame in one
 * bounds-checked fs_cursor_copy(): one check per header instead of one per
 * field, and the fields read from a local array stay in registers.
 */
static inline uint16_t fs_dec_be16(const uint8_t *h, size_t off)
{
	return (uint16_t)((uint16_t)h[off] << 8 | h[off + 1]);
}

static inline void fs_dec_class(struct fs_dec *d, enum fs_class c)
{
	d->p->classes |= FS_CLASS_BIT(c);
}

/* Records the upper-layer payload: from c, len bytes clipped to c. */
static inline void fs_dec_payload(struct fs_dec *d, const struct fs_cursor *c,
				  uint32_t len)
{
	d->p->l4_off = (uint32_t)fs_cursor_offset(c, d->base);
	d->p->l4_len = len < c->left ? len : (uint32_t)c->left;
}

/* Follows VLAN tags from *type; false when the frame failed. (vlan.c) */
bool fs_dec_vlan(struct fs_dec *d, struct fs_cursor *c, uint16_t *type);
/* Dispatches on an ethertype, VLAN tags included. (link.c) */
void fs_dec_ethertype(struct fs_dec *d, struct fs_cursor *c, uint16_t type);
/* Link layers. (link.c) */
void fs_dec_ether(struct fs_dec *d, struct fs_cursor *c);
void fs_dec_ether_inner(struct fs_dec *d, struct fs_cursor *c); /* mirrors */
void fs_dec_sll(struct fs_dec *d, struct fs_cursor *c);
void fs_dec_sll2(struct fs_dec *d, struct fs_cursor *c);
void fs_dec_raw(struct fs_dec *d, struct fs_cursor *c, int version);
void fs_dec_null(struct fs_dec *d, struct fs_cursor *c);

void fs_dec_arp(struct fs_dec *d, struct fs_cursor *c);	/* arp.c */
void fs_dec_ip4(struct fs_dec *d, struct fs_cursor *c);	/* ip4.c */
void fs_dec_ip6(struct fs_dec *d, struct fs_cursor *c);	/* ip6.c */

/*
 * Upper layer (l4.c). c holds the IP payload present, declared its length
 * from the IP header; clipped when the snaplen cut it; first_frag when
 * more fragments follow (lengths may exceed this fragment).
 */
void fs_dec_l4(struct fs_dec *d, struct fs_cursor *c, uint32_t declared,
	       bool clipped, bool first_frag);

/*
 * GRE, and UDP to the VXLAN port (mirror.c): a remote mirror's inner frame
 * replaces the packet, or the encapsulation's failure is recorded; any
 * other packet (or one whose outer part already failed) is plain GRE or
 * UDP. c holds the GRE packet or the UDP payload, declared its length on
 * the wire (for VXLAN the UDP length, ip_rest what the IP header declares
 * from c on); more_frags when the outer packet is a first fragment. Called
 * last, so fs_dec_l4() stays a leaf function on the common path.
 */
void fs_dec_gre(struct fs_dec *d, struct fs_cursor *c, uint32_t declared,
		bool clipped, bool more_frags);
void fs_dec_vxlan(struct fs_dec *d, struct fs_cursor *c, uint32_t declared,
		  uint32_t ip_rest, bool more_frags);

#endif
