/*
 * Remote mirrors: the frame a switch mirrored to us inside GRE (ERSPAN
 * type I/II/III, Transparent Ethernet Bridging) or VXLAN becomes the
 * packet. The outer headers only name the mirror session; they are never
 * a host. GRE carrying anything else (routed tunnels) is left alone.
 *
 * Formats: RFC 2784 and RFC 2890 (GRE, key and sequence number),
 * draft-foschiano-erspan-03 (ERSPAN), RFC 7348 (VXLAN).
 */
#include "decode_int.h"

#define GRE_P_ERSPAN 0x88be	/* type II with a sequence number, else I */
#define GRE_P_ERSPAN3 0x22eb
#define GRE_P_TEB 0x6558

#define GRE_C 0x8000		/* checksum and reserved1 present */
#define GRE_K 0x2000		/* key present (RFC 2890) */
#define GRE_S 0x1000		/* sequence number present (RFC 2890) */
/* RFC 2784: a receiver not implementing RFC 1701 discards packets with
 * bit 1 (routing), 4 or 5 set; bits 6-12 are ignored. */
#define GRE_MUST_BE_ZERO 0x4c00
#define GRE_VERSION 0x0007

#define ERSPAN2_HDR 8
#define ERSPAN3_HDR 12
#define ERSPAN3_PLATFORM 8	/* optional subheader when the O bit is set */
#define ERSPAN_EN_TAG_KEPT 3	/* type II En: the frame kept its tag */
#define ERSPAN3_FT_ETHER 0
#define ERSPAN3_FT_IP 2

#define VXLAN_HDR 8
#define VXLAN_I 0x08		/* the VNI is valid */

/* A first fragment's datagram goes on in later fragments: the inner
 * frame is read as far as it goes and its lengths are believed. */
#define MISSING_UNKNOWN 65535u

struct mirror {
	enum fs_mirror_kind kind;
	uint32_t id;
	uint16_t vlan;		/* the frame's VLAN from the ERSPAN header */
	bool use_vlan;		/* when the inner frame carries no tag */
	bool ip_only;		/* ERSPAN III frame type IP: no L2 header */
};

/* What the snaplen cut from the declared bytes at c. */
static uint32_t snap_cut(uint32_t declared, const struct fs_cursor *c)
{
	return declared > c->left ? declared - (uint32_t)c->left : 0;
}

/*
 * Starts the packet over at the inner frame. The first failure recorded
 * wins in decode, so a mirror is only opened while the outer packet is
 * clean (callers check); the outer fields and classes are dropped.
 */
static void open_inner(struct fs_dec *d, struct fs_cursor *inner,
		       uint32_t cut, bool more_frags, const struct mirror *m)
{
	struct fs_pkt *p = d->p;
	static const struct fs_pkt zero;

	if (p->mirror_depth == FS_DECODE_MIRROR_MAX) {
		fs_dec_fail(d, FS_DR_MIRROR_TOO_DEEP);
		return;
	}
	struct fs_pkt outer = *p;
	*p = zero;
	p->ts_us = outer.ts_us;
	p->caplen = outer.caplen;
	p->wirelen = outer.wirelen;
	p->mirror_depth = (uint8_t)(outer.mirror_depth + 1);
	if (outer.mirror_depth == 0) {
		p->mirror = (uint8_t)m->kind;
		p->mirror_id = m->id;
	} else {
		p->mirror = outer.mirror;
		p->mirror_id = outer.mirror_id;
	}
	d->missing = more_frags ? MISSING_UNKNOWN : cut;

	if (m->ip_only)
		fs_dec_raw(d, inner, 0);
	else
		fs_dec_ether_inner(d, inner);
	if (m->use_vlan && p->vlan_depth == 0)
		p->vlan = m->vlan;
	/* A fragment boundary inside the inner headers is the sender's
	 * doing, as for a first fragment that cuts a TCP header. */
	if (more_frags && cut == 0 && p->status == FS_DECODE_TRUNCATED)
		p->status = FS_DECODE_MALFORMED;
}

/* ERSPAN II (8 bytes): Ver(4)=1 VLAN(12) | COS(3) En(2) T(1) Session(10) |
 * Reserved(12) Index(20). */
static bool erspan2(struct fs_dec *d, struct fs_cursor *c, bool clipped,
		    struct mirror *m)
{
	uint8_t h[ERSPAN2_HDR];

	fs_cursor_copy(c, h, sizeof(h));
	if (c->failed) {
		fs_dec_short(d, FS_DR_ERSPAN_SHORT, clipped);
		return false;
	}
	uint16_t w0 = fs_dec_be16(h, 0), w1 = fs_dec_be16(h, 2);
	if (w0 >> 12 != 1) {
		fs_dec_fail(d, FS_DR_ERSPAN_BAD_VERSION);
		return false;
	}
	m->kind = FS_MIRROR_ERSPAN_II;
	m->id = w1 & 0x03ff;
	m->vlan = w0 & 0x0fff;
	m->use_vlan = (w1 >> 11 & 3) != ERSPAN_EN_TAG_KEPT;
	return true;
}

/* ERSPAN III (12 bytes): Ver(4)=2 VLAN(12) | COS(3) BSO(2) T(1)
 * Session(10) | Timestamp(32) | SGT(16) | P(1) FT(5) HwID(6) D(1) Gra(2)
 * O(1), then 8 platform bytes when O is set. */
static bool erspan3(struct fs_dec *d, struct fs_cursor *c, bool clipped,
		    struct mirror *m)
{
	uint8_t h[ERSPAN3_HDR];

