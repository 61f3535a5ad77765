/*
 * Hand-built OSPF packets for the parser and tracker tests: a byte writer
 * and v2/v3 headers whose packet length is patched in when done.
 */
#ifndef FS_TEST_OSPF_BUILD_H
#define FS_TEST_OSPF_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ob {
	uint8_t b[2048];
	size_t n;
	size_t len_at;		/* where the packet length goes */
	size_t start;		/* start of the OSPF header */
};

static inline void ob_u8(struct ob *o, unsigned v)
{
	o->b[o->n++] = (uint8_t)v;
}

static inline void ob_be16(struct ob *o, unsigned v)
{
	ob_u8(o, v >> 8 & 0xff);
	ob_u8(o, v & 0xff);
}

static inline void ob_be32(struct ob *o, uint32_t v)
{
	ob_be16(o, v >> 16);
	ob_be16(o, v & 0xffff);
}

static inline void ob_zero(struct ob *o, size_t n)
{
	memset(o->b + o->n, 0, n);
	o->n += n;
}

static inline void ob_put16(struct ob *o, size_t at, unsigned v)
{
	o->b[at] = (uint8_t)(v >> 8);
	o->b[at + 1] = (uint8_t)v;
}

#define IP4(a, b, c, d)                                                       \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* autype 0 null, 1 simple ("secret"), 2 crypto (key id 7, 16-byte digest). */
static inline void ob_v2_hdr(struct ob *o, unsigned type, uint32_t rid,
			     uint32_t area, unsigned autype, uint32_t seq)
{
	o->start = o->n;
	ob_u8(o, 2);
	ob_u8(o, type);
	o->len_at = o->n;
	ob_be16(o, 0);
	ob_be32(o, rid);
	ob_be32(o, area);
	ob_be16(o, 0);		/* checksum */
	ob_be16(o, autype);
	if (autype == 1) {
		memcpy(o->b + o->n, "secret\0\0", 8);
		o->n += 8;
	} else if (autype == 2) {
		ob_be16(o, 0);
		ob_u8(o, 7);
		ob_u8(o, 16);
		ob_be32(o, seq);
	} else {
		ob_zero(o, 8);
	}
}

static inline void ob_v3_hdr(struct ob *o, unsigned type, uint32_t rid,
			     uint32_t area, unsigned instance)
{
	o->start = o->n;
	ob_u8(o, 3);
	ob_u8(o, type);
	o->len_at = o->n;
	ob_be16(o, 0);
	ob_be32(o, rid);
	ob_be32(o, area);
	ob_be16(o, 0);
	ob_u8(o, instance);
	ob_u8(o, 0);
}

/* Patches the packet length: everything written since the header. */
static inline void ob_end(struct ob *o)
{
	ob_put16(o, o->len_at, (unsigned)(o->n - o->start));
}

static inline void ob_v2_hello(struct ob *o, uint32_t mask, unsigned hello,
			       unsigned options, unsigned prio, uint32_t dead,
			       uint32_t dr, uint32_t bdr, const uint32_t *nbrs,
			       unsigned n)
{
	ob_be32(o, mask);
	ob_be16(o, hello);
	ob_u8(o, options);
	ob_u8(o, prio);
	ob_be32(o, dead);
	ob_be32(o, dr);
	ob_be32(o, bdr);
	for (unsigned i = 0; i < n; i++)
		ob_be32(o, nbrs[i]);
}

static inline void ob_v3_hello(struct ob *o, uint32_t iface, unsigned prio,
			       uint32_t options, unsigned hello, unsigned dead,
			       uint32_t dr, uint32_t bdr, const uint32_t *nbrs,
			       unsigned n)
{
	ob_be32(o, iface);
	ob_u8(o, prio);
	ob_u8(o, options >> 16);
	ob_be16(o, options & 0xffff);
	ob_be16(o, hello);
	ob_be16(o, dead);
	ob_be32(o, dr);
	ob_be32(o, bdr);
	for (unsigned i = 0; i < n; i++)
		ob_be32(o, nbrs[i]);
}

/* 20-byte LSA header; v2 writes options + 8-bit type, v3 a 16-bit type. */
static inline void ob_lsa_hdr(struct ob *o, unsigned version, unsigned type,
			      uint32_t id, uint32_t adv, uint32_t seq,
			      unsigned length)
{
	ob_be16(o, 1);		/* age */
	if (version == 2) {
		ob_u8(o, 0x02);
		ob_u8(o, type);
	} else {
		ob_be16(o, type);
	}
	ob_be32(o, id);
	ob_be32(o, adv);
	ob_be32(o, seq);
	ob_be16(o, 0);
	ob_be16(o, length);
}

#endif
