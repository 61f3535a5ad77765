/*
 * A byte writer for the message parser tests (BGP, BFD, VRRP, HSRP):
 * big-endian fields, and lengths patched in once the body is written.
 */
#ifndef FS_TEST_MSG_BUILD_H
#define FS_TEST_MSG_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct mb {
	uint8_t b[8192];
	size_t n;
};

static inline void mb_u8(struct mb *m, unsigned v)
{
	m->b[m->n++] = (uint8_t)v;
}

static inline void mb_be16(struct mb *m, unsigned v)
{
	mb_u8(m, v >> 8 & 0xff);
	mb_u8(m, v & 0xff);
}

static inline void mb_be32(struct mb *m, uint32_t v)
{
	mb_be16(m, v >> 16);
	mb_be16(m, v & 0xffff);
}

static inline void mb_fill(struct mb *m, unsigned v, size_t n)
{
	memset(m->b + m->n, (int)v, n);
	m->n += n;
}

static inline void mb_bytes(struct mb *m, const void *p, size_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static inline void mb_put16(struct mb *m, size_t at, unsigned v)
{
	m->b[at] = (uint8_t)(v >> 8);
	m->b[at + 1] = (uint8_t)v;
}

/* An exact-size heap copy of the first len bytes, so ASan sees any read
 * past them. Free with free(). */
static inline uint8_t *mb_copy(const struct mb *m, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);
	if (p)
		memcpy(p, m->b, len);
	return p;
}

/* Builds a message and hands fn an exact copy of each of its prefixes
 * shorter than the whole less keep bytes (those a parser may do without). */
static inline void mb_each_prefix(void (*build)(struct mb *m), size_t keep,
				  void (*fn)(const uint8_t *buf, size_t len,
					     const void *arg),
				  const void *arg)
{
	static struct mb m;
	m.n = 0;
	build(&m);
	for (size_t len = 0; len + keep < m.n; len++) {
		uint8_t *buf = mb_copy(&m, len);
		fn(buf, len, arg);
		free(buf);
	}
}

#endif