	fs_cursor_copy(c, h, sizeof(h));
	if (c->failed) {
		fs_dec_short(d, FS_DR_ERSPAN_SHORT, clipped);
		return false;
	}
	uint16_t w0 = fs_dec_be16(h, 0), w1 = fs_dec_be16(h, 2);
	uint16_t w5 = fs_dec_be16(h, 10);
	if (w0 >> 12 != 2) {
		fs_dec_fail(d, FS_DR_ERSPAN_BAD_VERSION);
		return false;
	}
	m->kind = FS_MIRROR_ERSPAN_III;
	m->id = w1 & 0x03ff;
	m->vlan = w0 & 0x0fff;
	m->use_vlan = true;
	if (w5 & 1) {
		fs_cursor_skip(c, ERSPAN3_PLATFORM);
		if (c->failed) {
			fs_dec_short(d, FS_DR_ERSPAN_SHORT, clipped);
			return false;
		}
	}
	unsigned ft = w5 >> 10 & 0x1f;
	if (ft != ERSPAN3_FT_ETHER && ft != ERSPAN3_FT_IP) {
		fs_dec_fail(d, FS_DR_ERSPAN_FRAME_TYPE);
		return false;
	}
	m->ip_only = ft == ERSPAN3_FT_IP;
	return true;
}

/* Not a mirror: the GRE packet is the payload; its 4-byte header must be
 * there, as for any control protocol routers parse (l4.c). */
static void plain_gre(struct fs_dec *d, struct fs_cursor *c, bool clipped,
		      bool more_frags)
{
	fs_dec_payload(d, c, (uint32_t)c->left);
	if (!more_frags && c->left < 4)
		fs_dec_short(d, FS_DR_L4_SHORT, clipped);
}

static bool gre_mirror(struct fs_dec *d, struct fs_cursor *c,
		       uint32_t declared, bool more_frags)
{
	uint8_t h[4];
	struct fs_cursor peek = *c;

	fs_cursor_copy(&peek, h, sizeof(h));
	if (d->p->status != FS_DECODE_OK || peek.failed)
		return false;
	uint16_t flags = fs_dec_be16(h, 0), proto = fs_dec_be16(h, 2);
	if (proto != GRE_P_ERSPAN && proto != GRE_P_ERSPAN3 &&
	    proto != GRE_P_TEB)
		return false;

	uint32_t cut = snap_cut(declared, c);
	bool clipped = cut > 0;
	fs_dec_payload(d, c, (uint32_t)c->left);
	if (flags & (GRE_MUST_BE_ZERO | GRE_VERSION)) {
		fs_dec_fail(d, FS_DR_GRE_BAD_HEADER);
		return true;
	}
	fs_cursor_skip(c, sizeof(h));
	if (flags & GRE_C)
		fs_cursor_skip(c, 4);
	uint32_t key = (flags & GRE_K) ? fs_cursor_be32(c) : 0;
	if (flags & GRE_S)
		fs_cursor_skip(c, 4);
	if (c->failed) {
		fs_dec_short(d, FS_DR_GRE_SHORT, clipped);
		return true;
	}

	struct mirror m = { .kind = FS_MIRROR_ERSPAN_I };
	if (proto == GRE_P_TEB) {
		m.kind = FS_MIRROR_GRE_TEB;
		m.id = key;
	} else if (proto == GRE_P_ERSPAN3) {
		if (!erspan3(d, c, clipped, &m))
			return true;
	} else if (flags & GRE_S) {
		if (!erspan2(d, c, clipped, &m))
			return true;
	}
	open_inner(d, c, cut, more_frags, &m);
	return true;
}

/* Out of line, as fs_dec_vxlan(): inlined into fs_dec_l4() they cost
 * every TCP and UDP packet a stack frame. */
__attribute__((noinline)) void fs_dec_gre(struct fs_dec *d,
					  struct fs_cursor *c,
					  uint32_t declared, bool clipped,
					  bool more_frags)
{
	if (!gre_mirror(d, c, declared, more_frags))
		plain_gre(d, c, clipped, more_frags);
}

static bool vxlan(struct fs_dec *d, struct fs_cursor *c, uint32_t declared,
		  uint32_t ip_rest, bool more_frags)
{
	/* Too short to hold the header: a datagram to the port, not VXLAN. */
	if (d->p->status != FS_DECODE_OK || declared < VXLAN_HDR)
		return false;
	/* A first fragment holds less than the UDP length says. */
	uint32_t cut = snap_cut(declared < ip_rest ? declared : ip_rest, c);
	uint8_t h[VXLAN_HDR];
	struct fs_cursor peek = *c;
	fs_cursor_copy(&peek, h, sizeof(h));
	fs_dec_payload(d, c, declared);
	if (peek.failed) {
		fs_dec_short(d, FS_DR_VXLAN_SHORT, cut > 0);
		return true;
	}
	/* RFC 7348 5: the I flag must be set; the other bits are ignored on
	 * receipt (group policy and GPE set some). Without it this is some
	 * other use of the port, left as plain UDP. */
	if (!(h[0] & VXLAN_I))
		return false;
	fs_cursor_skip(c, sizeof(h));
	struct mirror m = {
		.kind = FS_MIRROR_VXLAN,
		.id = (uint32_t)h[4] << 16 | (uint32_t)h[5] << 8 | h[6],
	};
	uint32_t inner_len = declared - VXLAN_HDR;
	struct fs_cursor inner = fs_cursor_sub(
		c, inner_len < c->left ? inner_len : c->left);
	open_inner(d, &inner, cut, more_frags, &m);
	return true;
}

__attribute__((noinline)) void fs_dec_vxlan(struct fs_dec *d,
					    struct fs_cursor *c,
					    uint32_t declared, uint32_t ip_rest,
					    bool more_frags)
{
	if (!vxlan(d, c, declared, ip_rest, more_frags))
		fs_dec_payload(d, c, declared);
}
